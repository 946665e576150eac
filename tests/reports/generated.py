"""Generated data for the figures tests: three provincial units (a municipality with districts, a
province with cities, another municipality), several hundred communities and four campaign years
with every state, returns, revocations in and after their year, approvals a second before and at
midnight of 31 December (Asia/Shanghai), communities added during the campaign and communities
retired (merged, abolished, renamed with a new code) in the middle of a year and on 1 January.

Deterministic (seeded). Rows are written directly (the figures only read them); `expected_sql`
in test_figures_sql.py counts them again with hand-written SQL."""

import datetime as dt
import random
import zoneinfo

from apps.assessments.models import Assessment
from apps.communities.models import Community
from apps.review.models import Demonstration
from apps.standards.models import StandardVersion
from tests.factories import AssessmentRowFactory, region

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
YEARS = (2023, 2024, 2025, 2026)
STREETS = {
    "310104003": 40,  # 上海 徐汇区 天平路街道
    "310104004": 30,  # 上海 徐汇区 湖南路街道
    "310101002": 30,  # 上海 黄浦区 南京东路街道
    "320102002": 35,  # 江苏 南京市 玄武区 梅园新村街道
    "320102003": 25,  # 江苏 南京市 玄武区 新街口街道
    "320111001": 30,  # 江苏 南京市 浦口区 泰山街道
    "110101001": 30,  # 北京 东城区 东华门街道
}
# Around midnight of 31 December 2025 in Shanghai: the first still counts for 2025, the second not.
LAST_SECOND_2025 = dt.datetime(2025, 12, 31, 23, 59, 59, tzinfo=SH)
MIDNIGHT_2026 = dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=SH)
# Around the community deadline of 2025 (31 October) in Shanghai.
LAST_SECOND_OCT_2025 = dt.datetime(2025, 10, 31, 23, 59, 59, tzinfo=SH)
MIDNIGHT_NOV_2025 = dt.datetime(2025, 11, 1, 0, 0, 0, tzinfo=SH)
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=SH)
LEVELS = {"submitted": ("street", "county", "city"), "recommended": ("province",)}


def _at(rng, year, month_from=1, month_to=12) -> dt.datetime:
    month = rng.randint(month_from, month_to)
    return dt.datetime(year, month, rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), tzinfo=SH)


