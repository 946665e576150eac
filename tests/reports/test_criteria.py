"""Per-criterion figures through the mapping (apps.reports.figures.criteria), under the variant of 18
criteria (tests/standards/builders.py: local 16 counts under national 2, local 17 splits national 5,
local 18 is national 16 renumbered). Report, snapshot, export and API are each compared with a
count written here, directly over the responses and their criteria's mapping."""

import csv
import datetime as dt
import io
import itertools
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Avg
from django.urls import reverse
from rest_framework.test import APIClient

from apps.assessments.models import Assessment, Response, State
from apps.reports import services as report_services
from apps.reports.figures import store
from apps.reports.figures.compose import region_figures
from apps.standards.selectors import national_standard
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory, region
from tests.standards.builders import variant_published

pytestmark = pytest.mark.django_db
YEAR = 2026
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
RATINGS = ["met", "met", "largely_met", "not_met"]
VERDICTS = ["confirmed", "confirmed", "not_confirmed", ""]


@pytest.fixture
def campaign(province_user):
    """Shanghai: 9 assessments of the variant (6 approved, 2 waiting, 1 revoked); Beijing: 3 of the
    national standard (2 approved). Ratings, verdicts and scores vary by a fixed pattern, so that
    split and renumbered criteria disagree with the national criterion of their own number."""
    variant = variant_published(province_user, year=YEAR)
    states = [State.APPROVED] * 6 + [State.SUBMITTED, State.RECOMMENDED, State.REVOKED]
    shanghai = _open(region("310104003"), states)
    beijing = _open(region("110101001"), [State.APPROVED, State.APPROVED, State.SUBMITTED])
    cycle = itertools.count()
    for assessment in [*shanghai, *beijing]:
        for response in Response.objects.filter(assessment=assessment).select_related("criterion"):
            i = next(cycle)
            response.rating = RATINGS[(i * 7) % 4]
            response.verdict = VERDICTS[(i * 5) % 4]
            if assessment.standard_id == variant.pk:
                response.confirmed_score = (response.criterion.points * Decimal((i * 3) % 5) / 4).quantize(
                    Decimal("0.01")
                )
            response.save(update_fields=["rating", "verdict", "confirmed_score"])
        total = Response.objects.filter(assessment=assessment, confirmed_score__isnull=False).values_list(
            "confirmed_score", flat=True
        )
        Assessment.objects.filter(pk=assessment.pk).update(
            confirmed_total=sum(total, Decimal(0)) if assessment.standard_id == variant.pk else None
        )
    return {"variant": variant, "shanghai": shanghai, "beijing": beijing}


def _open(street, states):
    assessments = []
    for state in states:
        community = CommunityFactory(street=street)
        user = UserFactory(role="community", community=community)
        a = AssessmentFactory(community=community, year=YEAR, user=user, answered=False)
        # Decided during the year (the figures count approvals as of its end): approved in June,
        # the revoked one revoked in September.
        stamps = {}
        if state in (State.APPROVED, State.REVOKED):
            stamps["approved_at"] = dt.datetime(YEAR, 6, 1, 10, tzinfo=SH)
        if state == State.REVOKED:
            stamps["revoked_at"] = dt.datetime(YEAR, 9, 1, 10, tzinfo=SH)
        Assessment.objects.filter(pk=a.pk).update(state=state, **stamps)
        assessments.append(a)
    return assessments


def expected(assessments) -> dict[int, dict]:
    """Written out here: per national criterion, over the approved assessments, those whose every
    response counted under it (criterion.national_criterion) is rated met / confirmed."""
    approved = [a for a in assessments if Assessment.objects.get(pk=a.pk).state == State.APPROVED]
    result = {}
    for n in range(1, 17):
        met = confirmed = 0
        for a in approved:
            under = Response.objects.filter(assessment=a, criterion__national_criterion__number=n)
            ratings = list(under.values_list("rating", flat=True))
            verdicts = list(under.values_list("verdict", flat=True))
            assert ratings, f"assessment {a.pk} has nothing under national criterion {n}"
            met += all(r == "met" for r in ratings)
            confirmed += all(v == "confirmed" for v in verdicts)
        result[n] = {"approved": len(approved), "met": met, "confirmed": confirmed}
    return result


