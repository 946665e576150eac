"""Figure 8 of `make bench`: bulk creation of community accounts (apps.accounts.bulk) for the
largest county and for the whole nation, each inside a transaction that is rolled back, so the
figure is the same on every run. The floor is Django's default password hashing for the same
number of accounts, estimated from the time of 3 hashes (what a naive loop would cost)."""

import time

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from bench.figures import Row


class _Rollback(Exception):
    pass


def _timed_bulk(actor_kwargs: dict, region) -> tuple[float, int]:
    from apps.accounts import bulk
    from apps.accounts.models import Role, User

    try:
        with transaction.atomic():
            User.objects.filter(role=Role.COMMUNITY, username__startswith="c").delete()
            actor = User.objects.create(username="bench-bulk-admin", **actor_kwargs)
            started = time.perf_counter()
            sheet = bulk.bulk_create_accounts(actor=actor, region=region)
            elapsed = time.perf_counter() - started
            raise _Rollback(elapsed, len(sheet))
    except _Rollback as done:
        return done.args


def bulk_accounts() -> list[Row]:
    from apps.accounts.models import Role
    from apps.communities.models import Community
    from apps.regions.models import Region

    started = time.perf_counter()
    for _ in range(3):
        make_password("bench-password-1")
    per_hash = (time.perf_counter() - started) / 3
    county_code = (
        Community.objects.values("county_id")
        .annotate(n=Count("code"))
        .order_by("-n")
        .values_list("county_id", flat=True)[0]
    )
    county = Region.objects.get(pk=county_code)
    admin = {"role": Role.ADMIN, "is_superuser": True, "is_staff": True}
    rows = []
    for label, region, goal_s in (
        (f"8a bulk accounts of one county ({county.full_name})", county, 10.0),
        ("8b bulk accounts of the nation", None, 300.0),
    ):
        seconds, n = _timed_bulk(admin, region)
        naive = per_hash * n
        rows.append(
            Row(
                label,
                f"{seconds:.2f} s for {n} accounts",
                floor=f"naive PBKDF2 loop ≈ {naive:.0f} s",
                ratio=None,
                goal=f"< {goal_s:.0f} s",
                met=seconds < goal_s,
                details={
                    "seconds": seconds,
                    "accounts": n,
                    "naive_pbkdf2_seconds": naive,
                    "per_hash_s": per_hash,
                },
            )
        )
    return rows