def build(seed: int = 15) -> dict:
    """Write the generated world; returns the special cases by name (for the tests to point at)."""
    rng = random.Random(seed)
    standard = StandardVersion.objects.get(code="national-trial-2020")
    communities = []
    for street_code, n in STREETS.items():
        street = region(street_code)
        communities.extend(
            Community(
                code=f"{street.code[:9]}{i:03d}",
                name=f"{street.name}第{i}社区居委会",
                street=street,
                county=street.county,
                city=street.city,
                province=street.province,
            )
            for i in range(1, n + 1)
        )
    Community.objects.bulk_create(communities)
    special = {}
    # The registry's life: added mid-2025, retired mid-2025 (merged), retired on 1 January 2026
    # (abolished: still in 2025's registry), renamed with a new code from 1 September 2024.
    by_code = {c.code: c for c in communities}
    added = by_code["310104003040"]
    Community.objects.filter(pk=added.pk).update(established_on=dt.date(2025, 6, 1))
    merged, into = by_code["310104003039"], by_code["310104003001"]
    Community.objects.filter(pk=merged.pk).update(
        retired_on=dt.date(2025, 7, 1), retirement="merged", successor=into
    )
    abolished = by_code["320102002035"]
    Community.objects.filter(pk=abolished.pk).update(retired_on=dt.date(2026, 1, 1), retirement="abolished")
    old = by_code["110101001030"]
    new = Community.objects.create(
        code="110101001031",
        name="东华门新社区居委会",
        street=old.street,
        county=old.county,
        city=None,
        province=old.province,
        established_on=dt.date(2024, 9, 1),
    )
    Community.objects.filter(pk=old.pk).update(
        retired_on=dt.date(2024, 9, 1), retirement="renamed", successor=new
    )
    special.update(
        added=added.code,
        merged=merged.code,
        abolished=abolished.code,
        renamed_old=old.code,
        renamed_new=new.code,
    )

    assessments = []
    everyone = [*Community.objects.order_by("code")]
    for community in everyone:
        for year in YEARS:
            if rng.random() < 0.35:
                continue
            assessments.append(_assessment(rng, community, year, standard))
    # The special timestamps, on communities that exist all along.
    midnight_cases = {
        "approved_last_second_2025": (by_code["310101002001"], 2025, LAST_SECOND_2025, None),
        "approved_midnight_2026": (by_code["310101002002"], 2025, MIDNIGHT_2026, None),
        "revoked_last_second_2025": (by_code["310101002003"], 2024, _at(rng, 2024, 3, 6), LAST_SECOND_2025),
        "revoked_midnight_2026": (by_code["310101002004"], 2024, _at(rng, 2024, 3, 6), MIDNIGHT_2026),
    }
    for name, (community, year, approved_at, revoked_at) in midnight_cases.items():
        # Its only assessment: nothing else makes it meet the requirements.
        assessments = [a for a in assessments if a.community_id != community.code]
        first = approved_at - dt.timedelta(days=20)
        assessments.append(
            _row(
                community,
                year,
                standard,
                "revoked" if revoked_at else "approved",
                first_submitted_at=first,
                submitted_at=first,
                approved_at=approved_at,
                revoked_at=revoked_at,
            )
        )
        special[name] = community.code
    # Around the community deadline (31 October, Shanghai dates): the last second is on time,
    # midnight after it is late (16:00 UTC on 31 October); lateness is the first submission's.
    deadline_cases = {
        "submitted_last_second_of_deadline": (
            by_code["310101002010"],
            2025,
            "submitted",
            LAST_SECOND_OCT_2025,
            {"review_level": "county"},
        ),
        "approved_midnight_after_deadline": (
            by_code["310101002011"],
            2025,
            "approved",
            MIDNIGHT_NOV_2025,
            {"approved_at": dt.datetime(2025, 11, 20, 10, tzinfo=SH)},
        ),
        "returned_late": (
            by_code["320102002010"],
            2025,
            "returned",
            dt.datetime(2025, 11, 5, 9, tzinfo=SH),
            {"returned_at": dt.datetime(2025, 11, 10, 9, tzinfo=SH)},
        ),
        "revoked_late": (
            by_code["110101001010"],
            2024,
            "revoked",
            dt.datetime(2024, 12, 2, 9, tzinfo=SH),
            {
                "approved_at": dt.datetime(2024, 12, 20, 9, tzinfo=SH),
                "revoked_at": dt.datetime(2025, 3, 1, tzinfo=SH),
            },
        ),
        "resubmitted_late_first_on_time": (
            by_code["320102003005"],
            2025,
            "submitted",
            dt.datetime(2025, 10, 20, 9, tzinfo=SH),
            {"submitted_at": dt.datetime(2025, 11, 10, 9, tzinfo=SH), "review_level": "street"},
        ),
    }
    for name, (community, year, state, first, stamps) in deadline_cases.items():
        assessments = [a for a in assessments if not (a.community_id == community.code and a.year == year)]
        stamps = {"submitted_at": first, **stamps}
        assessments.append(_row(community, year, standard, state, first_submitted_at=first, **stamps))
        special[name] = community.code
    # Assessments of the retired and added communities in years they did not exist.
    for code in (merged.code, abolished.code, old.code, added.code):
        community = Community.objects.get(pk=code)
        for year in YEARS:
            assessments = [a for a in assessments if not (a.community_id == code and a.year == year)]
            approved = _at(rng, year, 1, 5)
            assessments.append(
                _row(community, year, standard, "approved", first_submitted_at=approved - dt.timedelta(days=9),
                     submitted_at=approved - dt.timedelta(days=9), approved_at=approved)
            )  # fmt: skip
    Assessment.objects.bulk_create(assessments)
    approved = list(Assessment.objects.filter(state="approved").order_by("id"))
    Demonstration.objects.bulk_create(
        [
            Demonstration(assessment=a, year=a.year, citation=f"示范{a.pk}", designated_at=a.approved_at)
            for a in approved[::9]
        ]
    )
    return special


def _row(community, year, standard, state, **stamps) -> Assessment:
    level = stamps.pop("review_level", "")
    return AssessmentRowFactory.build(
        community=community,
        year=year,
        standard=standard,
        state=state,
        review_level=level,
        review_chain="street,county,city,province" if level else "",
        **stamps,
    )


def _assessment(rng, community, year, standard) -> Assessment:
    state = rng.choices(
        ["draft", "submitted", "recommended", "returned", "approved", "revoked"], [8, 10, 10, 10, 50, 12]
    )[0]
    first = _at(rng, year, 2, 9)
    stamps = {}
    if state != "draft":
        stamps.update(first_submitted_at=first, submitted_at=first)
    if state in LEVELS:
        stamps["review_level"] = rng.choice(LEVELS[state])
    if state == "returned":
        stamps["returned_at"] = first + dt.timedelta(days=rng.randint(1, 30))
    if state in ("approved", "revoked"):
        # Some approvals of year Y happen in January of Y+1: approved in Y, meeting only from Y+1.
        stamps["approved_at"] = first + dt.timedelta(
            days=rng.choice([5, 30, 90, 200, 330]), hours=rng.randint(0, 23)
        )
    if state == "revoked":
        # Revoked in its year, the next year, or two years later.
        stamps["revoked_at"] = stamps["approved_at"] + dt.timedelta(days=rng.choice([40, 200, 500, 800]))
    # Nothing happens after the data was made (1 December 2026): later stamps move back before it.
    if stamps.get("approved_at") and stamps["approved_at"] > NOW:
        stamps["approved_at"] = max(first + dt.timedelta(hours=1), NOW - dt.timedelta(days=2))
    if stamps.get("revoked_at") and stamps["revoked_at"] > NOW:
        stamps["revoked_at"] = stamps["approved_at"] + (NOW - stamps["approved_at"]) / 2
    return _row(community, year, standard, state, **stamps)
