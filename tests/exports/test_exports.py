"""CSV and XLSX exports: row count, columns, scope, and a fixed number of queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.review import verdict_services
from tests.factories import AssessmentFactory, AssessmentRowFactory, CommunityFactory, UserFactory, region


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def _xlsx_rows(response):
    data = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


def _rows(response, fmt):
    assert response.status_code == 200
    return _csv_rows(response) if fmt == "csv" else _xlsx_rows(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_community_export(client_for, province_user, submitted, other_community, fmt):
    CommunityFactory.create_batch(3, street=region("310104004"))
    r = client_for(province_user).get(reverse("communities:export", args=[fmt]), {"year": 2026})
    assert "attachment" in r["Content-Disposition"] and f"communities-2026.{fmt}" in r["Content-Disposition"]
    rows = _rows(r, fmt)
    assert rows[0] == [
        "统计代码", "名称", "省级单位", "地市", "县区", "街道代码", "街道", "年度", "状态代码", "状态", "提交时间", "通过时间",
    ]  # fmt: skip
    body = rows[1:]
    assert len(body) == 4  # Shanghai's four, not Beijing's
    by_code = {row[0]: row for row in body}
    assert other_community.code not in by_code
    assert by_code[submitted.community_id][8] == "submitted"
    assert sum(1 for row in body if row[8] == "") == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_assessment_export_pivots_16_criteria(client_for, city_user, submitted, fmt):
    verdict_services.response_review(
        response=submitted.responses.get(criterion__number=3),
        user=city_user,
        verdict="not_confirmed",
        comment="缺照片",
    )
    r = client_for(city_user).get(reverse("communities:export-assessments", args=[fmt]), {"year": 2026})
    rows = _rows(r, fmt)
    header, body = rows[0], rows[1:]
    assert len(header) == 12 + 32
    assert header[12:14] == ["第1条 自评", "第1条 审核意见"]
    assert len(body) == 1
    row = body[0]
    assert row[0] == submitted.community_id
    assert row[12::2] == ["met"] * 16
    verdicts = row[13::2]
    assert verdicts[2] == "not_confirmed" and verdicts.count("") == 15


def test_assessment_export_gives_each_row_its_own_criteria(client_for, province_user, submitted):
    """The criterion cells come from a second query read beside the rows (issue 29): each row keeps
    its own, an unanswered assessment and one without any response have blank cells."""
    unanswered, bare = CommunityFactory.create_batch(2, street=region("310104004"))
    AssessmentFactory(community=unanswered, year=2026, answered=False)
    AssessmentRowFactory(community=bare, year=2026)
    rows = _csv_rows(
        client_for(province_user).get(reverse("communities:export-assessments", args=["csv"]), {"year": 2026})
    )
    by_code = {row[0]: row for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == sorted(by_code) and len(by_code) == 3
    assert by_code[submitted.community_id][12::2] == ["met"] * 16
    assert by_code[unanswered.code][12:] == [""] * 32
    assert by_code[bare.code][12:] == [""] * 32


def test_export_in_english(client_for, province_user):
    client = client_for(province_user)
    client.post(reverse("set_language"), {"language": "en"})  # pages follow the user's choice
    r = client.get(reverse("communities:export", args=["csv"]))
    assert _csv_rows(r)[0][:2] == ["Statistical code", "Name"]


def test_community_user_exports_only_itself(client_for, community_user, xuhui_community, other_community):
    CommunityFactory.create_batch(2, street=region("310104003"))
    rows = _csv_rows(client_for(community_user).get(reverse("communities:export", args=["csv"])))
    assert [r[0] for r in rows[1:]] == [xuhui_community.code]


@pytest.mark.parametrize("name", ["communities:export", "communities:export-assessments"])
def test_exports_run_a_fixed_number_of_queries(client_for, province_user, name):
    client = client_for(province_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(reverse(name, args=["csv"]), {"year": 2026})
            rows = _csv_rows(r)
        return len(ctx), len(rows)

    def add(n):
        for c in CommunityFactory.create_batch(n, street=region("310104004")):
            AssessmentFactory(
                community=c, year=2026, user=UserFactory(role="community", community=c), answered=False
            )

    add(2)
    few, n_few = count()
    add(20)
    many, n_many = count()
    assert n_many == n_few + 20
    # session, user, session save, the export query; on PostgreSQL the assessments export also turns
    # JIT off and back on around its query (SET jit / RESET jit, apps.assessments.exports).
    jit = 2 if connection.vendor == "postgresql" and name == "communities:export-assessments" else 0
    # The assessments export reads its criterion cells in a second constant query beside its rows
    # (the pivot grouped by assessment alone, apps.assessments.exports, issue 29): one more, never per row.
    pivot = 1 if name == "communities:export-assessments" else 0
    assert few == many <= 8 + jit + pivot


def test_export_needs_login(client):
    r = client.get(reverse("communities:export", args=["csv"]))
    assert r.status_code == 302
