"""The authorization registry: every URL name of the project, what object it is about, and what each
role must get for an object in its scope and one outside it.

Adding a URL is one entry in ROUTES (data). Outcomes:

- an int status (200, 403, 404, 405, ...), or a tuple of acceptable statuses;
- LOGIN: a redirect to the login page; ADMIN_LOGIN: a redirect to the admin's login page;
- REDIRECT: any redirect that is not to a login page (e.g. after a POST action).

`inside` lists the outcome per role for the object in scope (上海市徐汇区); `outside` the outcome
for the same kind of object in 北京市东城区. When `outside` is not given it is derived: anonymous
as inside, ministry and admin as inside (they see the whole country), and the scoped roles
(community, city, province) 404 where inside succeeds, 403 or 404 where inside refuses.

Entries name a world object ("community", "assessment", "response", "evidence", ...) built by
tests/security/world.py and say how to turn it into the URL's kwargs: {"pk": "pk"} reads `obj.pk`,
{"assessment_pk": "response.assessment_id"} follows attributes.

Admin URLs ("admin:*", and the admin's unnamed patterns) are covered by one generic rule in
test_url_matrix.py: anonymous and every non-staff role are sent to the admin login; the
administrator gets the page.
"""

from dataclasses import dataclass, field

ROLES = ("anonymous", "community", "city", "province", "ministry", "admin")
SCOPED_ROLES = ("community", "city", "province")
NATIONWIDE_ROLES = ("ministry", "admin")

LOGIN = "login"
ADMIN_LOGIN = "admin_login"
REDIRECT = "redirect"
API_ANONYMOUS = (401, 403)


def every(outcome, **overrides) -> dict:
    """The same outcome for every role, with per-role overrides."""
    return {role: overrides.get(role, outcome) for role in ROLES}


# Presets for the common kinds of URL.
PUBLIC = every(200)
# A page behind login that every signed-in role may read (scoped by visible_to).
SIGNED_IN = every(200, anonymous=LOGIN)
# An API endpoint every signed-in role may read.
API_SIGNED_IN = every(200, anonymous=API_ANONYMOUS)
# Pages only reviewers (city/province) may use.
REVIEWERS = every(403, anonymous=LOGIN, city=200, province=200)
# Pages only the community committee may use.
COMMITTEE = every(403, anonymous=LOGIN, community=200)


@dataclass(frozen=True)
class Route:
    """One URL name's expectations. `obj` None: the URL takes no object (`lists` names the kind of
    object the page lists, so that the outside object's marker must not appear for scoped roles)."""

    inside: dict
    obj: str | None = None
    kwargs: dict = field(default_factory=dict)
    outside: dict | None = None
    method: str = "get"
    data: dict = field(default_factory=dict)
    lists: str | None = None
    query: str = ""

    def expected_outside(self) -> dict:
        if self.outside is not None:
            return self.outside
        derived = {}
        for role in ROLES:
            inside = self.inside[role]
            if role in SCOPED_ROLES:
                success = inside in (200, REDIRECT) or (isinstance(inside, tuple) and 200 in inside)
                derived[role] = 404 if success else (403, 404)
            else:
                derived[role] = inside
        return derived


ROUTES: dict[str, Route] = {
    # --- core --------------------------------------------------------------------------------
    "home": Route(inside=SIGNED_IN),
    "healthz": Route(inside=PUBLIC),
    "login": Route(inside=every(REDIRECT, anonymous=200)),
    "logout": Route(inside=every(405)),
    "set_language": Route(inside=every(REDIRECT), method="post", data={"language": "en", "next": "/"}),
    # --- communities -------------------------------------------------------------------------
    "communities:list": Route(inside=SIGNED_IN, lists="community"),
    "communities:detail": Route(inside=SIGNED_IN, obj="community", kwargs={"code": "code"}),
    # --- assessments: evidence files ------------------------------------------------------------
    "assessments:evidence": Route(inside=SIGNED_IN, obj="evidence", kwargs={"pk": "pk"}),
    "assessments:evidence-thumbnail": Route(inside=SIGNED_IN, obj="evidence", kwargs={"pk": "pk"}),
    # --- add the URLs of the review, reports and API apps below, one entry each ------------------
    # Examples of the shape (not live URLs):
    #   "assessments:detail": Route(inside=SIGNED_IN, obj="assessment", kwargs={"pk": "pk"}),
    #   "assessments:response-save": Route(
    #       inside=COMMITTEE, obj="response", kwargs={"pk": "pk"}, method="post",
    #       data={"rating": "met", "statement": "x"}),
    #   "review:recommend": Route(
    #       inside=every(403, anonymous=LOGIN, city=(302, 409), province=403), obj="assessment",
    #       kwargs={"pk": "pk"}, method="post"),
    #   "api:assessment-list": Route(inside=API_SIGNED_IN, lists="assessment"),
    #   "reports:annual-pdf": Route(inside=..., obj="annual_report", kwargs={"pk": "pk"})
    #       (with a builder "annual_report" added to world.BUILDERS)
}
