from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from .errors import error_body

# Headers of an error response that a client needs and that survive its conversion to JSON.
_KEPT_HEADERS = ("Retry-After", "WWW-Authenticate", "Allow")


def _api_error(status: int) -> tuple[str, str]:
    errors = {
        400: ("bad_request", _("The request could not be read.")),
        401: ("not_authenticated", _("Authentication credentials were not provided.")),
        403: ("forbidden", _("Your role may not do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("Method not allowed.")),
        413: ("too_large", _("The request is too large.")),
        429: ("throttled", _("Too many requests: wait a moment and try again.")),
    }
    if status in errors:
        return errors[status]
    if status >= 500:
        return "server_error", _("Server error: the request was not completed. Please try again later.")
    return "error", _("The request was refused.")


class ApiErrorMiddleware:
    """Under /api/, an error response that is not JSON already (Django's own 400 for a bad host or
    an oversized form, 404 and 500 pages, CSRF failures, the login lockout) becomes the API's JSON
    error {"code", "message", "fields"} with the same status. DRF's own errors are JSON already
    and pass untouched. With DEBUG on, 500s keep Django's technical page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
            or (settings.DEBUG and response.status_code >= 500)
        ):
            return response
        code, message = _api_error(response.status_code)
        converted = JsonResponse(error_body(code, message), status=response.status_code)
        for header in _KEPT_HEADERS:
            if header in response:
                converted[header] = response[header]
        return converted


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header from settings (production)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class PortalLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose English (language cookie, set by the switch in the header).

    Pages ignore the browser's Accept-Language: civil servants' machines often run an English
    browser, and the portal's language of record is Chinese. The API honours Accept-Language,
    so that clients can ask for English messages.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ServiceErrorMiddleware:
    """Pages: a NotFoundError escaping a view is the 404 page (unknown and foreign alike), a
    ForbiddenError the 403 page. (The API's exception handler answers them as JSON errors.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from .errors import ForbiddenError, NotFoundError

        if isinstance(exception, NotFoundError):
            raise Http404(str(exception.message)) from exception
        if isinstance(exception, ForbiddenError):
            raise PermissionDenied(str(exception.message)) from exception
        return None
