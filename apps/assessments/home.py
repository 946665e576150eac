"""Home-page panels of the assessments app, by role (see apps.core.views.home_panels)."""


def panels(request) -> list[dict]:
    role = request.user.role
    if role == "community":
        from .home_community import panels as role_panels
    elif role in ("city", "province"):
        from .home_review import panels as role_panels
    else:
        return []
    return role_panels(request)
