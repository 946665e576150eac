"""Every URL of the project, every role, an object in scope and one out of scope.

The registry is tests/security/matrix.py (ROUTES): a URL pattern without an entry fails
`test_every_url_is_registered`, naming it. Refusals never carry the object's data."""

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix import (
    ADMIN_LOGIN,
    LISTLESS_ROLES,
    LOGIN,
    NATIONWIDE_ROLES,
    REDIRECT,
    ROLES,
    ROUTES,
    SCOPED_ROLES,
)
from .world import World, pdf_bytes, resolve_attr


def url_patterns(resolver=None, prefix="", namespace=None):
    """(route, name with namespaces or None, pattern) for every pattern, recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern


def is_admin(route: str, name: str | None) -> bool:
    return (name or "").startswith("admin:") or route.startswith("admin/")


def test_every_url_is_registered():
    unregistered, unnamed = [], []
    names = set()
    for route, name, _pattern in url_patterns():
        if is_admin(route, name):
            continue
        if name is None:
            unnamed.append(route)
            continue
        names.add(name)
        if name not in ROUTES:
            unregistered.append(f"{name} ({route})")
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"
    assert not unregistered, (
        "URL patterns missing from the authorization registry tests/security/matrix.py ROUTES "
        f"(add one entry each): {unregistered}"
    )
    stale = sorted(set(ROUTES) - names)
    assert not stale, f"ROUTES has entries for URL names that no longer exist: {stale}"


def test_the_matrix_covers_pages_downloads_and_admin():
    routes = list(url_patterns())
    assert sum(is_admin(r, n) for r, n, _p in routes) > 20
    assert {"communities:detail", "assessments:evidence", "home"} <= set(ROUTES)


# --- one test per registered URL -----------------------------------------------------------------


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def outcome_matches(response, expected) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    login = reverse("login")
    if expected == LOGIN:
        return status == 302 and location.startswith(login)
    if expected == ADMIN_LOGIN:
        return status == 302 and location.startswith(reverse("admin:login"))
    if expected == REDIRECT:
        return status == 302 and not location.startswith(login)
    if isinstance(expected, tuple):
        return status in expected
    return status == expected


def request_as(world: World, role: str, route, url: str, obj=None, side="inside"):
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    if getattr(route, "own_session", None) and side == "inside":
        session = client.session
        session.update(resolve_attr(obj, route.own_session))
        session.save()
    data = dict(route.data)
    for key, path in getattr(route, "obj_data", {}).items():
        data[key] = resolve_attr(obj, path)
    if getattr(route, "upload", None):
        data[route.upload] = SimpleUploadedFile(
            "matrix.pdf", pdf_bytes("matrix"), content_type="application/pdf"
        )
        return getattr(client, route.method)(url, data)
    if url.startswith("/api/") and route.method != "get":
        return getattr(client, route.method)(url, data, content_type="application/json")
    return getattr(client, route.method)(url, data)


def url_for(name: str, route, obj, fmt: str | None = None) -> str:
    kwargs = {key: resolve_attr(obj, path) for key, path in route.kwargs.items()}
    if fmt:
        kwargs["format"] = fmt
    return reverse(name, kwargs=kwargs) + route.query


# Names with a DRF format-suffix variant (".json"): requested both ways.
FORMAT_SUFFIX_NAMES = {name for route, name, _p in url_patterns() if name and "(?P<format>" in route}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_authorization(name, db, eager_tasks):
    """For each side (object in scope, object out of scope) and each role, the registered outcome;
    a refusal or redirect never shows the object's name; a list never shows the other region's rows
    to a scoped role."""
    failures = route_failures(name)
    assert not failures, "\n".join(failures)


def test_the_matrix_catches_a_view_that_forgets_the_scope(db, monkeypatch):
    """Proof that the matrix bites: with the evidence and community scopes switched off, the
    out-of-scope requests succeed and are reported."""
    from apps.assessments.models import EvidenceQuerySet
    from apps.communities.models import CommunityQuerySet

    monkeypatch.setattr(EvidenceQuerySet, "visible_to", lambda self, user: self.all())
    failures = route_failures("assessments:evidence")
    assert any("city GET" in f and "(outside): expected 404, got 200" in f for f in failures), failures
    monkeypatch.setattr(CommunityQuerySet, "visible_to", lambda self, user: self.all())
    failures = route_failures("communities:list")
    assert any("lists another region's row" in f for f in failures), failures


def test_the_matrix_catches_a_report_read_out_of_scope(db, monkeypatch):
    """The same for the reports' chokepoint: another unit's report shown to a province is reported,
    on the page and in the API."""
    from apps.reports.models import AnnualReportQuerySet

    monkeypatch.setattr(AnnualReportQuerySet, "visible_to", lambda self, user: self.all())
    failures = route_failures("reports:detail")
    assert any("province GET" in f and "(outside): expected 404, got 200" in f for f in failures), failures
    failures = route_failures("api:reports_api:annual-list")
    assert any("city GET" in f and "lists a row it has no right to" in f for f in failures), failures


def route_failures(name: str) -> list[str]:
    route = ROUTES[name]
    failures = []
    cache.clear()  # the API's throttle counts of earlier tests (rates are not what is tested here)
    shared = World()
    sides = ("inside", "outside") if route.obj and route.regional else ("inside",)
    formats = (None, "json") if name in FORMAT_SUFFIX_NAMES else (None,)
    cases = [(side, fmt, role) for side in sides for fmt in formats for role in ROLES]
    for side, fmt, role in cases:
        expected = route.inside if side == "inside" else route.expected_outside()
        # A POST may change the object: every role acts on a fresh copy of the world.
        world = shared if route.method == "get" else World(suffix=f"-{side}-{role}-{fmt}")
        obj = world.get(route.obj, side) if route.obj else None
        if route.lists:
            world.get(route.lists, "inside"), world.get(route.lists, "outside")
        url = url_for(name, route, obj, fmt)
        response = request_as(world, role, route, url, obj, side)
        body = body_of(response)
        where = f"{role} {route.method.upper()} {url} ({side})"
        if not outcome_matches(response, expected[role]):
            failures.append(
                f"{where}: expected {expected[role]}, got {response.status_code} {response.get('Location', '')}"
            )
            continue
        json_type = "application/json" in response.get("Content-Type", "")
        if url.startswith("/api/") and response.status_code >= 400 and not json_type:
            failures.append(f"{where}: the API refused with {response.get('Content-Type')}, not JSON")
        marker = world.marker(route.obj, side) if route.obj else None
        reader = role in route.refusal_shows_page and (side == "inside" or role in NATIONWIDE_ROLES)
        if marker and response.status_code != 200 and marker in body and not reader:
            failures.append(f"{where}: the refusal shows the object ({marker})")
        if route.lists and response.status_code == 200 and role in LISTLESS_ROLES:
            if any(world.marker(route.lists, s) in body for s in ("inside", "outside")):
                failures.append(f"{where}: lists a row it has no right to")
            continue
        if route.lists and response.status_code == 200 and role in SCOPED_ROLES + NATIONWIDE_ROLES:
            outside_marker = world.marker(route.lists, "outside")
            inside_marker = world.marker(route.lists, "inside")
            if route.lists_roles is not None and role not in route.lists_roles:
                if inside_marker in body or outside_marker in body:
                    failures.append(f"{where}: lists a row it has no right to")
                continue
            if role in SCOPED_ROLES and outside_marker in body:
                failures.append(f"{where}: lists another region's row ({outside_marker})")
            if inside_marker not in body:
                failures.append(f"{where}: does not list the row in scope")
    return failures


# --- admin: one generic rule ----------------------------------------------------------------------

ADMIN_PATTERNS = sorted(
    {(route, name or route) for route, name, _p in url_patterns() if is_admin(route, name)}
)


def admin_kwargs(pattern_route: str, name: str, world: World) -> dict:
    from django.contrib.contenttypes.models import ContentType

    kwargs = {}
    if "<path:object_id>" in pattern_route:
        model = admin_model(name)
        obj = model._default_manager.order_by("-pk").first() if model else None
        kwargs["object_id"] = str(obj.pk) if obj else "0"
    if "<id>" in pattern_route:
        kwargs["id"] = str(world.user("admin").pk)
    if "<int:pk>" in pattern_route:  # django-otp's device views (config, QR code)
        kwargs["pk"] = 1
    if "<path:content_type_id>" in pattern_route:
        kwargs["content_type_id"] = str(ContentType.objects.get_for_model(world.user("admin")).pk)
        kwargs["object_id"] = str(world.user("admin").pk)
    if "(?P<app_label>" in pattern_route:
        kwargs["app_label"] = "regions"
    if "(?P<url>" in pattern_route:
        kwargs["url"] = "no-such-page/"
    return kwargs


def admin_model(name: str):
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return None


def admin_url(pattern_route: str, name: str, world: World) -> str:
    kwargs = admin_kwargs(pattern_route, name, world)
    if name.startswith("admin:"):
        return reverse(name, kwargs=kwargs)
    # Unnamed admin patterns: fill the route by hand.
    url = "/" + pattern_route
    for key, value in kwargs.items():
        url = url.replace(f"<path:{key}>", value)
    return url.replace("(?P<url>.*)$", kwargs.get("url", ""))


@pytest.mark.parametrize(("pattern_route", "name"), ADMIN_PATTERNS)
def test_admin_urls_are_for_staff_only(pattern_route, name, db):
    """Anonymous and every non-staff role are sent to the admin login (or, for logout, the admin
    index) and never see admin content; the administrator gets the page."""
    world = World()
    url = admin_url(pattern_route, name, world)
    login_page = name == "admin:login"
    for role in ROLES:
        response = request_as(world, role, type("R", (), {"method": "get", "data": {}})(), url)
        if role == "admin":
            # Object pages of a missing object redirect to the index; the catch-all answers 404;
            # read-only model admins (axes' logs) and a bare autocomplete answer 403. Never a 500.
            allowed = (200, 302, 403, 405)
            if "<" in pattern_route or "(?P" in pattern_route:
                allowed = (*allowed, 404)
            assert response.status_code in allowed, (role, url, response.status_code)
            continue
        if login_page:
            assert response.status_code == 200, (role, url)
            continue
        assert response.status_code == 302, (role, url, response.status_code)
        location = response["Location"]
        assert location.startswith(reverse("admin:login")) or location == reverse("admin:index"), (
            role,
            url,
            location,
        )
