"""Reading a request's body through a serializer: the one way the API views check what was sent
(a ValidationError becomes the API's JSON 400, apps.api.exceptions)."""

from rest_framework import serializers


def request_data(request):
    """The body of an API request; an action posted without a body sends an empty object."""
    return request.data if request.data is not None else {}


def validated(serializer_class: type[serializers.Serializer], request, **kwargs) -> dict:
    """The body of `request` checked by `serializer_class` (`kwargs`: e.g. partial=True): its
    validated data, or ValidationError."""
    body = serializer_class(data=request_data(request), **kwargs)
    body.is_valid(raise_exception=True)
    return body.validated_data
