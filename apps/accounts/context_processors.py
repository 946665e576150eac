"""Template context: `caps`, the capabilities of the signed-in user (apps.accounts.capabilities)."""

from .capabilities import Capabilities


def capabilities(request):
    return {"caps": Capabilities(getattr(request, "user", None))}
