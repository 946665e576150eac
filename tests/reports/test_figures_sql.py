"""Every figure counted again with hand-written SQL on generated data (returned, revoked, cross-year,
retired and added communities, approvals and revocations around midnight of 31 December in
Asia/Shanghai), and compared with what the selectors compute, what is stored live, the national
composition, the dashboard and drill-down pages, the API, the exports and the report PDF."""

import csv
import datetime as dt
import io
import re
import subprocess
import zoneinfo

import pytest
from django.db import connection
from django.urls import reverse

from apps.reports import selectors, services
from apps.reports.models import UnitFigures

from .generated import YEARS, build

pytestmark = pytest.mark.django_db
UNITS = ("310000000000", "320000000000", "110000000000")
LEVELS = ("street", "county", "city", "province")


def _start(year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


# --- the figures, by SQL alone -------------------------------------------------------------------

REGISTERED = "(c.established_on IS NULL OR c.established_on <= %(end)s) AND (c.retired_on IS NULL OR c.retired_on > %(end)s)"


def _one(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def expected_sql(year: int, where: str = "1 = 1", params: dict | None = None) -> dict:
    """The figures of `year` for the communities matching `where` (on alias c), by plain SQL."""
    p = {
        "end": dt.date(year, 12, 31),
        "year": year,
        "next": _start(year + 1),
        # Midnight after 31 October in Shanghai, as the database stores moments (UTC on SQLite).
        "after_deadline": connection.ops.adapt_datetimefield_value(
            dt.datetime(year, 11, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
        ),
        **(params or {}),
    }
    base = (
        "FROM assessments_assessment a JOIN communities_community c ON c.code = a.community_id "
        f"WHERE {REGISTERED} AND ({where})"
    )
    this_year = f"{base} AND a.year = %(year)s"
    out = {
        "registered": _one(
            f"SELECT count(*) FROM communities_community c WHERE {REGISTERED} AND ({where})",  # noqa: S608
            p,
        ),
        "participating": _one(f"SELECT count(*) {this_year} AND a.state <> 'draft'", p),  # noqa: S608
        "submitted": _one(
            f"SELECT count(*) {this_year} AND a.state IN ('submitted', 'recommended', 'approved', 'revoked')",
            p,  # noqa: S608
        ),
        "approved": _one(f"SELECT count(*) {this_year} AND a.state = 'approved'", p),  # noqa: S608
        "revoked": _one(f"SELECT count(*) {this_year} AND a.state = 'revoked'", p),  # noqa: S608
        "returned": _one(f"SELECT count(*) {this_year} AND a.state = 'returned'", p),  # noqa: S608
        "meeting": _one(
            f"SELECT count(DISTINCT a.community_id) {base} AND a.approved_at < %(next)s "  # noqa: S608
            "AND (a.revoked_at IS NULL OR a.revoked_at >= %(next)s)",
            p,
        ),
        # First submitted after 31 October (Shanghai): from midnight of 1 November there.
        "late": _one(
            f"SELECT count(*) {this_year} AND COALESCE(a.first_submitted_at, a.submitted_at) "  # noqa: S608
            ">= %(after_deadline)s",
            p,
        ),
        "waiting": {
            level: _one(
                f"SELECT count(*) {this_year} AND a.state IN ('submitted', 'recommended') "  # noqa: S608
                "AND a.review_level = %(level)s",
                {**p, "level": level},
            )
            for level in LEVELS
        },
    }
    out["share"] = round(out["meeting"] / out["registered"], 4) if out["registered"] else None
    return out


def _counts(row: dict) -> dict:
    keys = (
        "registered",
        "participating",
        "submitted",
        "approved",
        "revoked",
        "returned",
        "meeting",
        "late",
        "share",
    )
    return {**{k: row[k] for k in keys}, "waiting": dict(row["waiting"])}


@pytest.fixture
def world(db):
    special = build()
    services.figures_refresh_all(years=YEARS)
    return special


# --- selectors, stored figures and the national composition --------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_every_unit_and_area_matches_sql(world, year):
    computed = selectors.units_figures_compute(year=year)
    for code in UNITS:
        unit = computed[code]
        assert _counts(unit["totals"]) == expected_sql(year, "c.province_id = %(p)s", {"p": code}), code
        for row in unit["counties"]:
            assert _counts(row) == expected_sql(year, "c.county_id = %(r)s", {"r": row["code"]}), row["name"]
        for row in unit["cities"]:
            assert _counts(row) == expected_sql(year, "c.city_id = %(r)s", {"r": row["code"]}), row["name"]
        # What is stored live is what a fresh computation gives.
        stored = UnitFigures.objects.get(province_id=code, year=year)
        assert selectors.unit_figures_assemble(stored)["totals"] == unit["totals"]
    nation, _as_of = selectors.national_figures_live(year=year)
    assert _counts(nation["totals"]) == expected_sql(year)
    by_code = {u["code"]: u for u in nation["units"]}
    for code in UNITS:
        assert _counts(by_code[code]) == expected_sql(year, "c.province_id = %(p)s", {"p": code})


def test_the_registry_of_a_year(world):
    """Added mid-2025: not in 2024, in 2025. Merged mid-2025: in 2024, not in 2025. Abolished on
    1 January 2026: still in 2025. Renamed with a new code on 1 September 2024: the old code up to
    2023, the new one from 2024. Their assessments follow them."""
    xuhui = "310104000000"
    for code, present in (
        (world["added"], {2023: False, 2024: False, 2025: True, 2026: True}),
        (world["merged"], {2023: True, 2024: True, 2025: False, 2026: False}),
        (world["abolished"], {2023: True, 2024: True, 2025: True, 2026: False}),
        (world["renamed_old"], {2023: True, 2024: False, 2025: False, 2026: False}),
        (world["renamed_new"], {2023: False, 2024: True, 2025: True, 2026: True}),
    ):
        for year, expected in present.items():
            listed = selectors.figure_communities(
                user=_ministry(), year=year, region=_region(code[:6].ljust(12, "0")), figure="registered"
            )
            assert listed.filter(code=code).exists() is expected, (code, year)
    # Xuhui's 70 communities: in 2024 without the one added in 2025; in 2025 without the merged one.
    assert expected_sql(2024, "c.county_id = %(r)s", {"r": xuhui})["registered"] == 69
    assert expected_sql(2025, "c.county_id = %(r)s", {"r": xuhui})["registered"] == 69
    assert expected_sql(2023, "c.county_id = %(r)s", {"r": xuhui})["registered"] == 69


def test_midnight_of_31_december_in_shanghai(world):
    """Approved at 23:59:59 on 31 December 2025 (Shanghai): meets the requirements in 2025;
    approved at 00:00:00 on 1 January 2026: not in 2025, in 2026. Revoked at 23:59:59: no longer
    meets in 2025; revoked at midnight: still meets in 2025, not in 2026."""
    meeting = {
        year: set(
            selectors.figure_communities(
                user=_ministry(), year=year, region=_region("310101000000"), figure="meeting"
            ).values_list("code", flat=True)
        )
        for year in (2025, 2026)
    }
    assert world["approved_last_second_2025"] in meeting[2025]
    assert world["approved_midnight_2026"] not in meeting[2025]
    assert world["approved_midnight_2026"] in meeting[2026]
    assert world["revoked_last_second_2025"] not in meeting[2025]
    assert world["revoked_midnight_2026"] in meeting[2025]
    assert world["revoked_midnight_2026"] not in meeting[2026]
    # Both 2025 assessments are approved assessments of 2025, whenever they were approved.
    approved = selectors.figure_communities(
        user=_ministry(), year=2025, region=_region("310101000000"), figure="approved"
    )
    assert {world["approved_last_second_2025"], world["approved_midnight_2026"]} <= set(
        approved.values_list("code", flat=True)
    )


def test_past_years_do_not_change_when_a_community_is_retired(
    world, province_user, django_capture_on_commit_callbacks
):
    from apps.communities.models import Community
    from apps.communities.services import community_retire

    before = {y: selectors.unit_figures_live(year=y, province_code="310000000000")["totals"] for y in YEARS}
    target = (
        Community.objects.filter(street_id="310104004000", retired_on__isnull=True).order_by("code").first()
    )
    with django_capture_on_commit_callbacks(execute=True):
        community_retire(
            user=province_user, community=target, kind="abolished", effective_on=dt.date(2026, 3, 1)
        )
    after = {y: selectors.unit_figures_live(year=y, province_code="310000000000")["totals"] for y in YEARS}
    assert after[2023] == before[2023] and after[2024] == before[2024] and after[2025] == before[2025]
    assert after[2026]["registered"] == before[2026]["registered"] - 1
    assert _counts(after[2026]) == expected_sql(2026, "c.province_id = %(p)s", {"p": "310000000000"})


# --- pages, API, exports and PDF -----------------------------------------------------------------


def _ministry():
    from tests.factories import UserFactory

    return UserFactory(username="sql-ministry", role="ministry")


def _region(code):
    from apps.regions.models import Region

    return Region.objects.get(pk=code)


def _cells(html: str, code: str) -> dict:
    row = re.search(rf'<tr[^>]*data-code="{code}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return {k: int(v) for k, v in re.findall(r'data-figure="([a-z_]+)">(\d+)<', row)}


def test_dashboard_page_and_api(world, client):
    client.force_login(_ministry())
    html = client.get(reverse("reports:national", args=[2025])).content.decode()
    nation = expected_sql(2025)
    for code in UNITS:
        sql = expected_sql(2025, "c.province_id = %(p)s", {"p": code})
        cells = _cells(html, code)
        assert cells == {
            k: sql[k] for k in ("registered", "participating", "approved", "revoked", "meeting")
        }, code
    assert f'data-testid="national-approved">{nation["approved"]}<' in html
    assert f'data-testid="national-revoked">{nation["revoked"]}<' in html
    assert f'data-testid="national-meeting">{nation["meeting"]}<' in html
    assert f'data-testid="national-late">{nation["late"]}<' in html
    assert f"{nation['share'] * 100:.1f}%" in html
    api = client.get("/api/v1/reports/national/2025/").json()
    assert _counts(api["figures"]["totals"]) == nation
    region = client.get("/api/v1/reports/figures/2025/320000000000/").json()
    assert _counts(region["region"]) == expected_sql(2025, "c.province_id = %(p)s", {"p": "320000000000"})
    for child in region["children"]:  # Jiangsu's cities
        assert _counts(child) == expected_sql(2025, "c.city_id = %(r)s", {"r": child["code"]})


def test_drill_down_pages_and_exports(world, client):
    client.force_login(_ministry())
    for code, column in (("320100000000", "county_id"), ("320102000000", "street_id")):
        html = client.get(reverse("reports:figures_region", args=[2025, code])).content.decode()
        for child in re.findall(r'<tr[^>]*data-code="(\d{12})"', html):
            if child == code:
                continue
            sql = expected_sql(2025, f"c.{column} = %(r)s", {"r": child})
            cells = _cells(html, child)
            assert cells["meeting"] == sql["meeting"] and cells["registered"] == sql["registered"], child
            assert cells["approved"] == sql["approved"] and cells["revoked"] == sql["revoked"], child
    exported = client.get(reverse("reports:figures_region_export", args=[2025, "320102000000", "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    header, total = rows[0], rows[1]
    sql = expected_sql(2025, "c.county_id = %(r)s", {"r": "320102000000"})
    for key, label in (("registered", "社区总数"), ("approved", "审核通过（未摘牌）"), ("revoked", "已摘牌")):
        assert int(total[header.index(label)]) == sql[key]
    listed = (
        client.get(reverse("reports:figures_communities", args=[2025, "320102000000"]) + "?figure=meeting")
        .context["page"]
        .paginator.count
    )
    assert listed == sql["meeting"]


def test_report_page_and_pdf(world, client, province_user):
    report = services.annual_report_compile(province_code="310000000000", year=2025)
    sql = expected_sql(2025, "c.province_id = %(p)s", {"p": "310000000000"})
    client.force_login(province_user)
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert f'data-testid="total-approved">{sql["approved"]}<' in html
    assert f'data-testid="total-revoked">{sql["revoked"]}<' in html
    report = services.annual_report_render_pdf(report_id=report.pk)
    text = subprocess.run(
        ["pdftotext", "-layout", report.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    assert f"本年度审核通过（此后未摘牌） {sql['approved']}" in flat
    assert f"已摘牌（本年度审核通过后被摘牌） {sql['revoked']}" in flat
    assert f"城市社区总数（登记） {sql['registered']}" in flat
    assert sql["late"] > 0
    assert f'data-testid="total-late">{sql["late"]}<' in html
    assert f"逾期提交自评（10月31日后首次提交） {sql['late']}" in flat
    assert f"本年度逾期提交自评：{sql['late']} 个社区" in flat
    # The approved community first submitted at midnight after the deadline is marked in the list.
    assert re.search(r"第11社区居委会（310101002011，逾期提交）", flat), flat
    # On-time approvals carry no mark (Tianping Road's are all first submitted before October).
    assert not re.search(r"310104003\d{3}，逾期提交", flat)
    assert "累计达到创建要求" in flat and str(sql["meeting"]) in flat


def test_late_submissions_around_the_community_deadline(world):
    """Late: first submitted after 31 October of its year, on Shanghai dates (23:59:59 on time,
    00:00 on 1 November late), whatever happened since; a late resubmission after an on-time first
    one is not late. The figures equal a direct count with apps.core.campaign's rule, every unit's
    lists mark the late ones, and the nation sums the units."""
    from apps.assessments.models import Assessment
    from apps.communities.models import Community
    from apps.core.campaign import community_submission_late

    def late_of(code, year):
        return expected_sql(year, "c.code = %(c)s", {"c": code})["late"]

    assert late_of(world["submitted_last_second_of_deadline"], 2025) == 0
    assert late_of(world["approved_midnight_after_deadline"], 2025) == 1
    assert late_of(world["returned_late"], 2025) == 1
    assert late_of(world["revoked_late"], 2024) == 1
    assert late_of(world["resubmitted_late_first_on_time"], 2025) == 0
    for year in YEARS:
        computed = selectors.units_figures_compute(year=year)
        registered = set(Community.objects.registered_in(year).values_list("code", flat=True))
        direct = {code: 0 for code in UNITS}
        for a in Assessment.objects.filter(year=year, community_id__in=registered):
            direct[a.province_id] += community_submission_late(a)
        for code in UNITS:
            assert computed[code]["totals"]["late"] == direct[code], (code, year)
            decided = {
                a.community_id: community_submission_late(a)
                for a in Assessment.objects.filter(
                    year=year, province_id=code, state__in=["approved", "revoked"]
                )
            }
            for entry in computed[code]["approved_list"] + computed[code]["revoked_list"]:
                assert entry.get("late", False) is decided[entry["code"]], entry
        nation, _as_of = selectors.national_figures_live(year=year)
        assert nation["totals"]["late"] == sum(direct.values())
        assert year not in (2024, 2025) or nation["totals"]["late"] > 0
        assert {u["code"]: u["late"] for u in nation["units"] if u["code"] in UNITS} == direct
    lists = selectors.unit_figures_compute(year=2024, province_code="110000000000")["revoked_list"]
    assert next(e for e in lists if e["code"] == world["revoked_late"])["late"] is True
