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
{"assessment_pk": "response.assessment_id"} follows attributes, {"number": "=1"} is a literal;
`obj_data` fills form fields the same way ({"expected_version": "version"}). Kinds whose object is
national (the snapshot of a year) say `regional=False`: only the inside side is requested.

The DRF router's format-suffix variants (`.json`) share their route's name and entry: the test
requests them too, with the same expectations.

Admin URLs ("admin:*", and the admin's unnamed patterns) are covered by one generic rule in
test_url_matrix.py: anonymous and every non-staff role are sent to the admin login; the
administrator gets the page.
"""

from dataclasses import dataclass, field, replace

ROLES = ("anonymous", "community", "street", "city", "province", "ministry", "admin", "department", "expert")
SCOPED_ROLES = ("community", "street", "city", "province", "department")
NATIONWIDE_ROLES = ("ministry", "admin")
# Roles that see no region's rows at all (an expert sees only its site-check assignments): a list
# page they may open shows neither side's row. Where a route does not name the expert, it gets
# what a committee gets, except that an object a committee may open is outside the expert's
# assignments (403 or 404): `Route.__post_init__`.
LISTLESS_ROLES = ("expert",)

LOGIN = "login"
ADMIN_LOGIN = "admin_login"
REDIRECT = "redirect"
API_ANONYMOUS = (401, 403)


def every(outcome, **overrides) -> dict:
    """The same outcome for every role, with per-role overrides (the expert's is derived by Route
    unless given)."""
    return {role: overrides.get(role, outcome) for role in ROLES if role != "expert" or role in overrides}


def _succeeds(outcome) -> bool:
    return any(o == REDIRECT or (isinstance(o, int) and 200 <= o < 300) for o in _tuple(outcome))


def _tuple(outcome) -> tuple:
    return outcome if isinstance(outcome, tuple) else (outcome,)


# Presets for the common kinds of URL.
PUBLIC = every(200)
# A page behind login that every signed-in role may read (scoped by visible_to).
SIGNED_IN = every(200, anonymous=LOGIN)
# An API endpoint every signed-in role may read.
API_SIGNED_IN = every(200, anonymous=API_ANONYMOUS)
# Pages only reviewers (street office, city/county, province) may use.
REVIEWERS = every(403, anonymous=LOGIN, street=200, city=200, province=200)
# Pages only the community committee may use.
COMMITTEE = every(403, anonymous=LOGIN, community=200)
# A committee's form post (redirects back to the page); everyone else 403.
COMMITTEE_ACTS = every(403, anonymous=LOGIN, community=REDIRECT)
# Review pages: reviewers act, the ministry and administrators read, committees never.
WATCHERS = every(200, anonymous=LOGIN, community=403)
# Annual reports: the provincial department of the unit, the ministry and administrators read them;
# city and community users see no report at all (404).
REPORT_READERS = every(404, anonymous=LOGIN, province=200, ministry=200, admin=200)
# A change only the unit's provincial department makes: readers who may not change it get 403.
REPORT_WRITER = every(404, anonymous=LOGIN, province=REDIRECT, ministry=403, admin=403)
# The national dashboard: the ministry and administrators; to anyone else it does not exist.
NATIONAL = every(404, anonymous=LOGIN, ministry=200, admin=200)
NATIONAL_REDIRECT = every(404, anonymous=LOGIN, ministry=REDIRECT, admin=REDIRECT)
# Figures of a region (drill-down): reviewers and the nationwide roles; committees may not.
# A street office reads the figures of its own street only: the county of the matrix's object is
# above its scope (404).
FIGURES = every(200, anonymous=LOGIN, community=403, street=404)
API_REPORT_READERS = every(404, anonymous=API_ANONYMOUS, province=200, ministry=200, admin=200)
API_NATIONAL = every(404, anonymous=API_ANONYMOUS, ministry=200, admin=200)
# The standards pages: provincial departments (their own province) and nationwide users.
STANDARD_READERS = every(403, anonymous=LOGIN, province=200, ministry=200, admin=200)
# A change of a local standard: its province's department only; readers who may not change it 403.
STANDARD_WRITER = every(403, anonymous=LOGIN, province=REDIRECT)
# An API write only the committee makes.
API_COMMITTEE = every(403, anonymous=API_ANONYMOUS, community=200)
JSON_BODY = {"rating": "met", "statement": "已完成。"}
# The naming's pages: the unit's provincial department, and nationwide users reading. The world's
# city role is a county-level department (徐汇区, 东城区): never a namer, it keeps 403/404. A
# prefecture-level city's department sees and names only the batches its province delegated to it
# (procedure namer = city, every community of the batch in its city): tests/naming/test_delegation.py.
NAMING_READERS = every(403, anonymous=LOGIN, province=200, ministry=200, admin=200)
NAMING_WRITER_PAGE = every(403, anonymous=LOGIN, province=200)
NAMING_WRITER = every(403, anonymous=LOGIN, province=REDIRECT)
API_NAMING_READERS = every(404, anonymous=API_ANONYMOUS, province=200, ministry=200, admin=200)
API_NAMING_WRITER = every(404, anonymous=API_ANONYMOUS, province=200, ministry=403, admin=403)


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
    # Form fields read from the object ({"expected_version": "version"}), added to `data`.
    obj_data: dict = field(default_factory=dict)
    # The roles that must find the inside row in a `lists` page (default: every signed-in role);
    # the others must find neither row.
    lists_roles: tuple | None = None
    # Roles that may read the object and whose refusal to act is its own page again, with the
    # refusal's message (the review page after a decision the role may not take): for them the
    # object's text in a 403/409 is not a leak. Out of scope they still get 404.
    refusal_shows_page: tuple = ()
    # The object's attribute holding session data the caller has for the inside object only (a
    # pending import's token).
    own_session: str | None = None
    # A form field to which a fresh small PDF is attached (the request is then multipart).
    upload: str | None = None
    # False: the object is national (one of it, no region): only the inside side is requested.
    regional: bool = True

    def __post_init__(self):
        for side in ("inside", "outside"):
            given = getattr(self, side)
            if given is None or "expert" in given:
                continue
            community = given["community"]
            # About an object: the expert never sees it (404), or is refused first (403).
            refused_or_ok = _succeeds(community) or 403 in _tuple(community)
            # A public page (anonymous readers succeed) answers the expert like everyone.
            public = _succeeds(given["anonymous"])
            expert = (403, 404) if self.obj and refused_or_ok and not public else community
            object.__setattr__(self, side, {**given, "expert": expert})

    def expected_outside(self) -> dict:
        if self.outside is not None:
            return self.outside
        derived = {}
        for role in ROLES:
            inside = self.inside[role]
            if role in SCOPED_ROLES + LISTLESS_ROLES:
                success = any(
                    o == REDIRECT or (isinstance(o, int) and 200 <= o < 300)
                    for o in (inside if isinstance(inside, tuple) else (inside,))
                )
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
    # Retiring a community: its provincial department (and administrators); the rest may read the
    # community but not retire it (403); another region's community does not exist (404).
    "communities:retire": Route(
        inside=every(403, anonymous=LOGIN, province=200, admin=200), obj="community", kwargs={"code": "code"}
    ),
    # --- assessments: evidence files ------------------------------------------------------------
    "assessments:evidence": Route(inside=SIGNED_IN, obj="evidence", kwargs={"pk": "pk"}),
    "assessments:evidence-thumbnail": Route(inside=SIGNED_IN, obj="evidence", kwargs={"pk": "pk"}),
    # --- communities: registry import (province staff and administrators) and exports ----------
    "communities:import": Route(inside=every(403, anonymous=LOGIN, province=200, admin=200)),
    "communities:import-template": Route(inside=SIGNED_IN, kwargs={"fmt": "=csv"}),
    # Inside: the token is in the caller's own session (as after its upload); outside: another
    # session's token, which does not exist for the caller (404 for staff, 403 for the rest).
    "communities:import-preview": Route(
        inside=every(403, anonymous=LOGIN, province=200, admin=200),
        obj="import_token",
        kwargs={"token": "token"},
        own_session="session",
        outside=every(403, anonymous=LOGIN, province=404, admin=404),
    ),
    "communities:export": Route(inside=SIGNED_IN, kwargs={"fmt": "=csv"}, lists="community"),
    "communities:export-assessments": Route(inside=SIGNED_IN, kwargs={"fmt": "=csv"}, lists="assessment"),
    # --- assessments: the committee's self-assessment ------------------------------------------
    # The nav link: the committee's assessment of the year, anyone else home.
    "assessments:current": Route(inside=every(REDIRECT, anonymous=LOGIN)),
    "assessments:open": Route(
        inside=every(403, anonymous=LOGIN, community=REDIRECT, expert=403), method="post"
    ),
    "assessments:detail": Route(inside=SIGNED_IN, obj="assessment", kwargs={"pk": "pk"}),
    "assessments:criterion": Route(
        inside=COMMITTEE_ACTS,
        obj="response",
        kwargs={"pk": "assessment_id", "number": "criterion.number"},
        method="post",
        data={"rating": "met", "statement": "已完成。"},
        obj_data={"version": "version"},
    ),
    "assessments:evidence-remove": Route(
        inside=COMMITTEE_ACTS,
        obj="evidence",
        kwargs={"pk": "response.assessment_id", "evidence_pk": "pk"},
        method="post",
    ),
    # GET: the confirmation page; only the committee submits (reviewers 403, another region 404).
    "submission:submit": Route(inside=COMMITTEE, obj="assessment", kwargs={"pk": "pk"}),
    # The province's review chain of a year: its own provincial department only (the page shows
    # the caller's own province, so there is no other region's object to ask for).
    "review:chain": Route(inside=every(403, anonymous=LOGIN, province=200)),
    "assessments:round": Route(inside=SIGNED_IN, obj="submitted", kwargs={"pk": "pk", "round": "round"}),
    # --- review (city: first level; province: second level; ministry and admin read only) -------
    # ?state= : every state of the year (by default each level sees only what waits for it).
    "review:queue": Route(inside=WATCHERS, lists="recommended", query="?state="),
    "review:detail": Route(inside=WATCHERS, obj="submitted", kwargs={"pk": "pk"}),
    # A verdict on a criterion: the city on a submitted assessment. The province reviews criteria
    # too, but only once recommended: here its verdict is a state conflict (back to the page with
    # the message), not a refusal. The ministry and administrators read, never review: 403.
    "review:criterion": Route(
        inside=every(403, anonymous=LOGIN, city=REDIRECT, province=REDIRECT),
        refusal_shows_page=("street", "ministry", "admin"),
        obj="submitted",
        kwargs={"pk": "pk", "number": "=1"},
        method="post",
        data={"c1-verdict": "confirmed", "c1-comment": ""},
    ),
    # Recommend: the city only. Province, ministry and admins get 403 on the review page they may
    # read, with the message saying their role may not do this.
    # The review form posts every criterion's verdict with the decision, and its confirm step.
    "review:decide": Route(
        inside=every(403, anonymous=LOGIN, city=REDIRECT),
        refusal_shows_page=("street", "province", "ministry", "admin"),
        obj="submitted",
        kwargs={"pk": "pk", "action": "=recommend"},
        method="post",
        data={"confirm": "1", **{f"c{n}-verdict": "confirmed" for n in range(1, 17)}},
        obj_data={"expected_version": "version"},
    ),
    # The review form's draft (all verdicts and comments at once): like a verdict on a criterion.
    "review:verdicts": Route(
        inside=every(403, anonymous=LOGIN, city=REDIRECT, province=REDIRECT),
        refusal_shows_page=("street", "ministry", "admin"),
        obj="submitted",
        kwargs={"pk": "pk"},
        method="post",
        data={"c1-verdict": "confirmed", "c1-comment": ""},
    ),
    # Step 1 of bulk approval (the confirmation listing the ticked ids): province staff only.
    # Integrity flags (issue 27): reviewers and the nationwide roles read them; committees never.
    "integrity:flag": Route(inside=WATCHERS, obj="flag", kwargs={"pk": "pk"}),
    "integrity:figures": Route(inside=WATCHERS),
    "review:bulk-approve": Route(
        inside=every(403, anonymous=LOGIN, province=200),
        obj="recommended",
        method="post",
        obj_data={"ids": "pk"},
    ),
    # --- public pages (no login) ------------------------------------------------------------------
    "public:index": Route(inside=PUBLIC),
    "public:province": Route(
        inside=PUBLIC, obj="approved", kwargs={"code": "province_id", "year": "year"}, outside=PUBLIC
    ),
    # --- naming (apps.naming): the public notices without login, the province's pages ----------
    # A published batch is public, whichever province (outside too); a draft does not exist.
    "public:batch": Route(inside=PUBLIC, obj="batch", kwargs={"pk": "pk"}, outside=PUBLIC),
    "public:batch-objection": Route(inside=PUBLIC, obj="batch", kwargs={"pk": "pk"}, outside=PUBLIC),
    "public:batch-pdf": Route(
        inside=PUBLIC, obj="batch", kwargs={"pk": "pk", "kind": "=notice"}, outside=PUBLIC
    ),
    # --- residents' voice (apps.residents) ------------------------------------------------------
    # The community's public page and survey: every community of the registry, without login.
    "residents:page": Route(inside=PUBLIC, obj="community", kwargs={"code": "code"}, outside=PUBLIC),
    "residents:survey": Route(inside=PUBLIC, obj="community", kwargs={"code": "code"}, outside=PUBLIC),
    # Results and the poster: the committee (its own), its reviewers, the province, nationwide users.
    "residents:results": Route(inside=SIGNED_IN, obj="community", kwargs={"code": "code", "year": "=2026"}),
    "residents:poster": Route(inside=SIGNED_IN, obj="community", kwargs={"code": "code"}),
    # Posters of a whole district: its department and those above; a street office is below it.
    "residents:area-posters": Route(
        inside=every(200, anonymous=LOGIN, community=403, street=404),
        obj="community",
        kwargs={"code": "county_id"},
    ),
    "residents:poster-job": Route(
        inside=every(200, anonymous=LOGIN, community=404, street=404), obj="poster_job", kwargs={"pk": "pk"}
    ),
    "residents:poster-job-download": Route(
        inside=every(200, anonymous=LOGIN, community=404, street=404), obj="poster_job", kwargs={"pk": "pk"}
    ),
    # The province's survey and gate for a year.
    "residents:survey-settings": Route(
        inside=every(403, anonymous=LOGIN, province=200), kwargs={"year": "=2026"}
    ),
    # The province's own pages: its procedure and new batches (no other region's object to ask for).
    "naming:procedure": Route(inside=every(403, anonymous=LOGIN, province=200)),
    "naming:batch-new": Route(inside=every(403, anonymous=LOGIN, province=200)),
    # Batches and objections: the unit's department reads and acts; the ministry and administrators
    # read (never the objectors' contacts: tests/naming/test_views.py) and may not act (403).
    "naming:batches": Route(inside=NAMING_READERS, lists="batch", query="?year=2026"),
    "naming:batch": Route(inside=NAMING_READERS, obj="batch", kwargs={"pk": "pk"}),
    "naming:batch-pdf": Route(inside=NAMING_READERS, obj="batch", kwargs={"pk": "pk", "kind": "=notice"}),
    "naming:objection-new": Route(inside=NAMING_WRITER_PAGE, obj="batch", kwargs={"pk": "pk"}),
    "naming:batch-publish": Route(
        inside=NAMING_WRITER,
        obj="draft_batch",
        kwargs={"pk": "pk"},
        method="post",
        obj_data={"expected_version": "version"},
    ),
    # Naming while the notice runs: the department is told (409); nobody else may name (403).
    "naming:batch-name": Route(
        inside=every(403, anonymous=LOGIN, province=409),
        refusal_shows_page=("province",),
        obj="batch",
        kwargs={"pk": "pk"},
        method="post",
        data={"document_number": "沪建〔2026〕1号", "document_date": "2026-12-31"},
    ),
    "naming:objection-resolve": Route(
        inside=NAMING_WRITER,
        obj="objection",
        kwargs={"pk": "pk"},
        method="post",
        data={"outcome": "dismissed", "reason": "经核查不属实。"},
    ),
    "naming:objection-file": Route(inside=NAMING_READERS, obj="objection_file", kwargs={"pk": "pk"}),
    # --- other departments (apps.departments) ---------------------------------------------------
    # Their home: departments and provincial departments. A consultation: the province that sent it,
    # the department asked (the world's department is 上海市公安局, the type asked), nationwide users.
    "departments:home": Route(inside=every(403, anonymous=LOGIN, province=200, department=200)),
    "departments:consultation": Route(
        inside=every(404, anonymous=LOGIN, province=200, ministry=200, admin=200, department=200),
        obj="consultation",
        kwargs={"pk": "pk"},
    ),
    "departments:consult": Route(
        inside=every(404, anonymous=LOGIN, province=REDIRECT, ministry=403, admin=403),
        obj="draft_batch",
        kwargs={"pk": "pk"},
        method="post",
        data={"deadline": "2099-01-01"},
    ),
    "departments:answer": Route(
        inside=every(404, anonymous=LOGIN, province=403, ministry=403, admin=403, department=REDIRECT),
        obj="consultation",
        kwargs={"pk": "pk"},
        method="post",
        data={"answer": "none"},
    ),
    # A department reads the assessments of its area with the criteria its type checks and gives an
    # opinion on them; nobody else uses these pages.
    "departments:assessment": Route(
        inside=every(403, anonymous=LOGIN, department=200), obj="submitted", kwargs={"pk": "pk"}
    ),
    "departments:opinion": Route(
        inside=every(403, anonymous=LOGIN, department=REDIRECT),
        obj="submitted",
        kwargs={"pk": "pk", "number": "=1"},
        method="post",
        data={"text": "矩阵部门意见"},
    ),
    "departments:criteria": Route(inside=every(403, anonymous=LOGIN, province=200)),
    "departments:type-add": Route(
        inside=every(403, anonymous=LOGIN, province=REDIRECT), method="post", data={"name": "水务"}
    ),
    "departments:type-remove": Route(
        inside=every(404, anonymous=LOGIN, province=REDIRECT, department=403),
        obj="department_type",
        kwargs={"pk": "pk"},
        method="post",
    ),
    # A department account is created by the housing department of the same level (the world's
    # county department creates county-level ones; the ministry national ones).
    "departments:account-new": Route(
        inside=every(200, anonymous=LOGIN, community=403, street=403, department=403)
    ),
    # The departments taking part in a report: its province sets them; a department confirms.
    "departments:report-departments": Route(
        inside=every(404, anonymous=LOGIN, province=REDIRECT, ministry=403, admin=403, department=403),
        obj="annual_report",
        kwargs={"pk": "pk"},
        method="post",
        data={},
    ),
    "departments:report-confirm": Route(
        inside=every(404, anonymous=LOGIN, province=403, ministry=403, admin=403, department=REDIRECT),
        obj="report_signature",
        kwargs={"pk": "pk"},
        method="post",
        data={},
    ),
    "api:departments_api:consultation-list": Route(inside=API_SIGNED_IN),
    "api:departments_api:owned-criteria": Route(inside=API_SIGNED_IN),
    "api:departments_api:signature-list": Route(inside=API_SIGNED_IN),
    "api:departments_api:consultation-answer": Route(
        inside=every(404, anonymous=API_ANONYMOUS, province=403, ministry=403, admin=403, department=200),
        obj="consultation",
        kwargs={"pk": "pk"},
        method="post",
        data={"answer": "none"},
    ),
    "api:departments_api:signature-confirm": Route(
        inside=every(404, anonymous=API_ANONYMOUS, province=403, ministry=403, admin=403, department=200),
        obj="report_signature",
        kwargs={"pk": "pk"},
        method="post",
        data={},
    ),
    "departments:objection-resolve": Route(
        inside=every(404, anonymous=LOGIN, province=REDIRECT, ministry=403, admin=403, department=403),
        obj="department_objection",
        kwargs={"pk": "pk"},
        method="post",
        data={"outcome": "kept", "reason": "经核查不属实。"},
    ),
    # --- site checks (apps.sitechecks): the province's plan, the experts' assignments ----------
    # An expert sees exactly the communities of its open assignments (404 otherwise), like a
    # committee nothing else; the province runs its plan; nationwide users read.
    "sitechecks:sw": Route(inside=PUBLIC),
    "sitechecks:home": Route(inside=every(403, anonymous=LOGIN, province=REDIRECT, expert=200)),
    "sitechecks:plan": Route(inside=every(403, anonymous=LOGIN, province=200), query="?year=2026"),
    "sitechecks:draw": Route(
        inside=every(403, anonymous=LOGIN, province=REDIRECT),
        obj="site_plan",
        kwargs={"pk": "pk"},
        method="post",
    ),
    "sitechecks:group-new": Route(
        inside=every(403, anonymous=LOGIN, province=REDIRECT),
        obj="site_plan",
        kwargs={"pk": "pk"},
        method="post",
        data={"name": "矩阵新组"},
    ),
    "sitechecks:report": Route(
        inside=every(403, anonymous=LOGIN, province=200, ministry=200, admin=200),
        obj="site_plan",
        kwargs={"pk": "pk"},
    ),
    "sitechecks:expert-new": Route(
        inside=every(403, anonymous=LOGIN, province=REDIRECT, ministry=REDIRECT, admin=REDIRECT),
        method="post",
        data={"username": "matrix-new-expert", "display_name": "矩阵专家"},
    ),
    "sitechecks:assign": Route(
        inside=every(403, anonymous=LOGIN, province=REDIRECT),
        obj="site_sample",
        kwargs={"pk": "pk"},
        method="post",
        obj_data={"group": "group_pk"},
    ),
    "sitechecks:assignment": Route(
        inside=every(403, anonymous=LOGIN, province=200, ministry=200, admin=200, expert=200),
        obj="site_assignment",
        kwargs={"pk": "pk"},
    ),
    "sitechecks:sync": Route(
        inside=every(403, anonymous=LOGIN, expert=REDIRECT),
        obj="site_assignment",
        kwargs={"pk": "pk"},
        method="post",
        data={
            "inspection": "6d1f6a52-5b0e-4b8e-9a43-0d2f7c1e0a11",
            "item": "0b6c5d7e-8f90-4a1b-8c2d-3e4f5a6b7c8d",
            "criterion": "1",
            "verdict": "met",
        },
    ),
    "sitechecks:sign-off": Route(
        inside=every(403, anonymous=LOGIN, expert=REDIRECT),
        obj="site_assignment",
        kwargs={"pk": "pk"},
        method="post",
        data={"passed": "1", "conclusion": "矩阵"},
    ),
    "sitechecks:conflict": Route(
        inside=every(403, anonymous=LOGIN, expert=REDIRECT),
        obj="site_assignment",
        kwargs={"pk": "pk"},
        method="post",
        data={"reason": "矩阵回避"},
    ),
    "sitechecks:photo": Route(
        inside=every(403, anonymous=LOGIN, province=200, ministry=200, admin=200, expert=200),
        obj="site_photo",
        kwargs={"pk": "pk"},
    ),
    # The site checks' API (apps.sitechecks.api): plans for the province and nationwide readers,
    # assignments for the expert (its open ones) too; uploads and sign-off by the expert only.
    "api:sitechecks_api:plan-list": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=200, ministry=200, admin=200)
    ),
    "api:sitechecks_api:plan-detail": Route(
        inside=every(404, anonymous=API_ANONYMOUS, province=200, ministry=200, admin=200),
        obj="site_plan",
        kwargs={"pk": "pk"},
    ),
    "api:sitechecks_api:plan-draw": Route(
        inside=every(404, anonymous=API_ANONYMOUS, province=200, ministry=403, admin=403),
        obj="site_plan",
        kwargs={"pk": "pk"},
        method="post",
    ),
    "api:sitechecks_api:assignment-list": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=200, ministry=200, admin=200, expert=200)
    ),
    "api:sitechecks_api:assignment-detail": Route(
        inside=every(404, anonymous=API_ANONYMOUS, province=200, ministry=200, admin=200, expert=200),
        obj="site_assignment",
        kwargs={"pk": "pk"},
    ),
    "api:sitechecks_api:item-upload": Route(
        inside=every(403, anonymous=API_ANONYMOUS, expert=200),
        obj="site_assignment",
        kwargs={"pk": "pk"},
        method="post",
        upload="photo",
        data={
            "inspection": "6d1f6a52-5b0e-4b8e-9a43-0d2f7c1e0a12",
            "item": "0b6c5d7e-8f90-4a1b-8c2d-3e4f5a6b7c8e",
            "criterion": "1",
            "verdict": "met",
        },
    ),
    "api:sitechecks_api:sign-off": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=403, expert=400),
        obj="site_assignment",
        kwargs={"pk": "pk"},
        method="post",
        data={"passed": True, "conclusion": "矩阵"},
    ),
    # --- notices: each user's own --------------------------------------------------------------
    # --- accounts: the level above manages the accounts below it in its scope ------------------
    # (apps.accounts.managing; which accounts each role manages: tests/accounts/test_managing.py).
    # The committee manages nobody (403); the world's street office is the inside committee's.
    "accounts:manage": Route(inside=every(200, anonymous=LOGIN, community=403)),
    "accounts:detail": Route(
        inside=every(200, anonymous=LOGIN, community=403), obj="committee_user", kwargs={"pk": "pk"}
    ),
    "accounts:reset": Route(
        inside=every(200, anonymous=LOGIN, community=403),
        obj="committee_user",
        kwargs={"pk": "pk"},
        method="post",
    ),
    "accounts:active": Route(
        inside=every(REDIRECT, anonymous=LOGIN, community=403),
        obj="committee_user",
        kwargs={"pk": "pk"},
        method="post",
        data={"active": "0"},
    ),
    "accounts:unlock": Route(
        inside=every(REDIRECT, anonymous=LOGIN, community=403),
        obj="committee_user",
        kwargs={"pk": "pk"},
        method="post",
    ),
    # Bulk creation: every manager for its own scope (the world's street office: its street);
    # a sheet is in the caller's own session only: another token does not exist (404).
    "accounts:bulk": Route(inside=every(200, anonymous=LOGIN, community=403), query="?region=310104003"),
    "accounts:bulk_confirm": Route(
        inside=every(200, anonymous=LOGIN, community=403),
        method="post",
        data={"region": "310104003", "kind": "communities"},
    ),
    "accounts:bulk_sheet": Route(
        inside=every(404, anonymous=LOGIN, community=403), kwargs={"token": "=unknown", "fmt": "=csv"}
    ),
    "accounts:bulk_sheet_forget": Route(
        inside=every(404, anonymous=LOGIN, community=403), kwargs={"token": "=unknown"}, method="post"
    ),
    # Everyone's own account; password reset by e-mail is public (without EMAIL_URL: a page that
    # says it is not available; an unknown link: the page that says it expired).
    "accounts:password_change": Route(inside=SIGNED_IN),
    "accounts:password_change_done": Route(inside=SIGNED_IN),
    "accounts:contact": Route(inside=SIGNED_IN),
    "accounts:password_reset": Route(inside=PUBLIC),
    "accounts:password_reset_done": Route(inside=PUBLIC),
    "accounts:password_reset_confirm": Route(
        inside=PUBLIC, kwargs={"uidb64": "=MQ", "token": "=set-password"}
    ),
    "accounts:password_reset_complete": Route(inside=PUBLIC),
    # --- registry and account history (province: its own rows; ministry/admin: all) -----------
    # Which rows appear is tested in tests/security/test_history.py (Beijing never for Shanghai).
    "history": Route(inside=every(403, anonymous=LOGIN, province=200, ministry=200, admin=200)),
    "history_export": Route(inside=every(403, anonymous=LOGIN, province=200, ministry=200, admin=200)),
    # --- region pickers (JSON children of a region in scope) ---------------------------------
    # The top of the picker (the provincial units) is for nationwide users only.
    "regions:top": Route(inside=NATIONAL),
    # The streets of the object's county: every signed-in role whose scope reaches it (a
    # committee and a street office see their own street only); another region's county is 404.
    "regions:children": Route(inside=SIGNED_IN, obj="community", kwargs={"code": "county_id"}),
    "notices:list": Route(inside=SIGNED_IN, lists="notice", lists_roles=("community",)),
    "notices:read-all": Route(inside=every(REDIRECT, anonymous=LOGIN), method="post"),
    # The notice is the inside committee member's: everyone else (whatever the role) 404.
    "notices:read": Route(
        inside=every(404, anonymous=LOGIN, community=REDIRECT),
        obj="notice",
        kwargs={"pk": "pk"},
        method="post",
        outside=every(404, anonymous=LOGIN),
    ),
    # --- reports: the province's own annual report, the ministry's national dashboard ------------
    "reports:index": Route(
        inside=every(404, anonymous=LOGIN, province=REDIRECT, ministry=REDIRECT, admin=REDIRECT)
    ),
    "reports:detail": Route(inside=REPORT_READERS, obj="annual_report", kwargs={"pk": "pk"}),
    "reports:narrative": Route(
        inside=REPORT_WRITER,
        obj="annual_report",
        kwargs={"pk": "pk"},
        method="post",
        data={"mechanism": "机制", "measures": "", "support": "", "problems": "", "plans": ""},
        obj_data={"version": "version"},
    ),
    # Province staff compile their own unit, the ministry and administrators any unit.
    "reports:compile": Route(
        inside=every(404, anonymous=LOGIN, province=REDIRECT, ministry=REDIRECT, admin=REDIRECT),
        obj="annual_report",
        kwargs={"pk": "pk"},
        method="post",
    ),
    "reports:submit": Route(
        inside=REPORT_WRITER,
        obj="annual_report",
        kwargs={"pk": "pk"},
        method="post",
        data={"confirm": "1"},
        obj_data={"version": "version"},
    ),
    "reports:return": Route(
        inside=every(404, anonymous=LOGIN, province=403, ministry=REDIRECT, admin=REDIRECT),
        obj="submitted_report",
        kwargs={"pk": "pk"},
        method="post",
        data={"reason": "请补充。"},
    ),
    "reports:pdf": Route(inside=REPORT_READERS, obj="compiled_report", kwargs={"pk": "pk"}),
    "reports:national_current": Route(inside=NATIONAL_REDIRECT),
    "reports:national": Route(
        inside=NATIONAL, kwargs={"year": "year"}, obj="national_snapshot", regional=False
    ),
    "reports:national_compile": Route(
        inside=NATIONAL_REDIRECT,
        kwargs={"year": "year"},
        obj="national_snapshot",
        regional=False,
        method="post",
    ),
    "reports:national_pdf": Route(
        inside=NATIONAL, kwargs={"year": "year"}, obj="national_snapshot", regional=False
    ),
    "reports:job": Route(inside=REPORT_READERS, obj="compile_job", kwargs={"pk": "pk"}),
    # --- standards: the province composes its own local standards, the ministry reads all ------
    "standards:index": Route(
        inside=STANDARD_READERS, lists="standard_draft", lists_roles=("province", "ministry", "admin")
    ),
    "standards:start": Route(
        inside=every(403, anonymous=LOGIN, province=REDIRECT),
        obj="standard_national",
        regional=False,
        method="post",
        obj_data={"source": "pk", "year": "year"},
    ),
    "standards:detail": Route(inside=STANDARD_READERS, obj="standard_draft", kwargs={"pk": "pk"}),
    "standards:preview": Route(inside=STANDARD_READERS, obj="standard_draft", kwargs={"pk": "pk"}),
    "standards:publish": Route(
        inside=STANDARD_WRITER,
        obj="standard_draft",
        kwargs={"pk": "pk"},
        method="post",
        obj_data={"revision": "revision"},
    ),
    "standards:new-version": Route(
        inside=STANDARD_WRITER, obj="standard_published", kwargs={"pk": "pk"}, method="post"
    ),
    "standards:discard": Route(
        inside=STANDARD_WRITER, obj="standard_draft", kwargs={"pk": "pk"}, method="post"
    ),
    # The ministry's reminder (催报) to the units that have not submitted; the nation's table export.
    "reports:national_remind": Route(
        inside=NATIONAL_REDIRECT,
        kwargs={"year": "year"},
        obj="national_snapshot",
        regional=False,
        method="post",
    ),
    "reports:figures_national_export": Route(
        inside=NATIONAL, kwargs={"year": "year", "fmt": "=csv"}, obj="national_snapshot", regional=False
    ),
    # Drill-down: a region's figures (here the community's county) and the communities behind a
    # figure. Reviewers of the region and the nationwide roles read; committees may not (403);
    # another region does not exist (404). Which rows a list shows: tests/reports/test_figures_views.py.
    "reports:figures_region": Route(
        inside=FIGURES, obj="community", kwargs={"year": "=2026", "code": "county_id"}
    ),
    "reports:figures_region_export": Route(
        inside=FIGURES, obj="community", kwargs={"year": "=2026", "code": "county_id", "fmt": "=csv"}
    ),
    "reports:figures_communities": Route(
        inside=FIGURES,
        obj="community",
        kwargs={"year": "=2026", "code": "county_id"},
    ),
    "reports:figures_communities_export": Route(
        inside=FIGURES,
        obj="community",
        kwargs={"year": "=2026", "code": "county_id", "fmt": "=csv"},
    ),
    # --- API: documentation ------------------------------------------------------------------------
    "api:schema": Route(inside=PUBLIC),
    "api:docs": Route(inside=PUBLIC),
    "api:redoc": Route(inside=PUBLIC),
    # Tokens: POST username/password (wrong ones here: 400 for everyone, never a token).
    # Tokens: a username and password, whoever the session is (none needed). The right password
    # gives that user's token; a wrong one 400 (several would lock the name out, see test_login).
    "api:token": Route(
        inside=every(200, expert=200),
        obj="committee_user",
        method="post",
        data={"password": "correct-horse-battery"},
        obj_data={"username": "username"},
        regional=False,
    ),
    # Your own tokens: every signed-in user lists theirs; revoking another user's token is 404.
    "api:tokens": Route(inside=API_SIGNED_IN),
    "api:token-detail": Route(
        inside=every(404, anonymous=API_ANONYMOUS, community=204),
        obj="api_token",
        kwargs={"pk": "pk"},
        method="delete",
        regional=False,
    ),
    # Every unknown path under /api/ answers a JSON 404, whoever asks.
    "api:not-found": Route(inside=every(404), query="no/such/endpoint/"),
    # --- API: registry and assessments -------------------------------------------------------------
    "api:region-list": Route(inside=API_SIGNED_IN),
    "api:region-detail": Route(inside=API_SIGNED_IN, kwargs={"code": "street_id"}, obj="community"),
    # Local standards: each province's published ones for its own users, every one for the
    # ministry and administrators (the national standard for everyone, not a marker here).
    "api:standard-list": Route(inside=API_SIGNED_IN, lists="standard_published"),
    "api:standard-detail": Route(inside=API_SIGNED_IN, obj="standard_published", kwargs={"pk": "pk"}),
    "api:campaign": Route(inside=API_SIGNED_IN),
    # The API's evidence download: the page's scope (assessments:evidence), for a token too.
    "api:evidence-file": Route(inside=API_SIGNED_IN, obj="evidence", kwargs={"pk": "pk"}),
    "api:community-list": Route(inside=API_SIGNED_IN, lists="community"),
    "api:community-detail": Route(inside=API_SIGNED_IN, obj="community", kwargs={"code": "code"}),
    "api:community-retire": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=200, admin=200),
        obj="community",
        kwargs={"code": "code"},
        method="post",
        data={"retirement": "abolished", "retired_on": "2026-06-30"},
    ),
    "api:assessment-list": Route(inside=API_SIGNED_IN, lists="assessment"),
    "api:assessment-detail": Route(inside=API_SIGNED_IN, obj="assessment", kwargs={"pk": "pk"}),
    "api:assessment-history": Route(inside=API_SIGNED_IN, obj="assessment", kwargs={"pk": "pk"}),
    "api:assessment-integrity-flags": Route(
        inside=every(200, anonymous=API_ANONYMOUS, community=403), obj="submitted", kwargs={"pk": "pk"}
    ),
    "api:assessment-save-response": Route(
        inside=API_COMMITTEE,
        obj="response",
        kwargs={"pk": "assessment_id", "number": "criterion.number"},
        method="put",
        data=JSON_BODY,
    ),
    "api:assessment-add-evidence": Route(
        inside=every(403, anonymous=API_ANONYMOUS, community=201),
        obj="response",
        kwargs={"pk": "assessment_id", "number": "criterion.number"},
        method="post",
        upload="file",
    ),
    "api:assessment-remove-evidence": Route(
        inside=every(403, anonymous=API_ANONYMOUS, community=(200, 204)),
        obj="evidence",
        kwargs={"pk": "response.assessment_id", "evidence_id": "pk"},
        method="delete",
    ),
    "api:assessment-submit": Route(inside=API_COMMITTEE, obj="filled", kwargs={"pk": "pk"}, method="post"),
    # The province reviews and returns too, but only once recommended: on a submitted assessment
    # its request is a state conflict (409), not a refusal. The ministry and admins never: 403.
    "api:assessment-review": Route(
        inside=every(403, anonymous=API_ANONYMOUS, city=200, province=409),
        obj="submitted",
        kwargs={"pk": "pk", "number": "=1"},
        method="post",
        data={"verdict": "confirmed", "comment": ""},
    ),
    "api:assessment-recommend": Route(
        inside=every(403, anonymous=API_ANONYMOUS, city=200),
        obj="submitted",
        kwargs={"pk": "pk"},
        method="post",
    ),
    "api:assessment-return-": Route(
        inside=every(403, anonymous=API_ANONYMOUS, city=200, province=409),
        obj="submitted",
        kwargs={"pk": "pk"},
        method="post",
        data={"reason": "请补充。"},
    ),
    "api:assessment-approve": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=200),
        obj="recommended",
        kwargs={"pk": "pk"},
        method="post",
    ),
    "api:assessment-revoke": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=200),
        obj="approved",
        kwargs={"pk": "pk"},
        method="post",
        data={"reason": "复核不符合。"},
    ),
    "api:assessment-designate": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=200),
        obj="approved",
        kwargs={"pk": "pk"},
        method="post",
        data={"citation": "沪建〔2026〕1号"},
    ),
    # --- API: reports --------------------------------------------------------------------------------
    # City and community users get an empty list: no report at all is theirs.
    "api:reports_api:annual-list": Route(
        inside=API_SIGNED_IN,
        lists="annual_report_row",
        lists_roles=("province", "ministry", "admin", "department"),
    ),
    "api:reports_api:annual-detail": Route(
        inside=API_REPORT_READERS, obj="annual_report", kwargs={"pk": "pk"}
    ),
    # Read by every reader of the report (writing is PATCH, by the unit's provincial staff:
    # tests/api/test_gaps.py).
    "api:reports_api:annual-narrative": Route(
        inside=API_REPORT_READERS, obj="annual_report", kwargs={"pk": "pk"}
    ),
    "api:reports_api:annual-submit": Route(
        inside=every(404, anonymous=API_ANONYMOUS, province=200, ministry=403, admin=403),
        obj="annual_report",
        kwargs={"pk": "pk"},
        method="post",
    ),
    "api:reports_api:annual-pdf": Route(
        inside=API_REPORT_READERS, obj="compiled_report", kwargs={"pk": "pk"}
    ),
    "api:reports_api:national": Route(
        inside=API_NATIONAL, obj="national_snapshot", kwargs={"year": "year"}, regional=False
    ),
    "api:reports_api:national-pdf": Route(
        inside=API_NATIONAL, obj="national_snapshot", kwargs={"year": "year"}, regional=False
    ),
    # Province staff start their own unit's compile, the ministry and admins any. Unit codes are
    # public: another unit's compile is a refusal (403), not a secret.
    "api:reports_api:job-start": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=202, ministry=202, admin=202),
        obj="annual_report",
        method="post",
        data={"kind": "province", "year": 2026},
        obj_data={"province": "province_id"},
        outside=every(403, anonymous=API_ANONYMOUS, ministry=202, admin=202),
    ),
    "api:reports_api:job-detail": Route(inside=API_REPORT_READERS, obj="compile_job", kwargs={"pk": "pk"}),
    "api:reports_api:figures-region": Route(
        inside=every(200, anonymous=API_ANONYMOUS, community=403, street=404),
        obj="community",
        kwargs={"year": "=2026", "code": "county_id"},
    ),
    # --- API: naming ---------------------------------------------------------------------------------
    # The unit's provincial department and nationwide readers; everyone else is refused the list and
    # finds no batch (404). Objectors' contacts: tests/naming/test_api.py.
    "api:naming_api:batch-list": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=200, ministry=200, admin=200),
        lists="batch",
        query="?year=2026",
    ),
    "api:naming_api:batch-detail": Route(inside=API_NAMING_READERS, obj="batch", kwargs={"pk": "pk"}),
    "api:naming_api:batch-objections": Route(inside=API_NAMING_READERS, obj="batch", kwargs={"pk": "pk"}),
    "api:naming_api:batch-publish": Route(
        inside=API_NAMING_WRITER, obj="draft_batch", kwargs={"pk": "pk"}, method="post"
    ),
    # While the notice runs the department is told (409).
    "api:naming_api:batch-name": Route(
        inside=every(404, anonymous=API_ANONYMOUS, province=409, ministry=403, admin=403),
        obj="batch",
        kwargs={"pk": "pk"},
        method="post",
        data={"document_number": "沪建〔2026〕1号", "document_date": "2026-12-31"},
    ),
    "api:naming_api:objection-resolve": Route(
        inside=API_NAMING_WRITER,
        obj="objection",
        kwargs={"pk": "pk"},
        method="post",
        data={"outcome": "dismissed", "reason": "经核查不属实。"},
    ),
    # The year's naming counts: the unit's department (its own) and nationwide users.
    "api:naming_api:stages": Route(
        inside=every(403, anonymous=API_ANONYMOUS, province=200, ministry=200, admin=200),
        kwargs={"year": "=2026"},
    ),
    # --- residents' voice (apps.residents): surveys in scope (others an empty list), results of a
    # community in scope (another region's: 404), the public community page without an account.
    "api:residents_api:surveys": Route(inside=API_SIGNED_IN),
    "api:residents_api:results": Route(
        inside=API_SIGNED_IN, obj="community", kwargs={"code": "code", "year": "=2026"}
    ),
    "api:residents_api:public-community": Route(
        inside=every(200), obj="community", kwargs={"code": "code"}, outside=every(200)
    ),
    # Public: every published batch of every province, without an account.
    "api:naming_api:public-batches": Route(inside=every(200)),
    # Public objections: an empty body is refused as invalid for everyone (what a valid one does and
    # its throttling: tests/naming/test_api.py).
    "api:naming_api:public-objection": Route(
        inside=every(400), obj="batch", kwargs={"pk": "pk"}, method="post", outside=every(400)
    ),
    # --- targets (issue 24): the level above sets, every regional department and the nationwide roles
    # read; 徐汇区 (the matrix's city user) is a district of a municipality: Shanghai sets its targets.
    "targets:index": Route(inside=every(REDIRECT, anonymous=LOGIN, community=403)),
    "targets:year": Route(inside=every(200, anonymous=LOGIN, community=403), kwargs={"year": "=2026"}),
    "targets:export": Route(
        inside=every(200, anonymous=LOGIN, community=403), kwargs={"year": "=2026", "fmt": "=csv"}
    ),
    # Only those who set targets import them (the ministry, a province, a city with counties).
    "targets:import": Route(
        inside=every(403, anonymous=LOGIN, province=200, ministry=200), kwargs={"year": "=2026"}
    ),
    # An area's target: its own department, the street offices below it and everyone above read it.
    "targets:area": Route(
        inside=every(200, anonymous=LOGIN, community=403),
        obj="community",
        kwargs={"year": "=2026", "code": "county_id"},
    ),
    # Setting it: the level above only; 徐汇区 itself may not edit its own targets (403).
    "targets:set": Route(
        inside=every(403, anonymous=LOGIN, province=REDIRECT),
        obj="community",
        kwargs={"year": "=2026", "code": "county_id"},
        method="post",
        data={"meeting": "50"},
    ),
    # The creation list: kept by a city or county department for its own area.
    "targets:list": Route(inside=every(403, anonymous=LOGIN, city=200), kwargs={"year": "=2026"}),
    "targets:list_remove": Route(
        inside=every(403, anonymous=LOGIN, city=REDIRECT),
        obj="creation_list_entry",
        kwargs={"year": "=2026", "code": "community_id"},
        method="post",
    ),
    # Implementation plans: each department files its own when asked (Shanghai by the ministry;
    # 徐汇区 was not asked: told so on the page); the level above decides; readers download.
    "targets:plans": Route(inside=every(200, anonymous=LOGIN, community=403)),
    # 徐汇区 was not asked for a plan: the page again with the reason (200), nothing filed.
    "targets:plan_file": Route(
        inside=every(403, anonymous=LOGIN, province=REDIRECT, city=200),
        method="post",
        data={
            "document_number": "沪建〔2020〕1号",
            "issued_on": "2020-08-20",
            "co_issuers": "",
            "period_from": "2020",
            "period_to": "2022",
        },
        upload="file",
    ),
    "targets:plan_decide": Route(
        inside=every(403, anonymous=LOGIN, ministry=REDIRECT),
        obj="plan",
        kwargs={"pk": "pk"},
        method="post",
        data={"decision": "returned", "comments": "请补充。"},
    ),
    "targets:plan_download": Route(
        inside=every(200, anonymous=LOGIN, community=403), obj="plan", kwargs={"pk": "pk"}
    ),
    # The annual bulletin (通报): who sets targets renders and publishes the ranking of its areas.
    "targets:bulletin": Route(
        inside=every(403, anonymous=LOGIN, province=200, ministry=200), kwargs={"year": "=2026"}
    ),
    "targets:bulletin_publish": Route(
        inside=every(403, anonymous=LOGIN, province=REDIRECT, ministry=REDIRECT),
        kwargs={"year": "=2026"},
        method="post",
    ),
    "api:targets_api:list": Route(inside=API_SIGNED_IN),
    "api:targets_api:lists": Route(inside=API_SIGNED_IN),
    "api:targets_api:plans": Route(inside=API_SIGNED_IN),
    "api:targets_api:national": Route(inside=API_NATIONAL, kwargs={"year": "=2026"}, regional=False),
    "api:targets_api:progress": Route(
        inside=every(200, anonymous=API_ANONYMOUS, community=403),
        obj="community",
        kwargs={"year": "=2026", "code": "county_id"},
    ),
    # --- the user's own security pages (issue 13): API tokens -------------------------------------
    "security:tokens": Route(inside=SIGNED_IN),
    "security:token-revoke": Route(
        inside=every(404, anonymous=LOGIN, community=REDIRECT),
        obj="api_token",
        kwargs={"pk": "pk"},
        method="post",
        regional=False,
    ),
    # Two-factor sign-in: enrolling is open to every signed-in user (required only for the roles of
    # TWO_FACTOR_ROLES, off in the tests); the code page sends a user without a device to enrol.
    "security:twofactor-setup": Route(inside=SIGNED_IN),
    "security:twofactor-verify": Route(inside=every(REDIRECT, anonymous=LOGIN)),
    # The reset: the level above, by the rule of the account pages (apps.accounts.managing): every
    # level above the committee in its scope; the committee's own page asks for its code (200).
    # Another province's committee: 404 for the scoped levels, 403 for a committee (manages nobody).
    # Peers and the levels above: tests/security/test_twofactor.py.
    "security:twofactor-reset": Route(
        inside=every(200, anonymous=LOGIN),
        obj="committee_user",
        kwargs={"pk": "pk"},
        outside=every(404, anonymous=LOGIN, community=403, ministry=200, admin=200),
    ),
}


# --- other departments (role "department": 上海市公安局, a provincial department of type 公安) -------
# A department reads its area (dashboards, drill-downs, its unit's reports) and, of the assessments,
# the criteria its type checks (the world's evidence is of criterion 1, which 公安 checks there); it
# never decides, edits or manages anything. Where the presets above grant by default, its outcome is
# stated here (out of scope it gets 404, or 403/404 where it is refused inside).
DEPARTMENT = {
    # Account management: a department manages nobody.
    "accounts:active": 403,
    "accounts:bulk": 403,
    "accounts:bulk_confirm": 403,
    "accounts:bulk_sheet": 403,
    "accounts:bulk_sheet_forget": 403,
    "accounts:detail": 403,
    "accounts:manage": 403,
    "accounts:reset": 403,
    "accounts:unlock": 403,
    # Review actions through the API: the assessment is not among those it may act on.
    "api:assessment-add-evidence": 404,
    "api:assessment-approve": 404,
    "api:assessment-designate": 404,
    "api:assessment-recommend": 404,
    "api:assessment-remove-evidence": 404,
    "api:assessment-return-": 404,
    "api:assessment-review": 404,
    "api:assessment-revoke": 404,
    "api:assessment-save-response": 404,
    "api:assessment-submit": 404,
    # Integrity flags belong to the review.
    "api:assessment-integrity-flags": 403,
    "integrity:figures": 403,
    "integrity:flag": 403,
    # Its unit's annual report: read (it confirms it), never submitted.
    "api:reports_api:annual-detail": 200,
    "api:reports_api:annual-narrative": 200,
    "api:reports_api:annual-pdf": 200,
    "api:reports_api:annual-submit": 403,
    "reports:detail": 200,
    "reports:pdf": 200,
    "reports:narrative": 403,
    "reports:return": 403,
    "reports:submit": 403,
    # Compiling is refused with a message on the report's page (nothing is compiled).
    "reports:compile": REDIRECT,
    # The review queue and pages are the reviewers' (a department reads its criteria at
    # /departments/assessments/<id>/).
    "review:detail": 403,
    "review:queue": 403,
    # Targets and their progress are the housing departments' planning.
    "api:targets_api:progress": 403,
    "targets:area": 403,
    "targets:export": 403,
    "targets:index": 403,
    "targets:plan_download": 403,
    "targets:plans": 403,
    "targets:year": 403,
    # Two-factor resets belong to account management.
    "security:twofactor-reset": 403,
    # Residents' posters are printed by the housing departments and committees.
    "residents:area-posters": 404,
    "residents:poster-job": 404,
    "residents:poster-job-download": 404,
}
for _name, _outcome in DEPARTMENT.items():
    ROUTES[_name] = replace(ROUTES[_name], inside={**ROUTES[_name].inside, "department": _outcome})
# A department resets nobody's two-factor sign-in, in its area or outside it.
_reset = ROUTES["security:twofactor-reset"]
ROUTES["security:twofactor-reset"] = replace(_reset, outside={**_reset.outside, "department": 403})
