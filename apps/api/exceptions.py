"""One exception handler: every API error is JSON {"code", "message", "fields"}.

Messages are translated (Chinese by default, English with `Accept-Language: en`). ServiceError
from the domain services keeps its status (400, 403, 404, 409, 413) and code.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.core.errors import ServiceError, error_body  # noqa: F401  (error_body: used by the API's views)


def _flatten(detail) -> dict:
    """DRF's nested ValidationError detail as {field: [messages]} ("non_field_errors" for the rest)."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for i, item in enumerate(value):
                    for sub, msgs in _flatten(item).items():
                        out[f"{key}.{i}.{sub}"] = msgs
            else:
                out[key] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
    return {"non_field_errors": [str(v) for v in (detail if isinstance(detail, list) else [detail])]}


def api_exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        fields = {exc.field: [str(exc.message)]} if exc.field else {}
        return Response(error_body(exc.code, exc.message, fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _("Some fields are not valid."), _flatten(exc.detail))
        return response
    codes = {
        status.HTTP_401_UNAUTHORIZED: "not_authenticated",
        status.HTTP_403_FORBIDDEN: "forbidden",
        status.HTTP_404_NOT_FOUND: "not_found",
        status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "too_large",
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
        status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
    }
    code = codes.get(response.status_code) or getattr(exc, "default_code", "error")
    detail = getattr(exc, "detail", "")
    if isinstance(exc, exceptions.NotFound):
        detail = _("Not found.")
    response.data = error_body(code, detail if isinstance(detail, str) else str(detail))
    return response
