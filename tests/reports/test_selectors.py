"""Compiled figures against hand-computed expectations (see small_world in conftest.py)."""

import pytest

from apps.reports.figures.compose import region_figures

pytestmark = pytest.mark.django_db


def test_shanghai_2025_totals(small_world):
    t = region_figures(year=2025, province_code="310000000000")["totals"]
    assert t["registered"] == 6
    assert t["participating"] == 5  # X1, X2, X3 (returned), X4, H1; H2 is a draft
    assert t["submitted"] == 4  # the returned one is back with the community
    # As of the end of 2025 (docs/figures.md): X2 and H1 (its revocation in 2026 does not reach back).
    assert t["approved"] == 2
    assert t["revoked"] == 1  # X3: its 2024 approval revoked in March 2025, counted in 2025
    assert t["revoked_since"] == 1  # H1, today's state, shown apart
    assert (
        t["meeting"] == 3
    )  # X1 (2024), X2, H1 (its revocation in 2026 does not reach back); X3 revoked in 2025
    assert t["share"] == 0.5
    assert t["demonstrations"] == 1
    assert t["median_days"] == 19.5  # 9 and 30 days
    assert t["decided"] == 2
    assert t["waiting"] == {"street": 0, "county": 1, "city": 0, "province": 1}
    assert t["returned"] == 1


def test_cumulative_2024_counts_the_later_revoked(small_world):
    t = region_figures(year=2024, province_code="310000000000")["totals"]
    assert t["meeting"] == 2  # X1 and X3: X3's revocation in 2025 does not reach back
    # X1 and X3 (revoked in 2025, after the year): approved in 2024, revoked since; nothing revoked in 2024.
    assert (t["approved"], t["revoked"], t["revoked_since"]) == (2, 0, 1)
    assert t["participating"] == 2
    assert t["share"] == round(2 / 6, 4)


def test_per_city_and_county(small_world):
    f = region_figures(year=2025, province_code="310000000000")
    by_name = {c["name"]: c for c in f["counties"]}  # Shanghai's districts (no city level)
    assert by_name["徐汇区"]["registered"] == 4
    assert by_name["徐汇区"]["participating"] == 4
    assert by_name["徐汇区"]["meeting"] == 2
    assert by_name["徐汇区"]["share"] == 0.5
    assert by_name["黄浦区"]["registered"] == 2
    assert by_name["黄浦区"]["meeting"] == 1
    assert (by_name["黄浦区"]["approved"], by_name["黄浦区"]["revoked"]) == (1, 0)  # H1, revoked in 2026
    assert (by_name["徐汇区"]["approved"], by_name["徐汇区"]["revoked"]) == (1, 1)  # X2; X3 revoked in 2025
    # A municipality has districts, not cities: one list of districts, not the same one twice.
    assert f["has_cities"] is False and f["cities"] == []
    assert [c["name"] for c in f["counties"]] == ["黄浦区", "徐汇区"]


def test_per_criterion_rates(small_world):
    """Shares of the assessments APPROVED in the year (docs/figures.md, as of its end): X2 and H1
    (revoked in 2026, after the year) in 2025 in Shanghai; H1 answered nothing, X4's and H2's
    answers are not in the base."""
    criteria = {c["number"]: c for c in region_figures(year=2025, province_code="310000000000")["criteria"]}
    assert len(criteria) == 16
    assert (criteria[1]["approved"], criteria[1]["met"], criteria[1]["met_share"]) == (2, 1, 0.5)
    assert (criteria[1]["confirmed"], criteria[1]["confirmed_share"]) == (1, 0.5)
    assert (criteria[2]["met_share"], criteria[2]["confirmed_share"]) == (0.0, 0.0)
    assert criteria[3]["met"] == 0


def test_lists(small_world):
    f = region_figures(year=2025, province_code="310000000000")
    # Approved in 2025 as of its end; H1's revocation in 2026 is marked (today's state).
    assert {c["code"]: c.get("revoked_since") for c in f["approved_list"]} == {
        "310104003002": None,
        "310101002001": "2026-02-01",
    }
    # Revoked during 2025: X3's approval of 2024.
    assert [(c["code"], c["revoked_on"], c["approved_year"]) for c in f["revoked_list"]] == [
        ("310104003003", "2025-03-01", 2024)
    ]
    assert [c["code"] for c in f["demonstration_list"]] == ["310104003002"]


def test_national_ranked(small_world):
    f = region_figures(year=2025)
    t = f["totals"]
    assert (t["registered"], t["meeting"], t["approved"], t["revoked"]) == (7, 4, 3, 1)
    assert len(f["units"]) == 32
    assert f["units"][0]["name"] == "北京市" and f["units"][0]["share"] == 1.0
    assert f["units"][1]["name"] == "上海市" and f["units"][1]["rank"] == 2
    # The 30 units without a registry are marked and not ranked (not "ranks 3 to 32").
    assert [u["rank"] for u in f["units"][2:]] == [None] * 30
    assert not any(u["registry_imported"] for u in f["units"][2:])
    assert f["weakest_criteria"][0]["number"] == 2


def test_compile_queries_do_not_grow(small_world, django_assert_max_num_queries):
    with django_assert_max_num_queries(19):
        region_figures(year=2025, province_code="310000000000")
