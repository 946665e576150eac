from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