def _pick(rows):
    return {
        r["number"]: {"approved": r["approved"], "met": r["met"], "confirmed": r["confirmed"]} for r in rows
    }


def test_the_variant_responses_map_onto_the_16_national_criteria(campaign):
    a = campaign["shanghai"][0]
    assert Response.objects.filter(assessment=a).count() == 18
    national = set(
        Response.objects.filter(assessment=a).values_list("criterion__national_criterion__number", flat=True)
    )
    assert national == set(range(1, 17))


def test_provincial_report_counts_through_the_mapping(campaign):
    figures = region_figures(year=YEAR, province_code="310000000000")
    assert _pick(figures["criteria"]) == expected(campaign["shanghai"])
    assert [r["number"] for r in figures["criteria"]] == list(range(1, 17))
    two = next(r for r in figures["criteria"] if r["number"] == 2)
    assert two["met_share"] == round(two["met"] / 6, 4)
    assert figures["standard"]["code"] == campaign["variant"].code and figures["standard"]["local"]


def test_an_approved_assessment_without_responses_counts_in_the_base_only(campaign):
    """Its approval counts in every criterion's base; it meets and is confirmed in none (the
    grouped join of the approved assessments with their responses gives it one empty row)."""
    empty = _open(region("310104003"), [State.APPROVED])[0]
    Response.objects.filter(assessment=empty).delete()
    rows = _pick(region_figures(year=YEAR, province_code="310000000000")["criteria"])
    for n, row in expected(campaign["shanghai"]).items():
        assert rows[n] == {**row, "approved": row["approved"] + 1}, n


def test_the_old_rule_by_own_number_would_differ(campaign):
    """Guard against regression to grouping by the local criterion's own number: for national 2
    and 16 the two rules give different counts on this data."""
    shanghai = [a for a in campaign["shanghai"] if Assessment.objects.get(pk=a.pk).state == State.APPROVED]
    by_own_number = {
        n: sum(
            all(
                r == "met"
                for r in Response.objects.filter(assessment=a, criterion__number=n).values_list(
                    "rating", flat=True
                )
            )
            for a in shanghai
        )
        for n in (2, 5, 16)
    }
    figures = {
        r["number"]: r["met"] for r in region_figures(year=YEAR, province_code="310000000000")["criteria"]
    }
    assert any(figures[n] != by_own_number[n] for n in (2, 5, 16)), (figures, by_own_number)


def test_national_snapshot_counts_every_province_through_the_mapping(campaign):
    figures = region_figures(year=YEAR)
    assert _pick(figures["criteria"]) == expected(campaign["shanghai"] + campaign["beijing"])
    assert figures["local_standards"] == [
        {
            "province": "310000000000",
            "province_name": "上海市",
            "code": campaign["variant"].code,
            "title": campaign["variant"].title_zh,
            "version": 1,
            "criteria": 18,
            "total_points": 100.0,
            "pass_mark": 70.0,
            "published_at": figures["local_standards"][0]["published_at"],
        }
    ]


