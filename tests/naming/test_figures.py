"""Meeting the requirements counts named communities (as of the naming), never proposed or in-公示
ones; the figures equal a direct count."""

import datetime as dt

import pytest
from django.db import connection

from apps.naming import selectors, services
from apps.reports import selectors as report_selectors

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def named_count_sql(year: int) -> int:
    """Communities of Shanghai named by a batch (or approved, without a procedure) by the end of
    `year` and not revoked: straight SQL over the tables."""
    end = report_selectors.year_start(year + 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT a.community_id) FROM assessments_assessment a "
            "WHERE a.province_id = %s AND a.state IN ('approved', 'revoked') AND a.approved_at < %s "
            "AND (a.revoked_at IS NULL OR a.revoked_at >= %s)",
            [SHANGHAI, end, end],
        )
        return cursor.fetchone()[0]


def test_in_notice_communities_do_not_meet_the_requirements_named_ones_do(
    published, proposed_many, province_user, today
):
    services.objection_submit(
        batch=published, assessment_id=proposed_many[0].pk, text="异议", name="张三", phone="13812345678"
    )
    before = report_selectors.unit_figures_compute(year=2026, province_code=SHANGHAI)["totals"]
    assert before["meeting"] == 0 and before["approved"] == 0 and before["submitted"] == 5
    counts = selectors.naming_counts(year=2026, province_id=SHANGHAI)
    assert counts == {"proposed": 5, "in_notice": 4, "held": 1, "named": 0}

    today.set(published.notice_end + dt.timedelta(days=1))
    services.batch_name(
        user=province_user, batch=published, document_number="沪建〔2026〕1号", document_date=today.value
    )
    after = report_selectors.unit_figures_compute(year=2026, province_code=SHANGHAI)["totals"]
    assert after["meeting"] == named_count_sql(2026) == 4
    assert after["approved"] == 4
    assert selectors.naming_counts(year=2026, province_id=SHANGHAI) == {
        "proposed": 1,
        "in_notice": 0,
        "held": 0,
        "named": 4,
    }
    nation, _as_of = report_selectors.national_figures_live(year=2026)
    assert nation["totals"]["meeting"] == named_count_sql(2026)


def test_dashboards_show_the_stages_beside_meeting_the_requirements(
    client_for, ministry_user, published, settings
):
    settings.CAMPAIGN_YEAR = 2026
    html = client_for(ministry_user).get("/reports/national/2026/").content.decode()
    assert 'data-testid="naming-stages"' in html and 'data-stage="in_notice">5<' in html
