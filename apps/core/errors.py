"""The one error type that services raise: its message is meant for the user, already translated."""


class ServiceError(Exception):
    """A request that the domain refuses. `code` is machine-readable, `message` human-readable."""

    def __init__(self, message, *, code: str = "invalid", field: str | None = None, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        self.status = status


class ConflictError(ServiceError):
    """Wrong state or stale version: somebody else acted first."""

    def __init__(self, message, *, code: str = "conflict", field: str | None = None):
        super().__init__(message, code=code, field=field, status=409)


class ForbiddenError(ServiceError):
    """The acting user's role may not do this."""

    def __init__(self, message, *, code: str = "forbidden", field: str | None = None):
        super().__init__(message, code=code, field=field, status=403)