def test_export_cells_follow_the_same_rule(client_for, province_user, campaign):
    r = client_for(province_user).get(reverse("communities:export-assessments", args=["csv"]), {"year": YEAR})
    body = b"".join(r.streaming_content).decode("utf-8").lstrip("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert len(header) == 12 + 2 * 16
    by_code = {row[0]: row for row in rows}
    for a in campaign["shanghai"]:
        row = by_code[a.community_id]
        for n in range(1, 17):
            under = Response.objects.filter(assessment=a, criterion__national_criterion__number=n)
            ratings = set(under.values_list("rating", flat=True))
            verdicts = set(under.values_list("verdict", flat=True))
            weakest = next(r for r in ("not_met", "", "largely_met", "met") if r in ratings)
            verdict = next(v for v in ("not_confirmed", "", "confirmed") if v in verdicts)
            assert row[12 + 2 * (n - 1)] == weakest, (a.pk, n)
            assert row[13 + 2 * (n - 1)] == verdict, (a.pk, n)


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_reports_api_serves_the_same_figures(province_user, ministry_user, campaign):
    report = report_services.annual_report_compile(province_code="310000000000", year=YEAR)
    body = _api(province_user).get(f"/api/v1/reports/annual/{report.pk}/").json()
    assert _pick(body["figures"]["criteria"]) == expected(campaign["shanghai"])
    store.national_snapshot_compile(year=YEAR)
    body = _api(ministry_user).get(f"/api/v1/reports/national/{YEAR}/").json()
    assert _pick(body["figures"]["criteria"]) == expected(campaign["shanghai"] + campaign["beijing"])


def test_scores_of_a_scored_province(campaign):
    scores = region_figures(year=YEAR, province_code="310000000000")["scores"]
    approved = Assessment.objects.filter(province_id="310000000000", year=YEAR, state=State.APPROVED)
    totals = list(approved.values_list("confirmed_total", flat=True))
    assert scores["assessed"] == len(totals) == 6
    assert scores["below_pass"] == sum(1 for t in totals if t < 70)
    assert (scores["total_points"], scores["pass_mark"]) == (100.0, 70.0)
    for b in scores["distribution"]:
        last = b["to"] == 100.0
        assert b["count"] == sum(
            1 for t in totals if b["from"] <= t and (t < b["to"] or (last and t <= b["to"]))
        ), b
    assert sum(b["count"] for b in scores["distribution"]) == 6
    means = {
        row["criterion__number"]: row["m"]
        for row in Response.objects.filter(assessment__in=approved)
        .values("criterion__number")
        .annotate(m=Avg("confirmed_score"))
    }
    assert len(scores["criteria"]) == 18
    for c in scores["criteria"]:
        assert c["mean"] == float(round(means[c["number"]], 2)), c
    assert {c["number"]: c["national"] for c in scores["criteria"]}[16] == 2


def test_a_province_on_the_national_standard_has_no_scores(campaign):
    figures = region_figures(year=YEAR, province_code="110000000000")
    assert figures["scores"] is None and not figures["standard"]["local"]
    assert figures["standard"]["code"] == national_standard().code
    assert _pick(figures["criteria"]) == expected(campaign["beijing"])


def test_figures_queries_do_not_grow_with_rows(campaign, django_assert_max_num_queries):
    with django_assert_max_num_queries(22):
        region_figures(year=YEAR, province_code="310000000000")
    _open(region("310104003"), [State.APPROVED] * 5)
    with django_assert_max_num_queries(22):
        region_figures(year=YEAR, province_code="310000000000")


def _pdf_text(path) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "pdf"


def _keep(path, name: str) -> None:
    """A copy under artifacts/pdf/ (ignored by git) to be looked at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_bytes(Path(path).read_bytes())


def test_report_page_and_pdf_show_the_scores(client_for, province_user, campaign):
    report = report_services.annual_report_compile(province_code="310000000000", year=YEAR)
    page = client_for(province_user).get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "按国家标准条目" in page and "占审核通过自评的比例" in page
    assert 'data-testid="scores"' in page and "平均确认得分" in page
    assert "<svg" in page.split('data-testid="scores"')[1]
    report = report_services.annual_report_render_pdf(report_id=report.pk)
    text = _pdf_text(report.pdf.path)
    for expected in ("按国家标准条目", "得分", "达标分数线", campaign["variant"].title_zh):
        assert expected in text, expected
    _keep(report.pdf.path, "annual-scored-province.pdf")


def test_national_pdf_lists_the_local_standards(campaign):
    store.national_snapshot_compile(year=YEAR)
    snapshot = report_services.national_render_pdf(year=YEAR)
    text = _pdf_text(snapshot.pdf.path)
    _keep(snapshot.pdf.path, "national-local-standards.pdf")
    assert "本地标准" in text
    line = next(line for line in text.splitlines() if campaign["variant"].title_zh in line)
    assert "上海市" in line and "18" in line and "100" in line and "70" in line, line
