"""The error types that services raise: the message is for the user (already translated), the code
for machines. Services never speak HTTP: views and the API's exception handler turn the kind of
error into a status through `http_status` (the `status` attribute reads it)."""


class ServiceError(Exception):
    """A request that the domain refuses (invalid input). `code` is machine-readable, `message`
    human-readable, `field` the form field it is about."""

    def __init__(self, message, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    @property
    def status(self) -> int:
        return http_status(self)


class ConflictError(ServiceError):
    """Wrong state or stale version: somebody else acted first."""

    def __init__(self, message, *, code: str = "conflict", field: str | None = None):
        super().__init__(message, code=code, field=field)


class ForbiddenError(ServiceError):
    """The acting user's role may not do this."""

    def __init__(self, message, *, code: str = "forbidden", field: str | None = None):
        super().__init__(message, code=code, field=field)


class NotFoundError(ServiceError):
    """The object does not exist for this user (not in their scope, or not at all)."""

    def __init__(self, message, *, code: str = "not_found", field: str | None = None):
        super().__init__(message, code=code, field=field)


class TooLargeError(ServiceError):
    """An upload over its limit."""

    def __init__(self, message, *, code: str = "too_large", field: str | None = None):
        super().__init__(message, code=code, field=field)


_STATUS = ((NotFoundError, 404), (ForbiddenError, 403), (ConflictError, 409), (TooLargeError, 413))


def http_status(error: ServiceError) -> int:
    """The HTTP status that pages and the API answer a refused request with."""
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400


def error_body(code: str, message, fields: dict | None = None) -> dict:
    """The JSON error of every /api/ response: {"code", "message", "fields"}."""
    return {"code": code, "message": str(message), "fields": fields or {}}
