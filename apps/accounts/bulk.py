"""Bulk creation of accounts from the registry: one account for every community (or every street
office and county department) of a chosen region in the caller's scope that has none.

A preview first: what would be created (usernames derived from the 12-digit code: `c` + the
community's code, `s` + a street's, `d` + a county's, so the same row always gets the same name)
and every row that is skipped with its reason. Then, on confirmation, all or nothing in one
transaction, with `bulk_create` in batches. Each new account gets a one-time password
(apps.accounts.onetime: random, kept only as a keyed hash with an expiry, no PBKDF2 per account)
returned once for the sheet, and an unusable password until its user chooses one.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import campaign
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError
from apps.core.models import TraceAction, TraceKind
from apps.core.trace import trace_append

from . import onetime
from .managing import COMMUNITY, COUNTY, STREET, managed_ranks
from .models import Role, User, community_model, region_model

BATCH = 2000
COMMUNITIES, DEPARTMENTS = "communities", "departments"


@dataclass
class Planned:
    username: str
    name: str
    code: str
    province_id: str
    role: str
    community_id: str | None = None
    region_id: str | None = None
    display_name: str = ""


@dataclass
class Skipped:
    code: str
    name: str
    reason: str


@dataclass
class Preview:
    region: object
    kind: str
    create: list[Planned] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def username_for(kind: str, code: str) -> str:
    return {"community": "c", "street": "s", "county": "d"}[kind] + code


def _check_region(actor, region) -> None:
    from .scoping import is_nationwide

    if region is None:  # the whole country: nationwide users only
        if not is_nationwide(actor):
            raise NotFoundError(_("No region with this code in your scope."), field="region")
        return
    if not region_model().objects.visible_to(actor).filter(pk=region.pk).exists():
        raise NotFoundError(_("No region with this code in your scope."), field="region")


def bulk_preview(*, actor, region, kind: str = COMMUNITIES) -> Preview:
    """What a bulk creation of `kind` in `region` would do, without doing it."""
    ranks = managed_ranks(actor)
    _check_region(actor, region)
    preview = Preview(region=region, kind=kind)
    if kind == COMMUNITIES:
        if COMMUNITY not in ranks:
            raise ForbiddenError(_("You may not create community accounts."))
        _plan_communities(actor, region, preview)
    else:
        if not ({STREET, COUNTY} & set(ranks)):
            raise ForbiddenError(_("You may not create department accounts."))
        _plan_departments(actor, region, preview, ranks)
    return preview


def _under(region, prefix: str = "") -> Q:
    if region is None:
        return Q()
    column = "street_id" if region.level == "street" else f"{region.level}_id"
    if prefix == "region" and region.level == "street":
        return Q(pk=region.pk)
    return Q(**{column: region.pk})


def _plan_communities(actor, region, preview: Preview) -> None:
    from apps.accounts.scoping import region_scope_q

    Community = community_model()  # noqa: N806 (a model class)

    rows = (
        Community.objects.filter(_under(region))
        .values_list("code", "name", "province_id", "retired_on")
        .order_by("code")
    )
    in_scope = set(
        Community.objects.filter(_under(region)).filter(region_scope_q(actor)).values_list("code", flat=True)
    )
    having = set(
        User.objects.filter(
            role=Role.COMMUNITY, community__in=Community.objects.filter(_under(region))
        ).values_list("community_id", flat=True)
    )
    wanted = {username_for("community", code): code for code, *_ in rows}
    taken = set(User.objects.filter(username__in=list(wanted)).values_list("username", flat=True))
    today = campaign.today()
    seen = set()
    for code, name, province_id, retired_on in rows:
        username = username_for("community", code)
        if code in seen:
            preview.skipped.append(Skipped(code, name, _("Listed twice")))
        elif code not in in_scope:
            preview.skipped.append(Skipped(code, name, _("Outside your scope")))
        elif retired_on is not None and retired_on <= today:
            preview.skipped.append(Skipped(code, name, _("Retired from the registry")))
        elif code in having:
            preview.skipped.append(Skipped(code, name, _("Already has an account")))
        elif username in taken:
            preview.skipped.append(
                Skipped(code, name, _("The username %(username)s is taken") % {"username": username})
            )
        else:
            preview.create.append(
                Planned(username=username, name=name, code=code, province_id=province_id, role=Role.COMMUNITY,
                        community_id=code, display_name=name)
            )  # fmt: skip
        seen.add(code)


def _plan_departments(actor, region, preview: Preview, ranks) -> None:
    levels = [lvl for lvl, rank in (("street", STREET), ("county", COUNTY)) if rank in ranks]
    rows = region_model().objects.filter(_under(region, "region"), level__in=levels).order_by("code")
    having = set(
        User.objects.filter(role__in=(Role.STREET, Role.CITY), region__in=rows).values_list(
            "region_id", flat=True
        )
    )
    wanted = {username_for(r.level, r.code): r for r in rows}
    taken = set(User.objects.filter(username__in=list(wanted)).values_list("username", flat=True))
    for r in rows:
        username = username_for(r.level, r.code)
        if r.code in having:
            preview.skipped.append(Skipped(r.code, r.name, _("Already has an account")))
        elif username in taken:
            preview.skipped.append(
                Skipped(r.code, r.name, _("The username %(username)s is taken") % {"username": username})
            )
        else:
            preview.create.append(
                Planned(username=username, name=r.name, code=r.code, province_id=r.province_id,
                        role=Role.STREET if r.level == "street" else Role.CITY, region_id=r.code,
                        display_name=r.name)
            )  # fmt: skip


def bulk_create_accounts(
    *, actor, region, kind: str = COMMUNITIES, expected: int | None = None
) -> list[dict]:
    """Create every account of the preview, all or nothing. `expected`: the number the user saw in
    the preview (a different number now means somebody else acted first: ConflictError, nothing
    created). Returns the sheet's rows (username, name, code, one-time password): shown once."""
    with transaction.atomic():
        preview = bulk_preview(actor=actor, region=region, kind=kind)
        if expected is not None and expected != len(preview.create):
            raise ConflictError(
                _(
                    "The preview is out of date: %(now)s accounts would now be created, not %(then)s. Check the new preview."
                )
                % {"now": len(preview.create), "then": expected}
            )
        now = timezone.now()
        sheet, users = [], []
        for p in preview.create:
            user = User(
                username=p.username, role=p.role, community_id=p.community_id, region_id=p.region_id,
                display_name=p.display_name, is_active=True, date_joined=now,
            )  # fmt: skip
            code = onetime.issue(user, now=now)
            users.append(user)
            sheet.append({"username": p.username, "name": p.name, "code": p.code, "password": code})
        User.objects.bulk_create(users, batch_size=BATCH)
        # One history entry per provincial unit, with every username created there.
        by_province: dict[str, list[str]] = {}
        for p in preview.create:
            by_province.setdefault(p.province_id, []).append(p.username)
        for province_id, usernames in sorted(by_province.items()):
            trace_append(
                kind=TraceKind.ACCOUNT,
                action=TraceAction.CREATED,
                actor=actor,
                subject=region.pk if region else "",
                subject_label=_("Bulk creation: %(n)s accounts in %(region)s")
                % {"n": len(usernames), "region": region.name if region else _("Nationwide")},
                province_id=province_id,
                data={
                    "bulk": kind,
                    "region": region.pk if region else None,
                    "count": len(usernames),
                    "usernames": usernames,
                },
            )
    return sheet
