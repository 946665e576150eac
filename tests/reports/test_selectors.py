"""Compiled figures against hand-computed expectations (see small_world in conftest.py)."""

import pytest

from apps.reports.selectors import region_figures

pytestmark = pytest.mark.django_db


def test_shanghai_2025_totals(small_world):
    t = region_figures(year=2025, province_code="310000000000")["totals"]
    assert t["registered"] == 6
    assert t["participating"] == 5  # X1, X2, X3 (returned), X4, H1; H2 is a draft
    assert t["submitted"] == 4  # the returned one is back with the community
    assert t["approved"] == 2  # X2 and H1 (revoked only in 2026)
    assert t["meeting"] == 3  # X1 (2024), X2, H1; X3 revoked in 2025
    assert t["share"] == 0.5
    assert t["demonstrations"] == 1
    assert t["median_days"] == 19.5  # 9 and 30 days
    assert t["decided"] == 2
    # The default chain: the submitted one waits at the county/city level, the recommended one at
    # the province; nothing waits at the street or prefecture-level city.
    assert (t["waiting_county"], t["waiting_province"], t["returned"]) == (1, 1, 1)
    assert (t["waiting_street"], t["waiting_city"]) == (0, 0)


def test_cumulative_2024_counts_the_later_revoked(small_world):
    t = region_figures(year=2024, province_code="310000000000")["totals"]
    assert t["meeting"] == 2  # X1 and X3: X3's revocation in 2025 does not reach back
    assert t["approved"] == 2
    assert t["participating"] == 2
    assert t["share"] == round(2 / 6, 4)


def test_per_city_and_county(small_world):
    f = region_figures(year=2025, province_code="310000000000")
    by_name = {c["name"]: c for c in f["cities"]}  # Shanghai's districts (no city level)
    assert by_name["徐汇区"]["registered"] == 4
    assert by_name["徐汇区"]["participating"] == 4
    assert by_name["徐汇区"]["meeting"] == 2
    assert by_name["徐汇区"]["share"] == 0.5
    assert by_name["黄浦区"]["registered"] == 2
    assert by_name["黄浦区"]["meeting"] == 1
    assert by_name["黄浦区"]["approved"] == 1
    assert [c["name"] for c in f["counties"]] == ["黄浦区", "徐汇区"]


def test_per_criterion_rates(small_world):
    """Shares of the APPROVED assessments of the year (docs/figures.md): only X2 is approved in
    2025 in Shanghai (H1 was revoked); X4's and H2's answers are not in the base."""
    criteria = {c["number"]: c for c in region_figures(year=2025, province_code="310000000000")["criteria"]}
    assert len(criteria) == 16
    assert (criteria[1]["approved"], criteria[1]["met"], criteria[1]["met_share"]) == (1, 1, 1.0)
    assert (criteria[1]["confirmed"], criteria[1]["confirmed_share"]) == (1, 1.0)
    assert (criteria[2]["met_share"], criteria[2]["confirmed_share"]) == (0.0, 0.0)
    assert criteria[3]["met"] == 0


def test_lists(small_world):
    f = region_figures(year=2025, province_code="310000000000")
    assert {c["code"] for c in f["approved_list"]} == {"310104003002", "310101002001"}
    assert [c["code"] for c in f["demonstration_list"]] == ["310104003002"]


def test_national_ranked(small_world):
    f = region_figures(year=2025)
    t = f["totals"]
    assert (t["registered"], t["meeting"], t["approved"]) == (7, 4, 3)
    assert len(f["units"]) == 32
    assert f["units"][0]["name"] == "北京市" and f["units"][0]["share"] == 1.0
    assert f["units"][1]["name"] == "上海市" and f["units"][1]["rank"] == 2
    assert f["weakest_criteria"][0]["number"] == 2


def test_compile_queries_do_not_grow(small_world, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        region_figures(year=2025, province_code="310000000000")
