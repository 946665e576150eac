"""What-if of a draft local standard (issue 24, item 6): last year's confirmed scores mapped through
the draft, counted per district against a direct count in the test; shown on the draft's page;
kept with the version on publishing and shown on the published version's page."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import Assessment, Response
from apps.standards import editing, services
from apps.standards.models import Criterion
from apps.targets.models import Target
from apps.targets.whatif import standard_whatif
from tests.factories import AssessmentRowFactory, CommunityFactory, region
from tests.standards.builders import criterion, row, variant_draft, variant_published

pytestmark = pytest.mark.django_db

XUHUI, HUANGPU = "310104000000", "310101000000"


def _province(user):
    """Last year (2025): the 18-criterion scored variant published; 24 communities of 徐汇 and 黄浦
    with random confirmed scores (seeded), a few unscored or still in draft. This year (2026): a
    draft with other points and a pass mark of 65."""
    last = variant_published(user, year=2025)
    draft = variant_draft(user, year=2026)
    # Move points around in the draft: national 2 (local 2 and 16) weighs 15, national 16 (18) 5.
    updates = {
        criterion(draft, 16).pk: row(criterion(draft, 16), points=Decimal(10)),
        criterion(draft, 18).pk: row(criterion(draft, 18), points=Decimal(5)),
    }
    editing.standard_update(standard=draft, user=user, data={"pass_mark": Decimal(65)}, criteria=updates)
    draft.refresh_from_db()
    rng = random.Random(24)
    streets = [region("310104003"), region("310101002")]
    criteria = list(Criterion.objects.filter(standard=last))
    for i in range(24):
        community = CommunityFactory(street=streets[i % 2], code=f"{streets[i % 2].code[:9]}{i + 1:03d}")
        state = "draft" if i % 11 == 5 else "approved"
        a = AssessmentRowFactory(community=community, year=2025, standard=last, state=state)
        scored = i % 7 != 3  # some assessments were never reviewed: no confirmed score
        Response.objects.bulk_create(
            Response(
                assessment=a,
                criterion=c,
                confirmed_score=Decimal(rng.randint(int(c.points) // 2, int(c.points))) if scored else None,
            )
            for c in criteria
        )
    return last, draft


def _direct(draft) -> dict[str, list[int]]:
    """{district: [assessed, passing]} counted here, one assessment at a time."""
    draft_criteria = list(Criterion.objects.filter(standard=draft))
    out: dict[str, list[int]] = {}
    for a in Assessment.objects.filter(year=2025, province_id="310000000000").exclude(state="draft"):
        earned: dict[int, Fraction] = {}
        points: dict[int, Fraction] = {}
        for r in Response.objects.filter(assessment=a).select_related("criterion"):
            if r.confirmed_score is None or not r.criterion.points:
                continue
            n = r.criterion.national_criterion_id
            earned[n] = earned.get(n, 0) + Fraction(r.confirmed_score)
            points[n] = points.get(n, 0) + Fraction(r.criterion.points)
        if not points:
            continue
        score = sum(
            Fraction(c.points) * (earned[c.national_criterion_id] / points[c.national_criterion_id])
            for c in draft_criteria
            if c.national_criterion_id in points
        )
        area = a.city_id or a.county_id
        counts = out.setdefault(area, [0, 0])
        counts[0] += 1
        counts[1] += int(round(score, 2) >= 65)
    return out


def test_forecast_equals_a_direct_count_per_district(province_user):
    _last, draft = _province(province_user)
    Target.objects.create(area=region("310104"), year=2026, meeting=Decimal(20))
    expected = _direct(draft)
    assert set(expected) == {XUHUI, HUANGPU}
    assert (
        0 < sum(p for _n, p in expected.values()) < sum(n for n, _p in expected.values())
    )  # not all, not none

    forecast = standard_whatif(standard=draft)

    got = {r["code"]: [r["assessed"], r["passing"]] for r in forecast["cities"]}
    assert got == expected
    assert forecast["province"]["passing"] == sum(p for _n, p in expected.values())
    xuhui = next(r for r in forecast["cities"] if r["code"] == XUHUI)
    assert xuhui["registered"] == 12
    assert Decimal(xuhui["forecast_pct"]) == (Decimal(expected[XUHUI][1] * 100) / 12).quantize(
        Decimal("0.01")
    )
    assert xuhui["target_pct"] == "20.00"


def test_a_lower_pass_mark_lets_more_pass(province_user):
    _last, draft = _province(province_user)
    before = standard_whatif(standard=draft)["province"]["passing"]
    editing.standard_update(standard=draft, user=province_user, data={"pass_mark": Decimal(1)}, criteria={})
    draft.refresh_from_db()
    after = standard_whatif(standard=draft)["province"]
    assert after["passing"] == after["assessed"] > before


def test_the_draft_page_shows_it_and_publishing_keeps_it(client_for, province_user):
    _last, draft = _province(province_user)
    expected = _direct(draft)
    page = client_for(province_user).get(reverse("standards:detail", args=[draft.pk]))
    html = page.content.decode()
    assert 'data-testid="whatif"' in html
    assert f'<tr data-area="{XUHUI}">' in html
    assert f'data-testid="passing">{expected[XUHUI][1]}<' in html.split(f'data-area="{XUHUI}"')[1]

    published = services.standard_publish(standard=draft, user=province_user)
    published.refresh_from_db()
    kept = {r["code"]: [r["assessed"], r["passing"]] for r in published.forecast["cities"]}
    assert kept == expected
    # The published page shows the forecast as kept, even once last year's scores change.
    Response.objects.filter(assessment__year=2025).update(confirmed_score=Decimal(0))
    html = client_for(province_user).get(reverse("standards:detail", args=[published.pk])).content.decode()
    assert "Forecast kept at publishing" in html or "发布时保存的预测" in html
    assert f'data-testid="passing">{expected[HUANGPU][1]}<' in html.split(f'data-area="{HUANGPU}"')[1]


def test_the_published_page_puts_the_result_of_its_year_beside_the_forecast(client_for, province_user):
    from apps.reports.figures import store

    _last, draft = _province(province_user)
    published = services.standard_publish(standard=draft, user=province_user)
    client = client_for(province_user)
    url = reverse("standards:detail", args=[published.pk])
    assert 'data-testid="result"' not in client.get(url).content.decode()  # 2026 not stored yet

    # 2026: 3 of 徐汇's 12 communities approved.
    for code in ("310104003001", "310104003003", "310104003005"):
        community = Assessment.objects.get(community_id=code, year=2025).community
        AssessmentRowFactory(
            community=community, year=2026, standard=published, state="approved", approved_at=timezone.now()
        )
    Assessment.objects.filter(year=2025).update(state="submitted")  # only 2026 approvals meet
    store.unit_figures_refresh(province_id="310000000000", years=[2026], compose_national=False)
    html = client.get(url).content.decode()
    xuhui = html.split(f'data-area="{XUHUI}"')[1].split("</tr>")[0]
    assert 'data-testid="result">25.00 %<' in xuhui
