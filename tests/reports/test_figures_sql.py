"""Every figure counted again with hand-written SQL on generated data (returned, revoked, cross-year,
retired and added communities, approvals and revocations around midnight of 31 December in
Asia/Shanghai), and compared with what the selectors compute, what is STORED for every unit, area
and year, the national composition, the dashboard and drill-down pages, the API, the exports and
the report PDF. The generated rows are written behind the services' backs (bulk inserts): the
healing task alone brings the stored figures current. Every count of year Y is as of the end of Y
(docs/figures.md): a revocation in a later year changes no figure of a closed year."""

import csv
import datetime as dt
import io
import re
import subprocess
import zoneinfo

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from apps.reports import services
from apps.reports.figures import compute, drilldown, live, store
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
        # Moments as the database stores them (UTC text on SQLite), so midnight compares exactly.
        "next": connection.ops.adapt_datetimefield_value(_start(year + 1)),
        "start": connection.ops.adapt_datetimefield_value(_start(year)),
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
        # As of the end of the year: approved during it and not revoked by then.
        "approved": _one(
            f"SELECT count(*) {this_year} AND a.approved_at < %(next)s "  # noqa: S608
            "AND (a.revoked_at IS NULL OR a.revoked_at >= %(next)s)",
            p,
        ),
        # Revocations during the year, of an approval of any year.
        "revoked": _one(
            f"SELECT count(*) {base} AND a.revoked_at >= %(start)s AND a.revoked_at < %(next)s",  # noqa: S608
            p,
        ),
        # Today's state, apart: approved during the year, revoked after it.
        "revoked_since": _one(
            f"SELECT count(*) {this_year} AND a.approved_at < %(next)s AND a.revoked_at >= %(next)s",  # noqa: S608
            p,
        ),
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
        "revoked_since",
        "returned",
        "meeting",
        "late",
        "share",
    )
    return {**{k: row[k] for k in keys}, "waiting": dict(row["waiting"])}


@pytest.fixture
def world(db):
    special = build()
    # Written behind the services' backs: nobody refreshes by hand, the healing task finds them.
    store.figures_heal()
    return special


def _stored(code: str, year: int) -> dict:
    return live.unit_figures_assemble(UnitFigures.objects.get(province_id=code, year=year))


# --- stored figures of every unit, area and year, and the national composition -------------------


@pytest.mark.parametrize("year", YEARS)
def test_every_stored_figure_matches_sql(world, year):
    computed = compute.units_figures_compute(year=year)
    for code in UNITS:
        stored = _stored(code, year)
        assert _counts(stored["totals"]) == expected_sql(year, "c.province_id = %(p)s", {"p": code}), code
        for row in stored["counties"]:
            assert _counts(row) == expected_sql(year, "c.county_id = %(r)s", {"r": row["code"]}), row["name"]
        for row in stored["cities"]:
            assert _counts(row) == expected_sql(year, "c.city_id = %(r)s", {"r": row["code"]}), row["name"]
        # The stored lists name the communities behind the counts ("revoked since" are among the
        # approved of the year, marked).
        assert len(stored["approved_list"]) == stored["totals"]["approved"]
        marked = [e for e in stored["approved_list"] if e.get("revoked_since")]
        assert len(marked) == stored["totals"]["revoked_since"]
        assert len(stored["revoked_list"]) == stored["totals"]["revoked"]
        assert computed[code]["totals"] == stored["totals"]
    nation, _as_of = live.national_figures_live(year=year)
    assert _counts(nation["totals"]) == expected_sql(year)
    by_code = {u["code"]: u for u in nation["units"]}
    for code in UNITS:
        assert _counts(by_code[code]) == expected_sql(year, "c.province_id = %(p)s", {"p": code})
    # A unit with no registry rows stays "registry not imported" (not ranked, no share).
    assert by_code["440000000000"]["registry_imported"] is False and by_code["440000000000"]["rank"] is None


def _closed(value):
    """A stored figure without what is explicitly "today" (revoked since) and without its time."""
    if isinstance(value, dict):
        return {
            k: _closed(v)
            for k, v in value.items()
            if k not in ("revoked_since", "computed_at", "report_status", "trend")
        }
    if isinstance(value, list):
        return [_closed(v) for v in value]
    return value


