"""Reads of accounts shared by the account pages, bulk creation and tests."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .managing import COUNTY, RANK_Q, account_manageable_q
from .models import User, community_model

# The level filter of the account list: a name for each rank (managing.RANK_Q).
LEVELS = {
    "community": 0,
    "street": 1,
    "county": COUNTY,
    "city": 3,
    "province": 4,
    "ministry": 5,
}


def accounts_manageable_by(actor) -> QuerySet[User]:
    """The accounts `actor` manages (apps.accounts.managing): its scope, below its level."""
    return User.objects.filter(account_manageable_q(actor)).select_related(
        "region", "community", "community__street"
    )


def locked_attempts():
    """django-axes' access attempts that lock their username now (limit reached, not cooled off)."""
    from axes.models import AccessAttempt

    rows = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cooloff:
        rows = rows.filter(attempt_time__gte=timezone.now() - timedelta(hours=float(cooloff)))
    return rows


def locked_usernames(usernames) -> set[str]:
    return set(locked_attempts().filter(username__in=list(usernames)).values_list("username", flat=True))


def under_region_q(region, path: str = "") -> Q:
    """Accounts whose community or region lies in `region` (itself included)."""
    if region.level == "street":
        return Q(**{f"{path}community__street_id": region.pk}) | Q(**{f"{path}region_id": region.pk})
    column = f"{region.level}_id"
    return Q(**{f"{path}community__{column}": region.pk}) | Q(**{f"{path}region__{column}": region.pk})


def account_list(
    *, actor, level: str = "", region=None, active: str = "", never_logged_in: bool = False,
    locked: bool = False, search: str = "",
) -> QuerySet[User]:  # fmt: skip
    """The accounts `actor` manages, narrowed by level, region, state and a search in the username,
    the office or name and the community's name."""
    qs = accounts_manageable_by(actor)
    if level in LEVELS:
        qs = qs.filter(RANK_Q[LEVELS[level]])
    elif level == "department":
        qs = qs.filter(role="department")
    if region is not None:
        qs = qs.filter(under_region_q(region))
    if active == "yes":
        qs = qs.filter(is_active=True)
    elif active == "no":
        qs = qs.filter(is_active=False)
    if never_logged_in:
        qs = qs.filter(last_login__isnull=True)
    if locked:
        qs = qs.filter(username__in=locked_attempts().values("username"))
    search = (search or "").strip()
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(display_name__icontains=search)
            | Q(community__name__icontains=search)
        )
    return qs.order_by("username")


def account_coverage(*, actor) -> dict:
    """For the rollout: of the (not retired) communities in the actor's scope, how many have an
    active committee account (`active`), and how many of those have never signed in
    (`never_logged_in`: none of their active accounts has a last login)."""
    accounts = User.objects.filter(community_id=OuterRef("pk"), is_active=True, role="community")
    communities = community_model().objects.visible_to(actor).active()
    total = communities.count()
    with_account = communities.filter(Exists(accounts))
    active = with_account.count()
    never = with_account.exclude(Exists(accounts.filter(last_login__isnull=False))).count()
    return {"total": total, "active": active, "never_logged_in": never}