def test_a_revocation_in_a_later_year_changes_no_closed_year(
    world, province_user, django_capture_on_commit_callbacks
):
    """A 2023 approval revoked today (2026): every figure of 2023, 2024 and 2025 stays as it was,
    stored and national; "revoked since" of 2023 tells it apart; 2026 counts the revocation."""
    from apps.assessments.models import Assessment
    from apps.reports.models import NationalSnapshot
    from apps.review.services import assessment_revoke

    closed = (2023, 2024, 2025)
    before = {(code, y): _closed(_stored(code, y)) for code in UNITS for y in closed}
    nation_before = {y: _closed(NationalSnapshot.objects.get(year=y).figures) for y in closed}
    since_before = _stored("310000000000", 2023)["totals"]["revoked_since"]
    # Its only approval, of a community in every year's registry: 2026 meets one fewer.
    approved_otherwise = Assessment.objects.filter(approved_at__isnull=False).exclude(year=2023)
    target = (
        Assessment.objects.filter(
            province_id="310000000000",
            year=2023,
            state="approved",
            community__retired_on__isnull=True,
            community__established_on__isnull=True,
        )
        .exclude(community_id__in=approved_otherwise.values("community_id"))
        .order_by("id")
        .first()
    )
    meeting_2026 = expected_sql(2026, "c.province_id = %(p)s", {"p": "310000000000"})["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        assessment_revoke(assessment=target, user=province_user, reason="复查不合格")
    for code in UNITS:
        for y in closed:
            assert _closed(_stored(code, y)) == before[(code, y)], (code, y)
    for y in closed:
        assert _closed(NationalSnapshot.objects.get(year=y).figures) == nation_before[y], y
    after = _stored("310000000000", 2023)
    assert after["totals"]["revoked_since"] == since_before + 1
    assert next(e for e in after["approved_list"] if e["code"] == target.community_id)["revoked_since"]
    now = _stored("310000000000", 2026)["totals"]
    assert _counts(now) == expected_sql(2026, "c.province_id = %(p)s", {"p": "310000000000"})
    assert now["meeting"] == meeting_2026 - 1 and now["revoked"] >= 1
    for y in YEARS:
        assert _counts(_stored("310000000000", y)["totals"]) == expected_sql(
            y, "c.province_id = %(p)s", {"p": "310000000000"}
        ), y


def test_a_raw_insert_of_a_past_year_heals(world, caplog):
    """An approved 2023 assessment INSERTed by hand with its historical times (as a restore or a
    province loading its earlier years would): verify_figures names the unit-years that differ and
    fails; the healing task (beat) finds exactly them by their inputs, repairs and logs them;
    every stored figure then equals the direct count again and verify_figures passes."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from apps.assessments.models import Assessment
    from apps.communities.models import Community
    from apps.reports import tasks

    assert store.figures_heal() == []  # current: nothing to do
    community = (
        Community.objects.registered_in(2023)
        .filter(province_id="320000000000")
        .exclude(
            code__in=Assessment.objects.filter(Q(year=2023) | Q(approved_at__isnull=False)).values(
                "community_id"
            )
        )
        .order_by("code")
        .first()
    )
    template = Assessment.objects.filter(year=2023, province_id="320000000000").order_by("id").first()
    fields = [f for f in Assessment._meta.concrete_fields if f.column != "id"]
    historical = dt.datetime(2023, 6, 1, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    values = {
        "community_id": community.code,
        "province_id": community.province_id,
        "city_id": community.city_id,
        "county_id": community.county_id,
        "street_id": community.street_id,
        "year": 2023,
        "state": "approved",
        "review_level": "",
        "first_submitted_at": historical - dt.timedelta(days=20),
        "submitted_at": historical - dt.timedelta(days=20),
        "approved_at": historical,
        "revoked_at": None,
        "returned_at": None,
        "updated_at": historical,
        "created_at": historical - dt.timedelta(days=40),
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    select = ", ".join("%s" if f.attname in values else connection.ops.quote_name(f.column) for f in fields)
    params = [
        connection.ops.adapt_datetimefield_value(values[f.attname])
        if isinstance(values[f.attname], dt.datetime)
        else values[f.attname]
        for f in fields
        if f.attname in values
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO assessments_assessment ({columns}) SELECT {select} "  # noqa: S608
            "FROM assessments_assessment WHERE id = %s",
            [*params, template.pk],
        )
    wrong = expected_sql(2023, "c.province_id = %(p)s", {"p": "320000000000"})
    assert _stored("320000000000", 2023)["totals"]["approved"] == wrong["approved"] - 1
    with pytest.raises(CommandError) as failed:
        call_command("verify_figures", "--years", "2023-2026", stderr=io.StringIO())
    assert failed.value.returncode == 1
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_figures", "--years", "2023", stderr=err)
    assert "320000000000 2023 totals.approved: stored" in err.getvalue()
    with caplog.at_level("WARNING", logger="apps.reports.figures.store"):
        assert tasks.heal_figures() == 4  # Jiangsu 2023, and 2024-2026 (meeting is cumulative)
    assert "320000000000 of 2023" in caplog.text
    for year in YEARS:
        for code in UNITS:
            assert _counts(_stored(code, year)["totals"]) == expected_sql(
                year, "c.province_id = %(p)s", {"p": code}
            ), (code, year)
        nation, _as_of = live.national_figures_live(year=year)
        assert _counts(nation["totals"]) == expected_sql(year)
    out = io.StringIO()
    call_command("verify_figures", "--years", "2020-2026", stdout=out)
    assert "equals a recount" in out.getvalue()
    assert store.figures_heal() == []


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
            listed = drilldown.figure_communities(
                user=_ministry(), year=year, region=_region(code[:6].ljust(12, "0")), figure="registered"
            )
            assert listed.filter(code=code).exists() is expected, (code, year)
    # Xuhui's 70 communities: in 2024 without the one added in 2025; in 2025 without the merged one.
    assert expected_sql(2024, "c.county_id = %(r)s", {"r": xuhui})["registered"] == 69
    assert expected_sql(2025, "c.county_id = %(r)s", {"r": xuhui})["registered"] == 69
    assert expected_sql(2023, "c.county_id = %(r)s", {"r": xuhui})["registered"] == 69


def test_midnight_of_31_december_in_shanghai(world):
    """Approved at 23:59:59 on 31 December 2025 (Shanghai): approved in 2025 and meets the
    requirements in 2025; approved at 00:00:00 on 1 January 2026: neither in 2025, meets in 2026.
    Revoked at 23:59:59: revoked in 2025, no longer meets in 2025; revoked at midnight: still
    meets in 2025, revoked in 2026."""
    meeting = {
        year: set(
            drilldown.figure_communities(
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

    def listed(year, figure):
        return set(
            drilldown.figure_communities(
                user=_ministry(), year=year, region=_region("310101000000"), figure=figure
            ).values_list("code", flat=True)
        )

    # Approved in 2025 is as of the end of 2025: the approval at midnight belongs to 2026's flow
    # (it meets the requirements from 2026), the one a second before counts in 2025.
    assert world["approved_last_second_2025"] in listed(2025, "approved")
    assert world["approved_midnight_2026"] not in listed(2025, "approved")
    # A revocation at 23:59:59 on 31 December belongs to that year; at midnight to the next.
    assert world["revoked_last_second_2025"] in listed(2025, "revoked")
    assert world["revoked_midnight_2026"] not in listed(2025, "revoked")
    assert world["revoked_midnight_2026"] in listed(2026, "revoked")
    # Both were approved in 2024 (as of its end), and are shown as revoked since.
    assert {world["revoked_last_second_2025"], world["revoked_midnight_2026"]} <= listed(2024, "approved")
    assert {world["revoked_last_second_2025"], world["revoked_midnight_2026"]} <= listed(
        2024, "revoked_since"
    )
    stored = _stored("310000000000", 2025)
    revoked = {e["code"]: e for e in stored["revoked_list"]}
    assert revoked[world["revoked_last_second_2025"]]["revoked_on"] == "2025-12-31"
    assert revoked[world["revoked_last_second_2025"]]["approved_year"] == 2024
    assert world["revoked_midnight_2026"] not in revoked


def test_past_years_do_not_change_when_a_community_is_retired(
    world, province_user, django_capture_on_commit_callbacks
):
    from apps.communities.models import Community
    from apps.communities.services import community_retire

    before = {y: live.unit_figures_live(year=y, province_code="310000000000")["totals"] for y in YEARS}
    target = (
        Community.objects.filter(street_id="310104004000", retired_on__isnull=True).order_by("code").first()
    )
    with django_capture_on_commit_callbacks(execute=True):
        community_retire(
            user=province_user, community=target, kind="abolished", effective_on=dt.date(2026, 3, 1)
        )
    after = {y: live.unit_figures_live(year=y, province_code="310000000000")["totals"] for y in YEARS}
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
    assert f'data-testid="total-revoked-since">{sql["revoked_since"]}<' in html
    report = services.annual_report_render_pdf(report_id=report.pk)
    text = subprocess.run(
        ["pdftotext", "-layout", report.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    assert f"本年度审核通过（年底前未摘牌） {sql['approved']}" in flat
    assert f"其中年底后已摘牌（截至今日） {sql['revoked_since']}" in flat
    assert f"本年度摘牌（含往年审核通过） {sql['revoked']}" in flat
    assert f"城市社区总数（登记） {sql['registered']}" in flat
    assert sql["late"] > 0
    assert f'data-testid="total-late">{sql["late"]}<' in html
    assert f"逾期提交自评（10月31日后首次提交） {sql['late']}" in flat
    assert f"本年度逾期提交自评：{sql['late']} 个社区" in flat
    # The approved community first submitted at midnight after the deadline is marked in the list.
    assert re.search(r"第11社区居委会（310101002011，逾\s?期\s?提\s?交）", flat), flat
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
        computed = compute.units_figures_compute(year=year)
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
            # A revocation of an earlier year's approval is listed with that year, unmarked.
            same_year = [e for e in computed[code]["revoked_list"] if "approved_year" not in e]
            assert all(not e.get("late") for e in computed[code]["revoked_list"] if "approved_year" in e)
            for entry in computed[code]["approved_list"] + same_year:
                assert entry.get("late", False) is decided[entry["code"]], entry
        nation, _as_of = live.national_figures_live(year=year)
        assert nation["totals"]["late"] == sum(direct.values())
        assert year not in (2024, 2025) or nation["totals"]["late"] > 0
        assert {u["code"]: u["late"] for u in nation["units"] if u["code"] in UNITS} == direct
    # Approved in December 2024, revoked in March 2025: approved in 2024 (late, revoked since), and
    # in 2025's revocations with the year of its approval.
    lists = compute.unit_figures_compute(year=2024, province_code="110000000000")["approved_list"]
    entry = next(e for e in lists if e["code"] == world["revoked_late"])
    assert (entry["late"], entry["revoked_since"]) == (True, "2025-03-01")
    lists = compute.unit_figures_compute(year=2025, province_code="110000000000")["revoked_list"]
    entry = next(e for e in lists if e["code"] == world["revoked_late"])
    assert (entry["approved_year"], entry["revoked_on"]) == (2024, "2025-03-01")


def test_figures_stored_before_a_new_figure_existed_heal(world, monkeypatch):
    """Stored rows carry the shape of the figures they were computed with: after a release that adds
    a figure (FIGURES_SHAPE bumped), every stored unit-year differs and the next healing run
    recomputes them all, so nobody reads 0 for the new figure from an old row."""
    from apps.reports.figures import fingerprint
    from apps.reports.models import UnitFigures

    assert store.figures_heal() == []
    stored = set(UnitFigures.objects.values_list("province_id", "year"))
    assert {(code, year) for code in UNITS for year in YEARS} <= stored
    monkeypatch.setattr(fingerprint, "FIGURES_SHAPE", fingerprint.FIGURES_SHAPE + 1)
    assert set(store.figures_heal()) == stored
    assert store.figures_heal() == []
