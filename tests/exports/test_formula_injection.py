"""Formula injection: a community named like a spreadsheet formula, added through the API and through
the import page, is stored as typed and reaches every export as inert text (CSV and XLSX), while
numbers stay numbers."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from apps.communities.models import Community
from apps.core.exports import neutralise
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory, region

EVIL = '=HYPERLINK("http://evil.example","点我")'
ALSO_EVIL = ["+SUM(1,2)", "-2+3", "@SUM(A1)", "|calc"]


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def _xlsx(response):
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    # Not data_only: a formula cell would be read back as a formula (data_type "f").
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return ws, sheets


def _quoted(text):
    return '"' + text.replace('"', '""') + '"'


def _import_page(client, text):
    upload = SimpleUploadedFile(
        "registry.csv", ("统计代码,名称,街道代码\n" + text).encode("utf-8"), content_type="text/csv"
    )
    r = client.post(reverse("communities:import"), {"file": upload})
    assert r.status_code == 302
    r = client.post(r["Location"], {"action": "apply"})
    assert r.status_code == 302, r.content.decode()[:400]


@pytest.fixture
def evil_communities(api, client_for, province_user):
    r = api(province_user).post(
        "/api/v1/communities/", {"code": "310104003901", "name": EVIL, "street": "310104003"}
    )
    assert r.status_code == 201, r.content
    rows = "".join(
        f"310104003{902 + i},{_quoted(name)},310104003\n" for i, name in enumerate([EVIL, *ALSO_EVIL])
    )
    _import_page(client_for(province_user), rows)
    stored = dict(Community.objects.filter(code__startswith="3101040039").values_list("code", "name"))
    assert stored["310104003901"] == EVIL and stored["310104003902"] == EVIL  # stored as typed
    for code in stored:
        community = Community.objects.get(pk=code)
        AssessmentFactory(
            community=community,
            year=2026,
            user=UserFactory(role="community", community=community),
            answered=False,
        )
    return stored


def test_csv_exports_hold_no_formula(client_for, province_user, evil_communities):
    client = client_for(province_user)
    for name in ("communities:export", "communities:export-assessments"):
        rows = _csv_rows(client.get(reverse(name, args=["csv"]), {"year": 2026}))
        names = {row[0]: row[1] for row in rows[1:]}
        assert names["310104003901"] == "'" + EVIL
        assert names["310104003902"] == "'" + EVIL
        assert sorted(names[f"310104003{903 + i}"] for i in range(len(ALSO_EVIL))) == sorted(
            "'" + n.replace("|", "\\|") for n in ALSO_EVIL
        )
        for row in rows:
            assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r", "|") for cell in row), row


def test_xlsx_exports_hold_no_formula(client_for, province_user, evil_communities):
    client = client_for(province_user)
    for name in ("communities:export", "communities:export-assessments"):
        ws, sheets = _xlsx(client.get(reverse(name, args=["xlsx"]), {"year": 2026}))
        assert not any("<f>" in xml or "<f " in xml for xml in sheets)
        cells = [cell for row in ws.iter_rows() for cell in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        names = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2)}
        assert names["310104003901"] == "'" + EVIL
        assert names["310104003902"] == "'" + EVIL
        # The year column stays a number.
        header = [c.value for c in next(ws.iter_rows(max_row=1))]
        year = header.index("年度")
        assert {row[year].value for row in ws.iter_rows(min_row=2)} == {2026}
        assert {row[year].data_type for row in ws.iter_rows(min_row=2)} == {"n"}


def test_history_export_holds_no_formula(client_for, province_user, evil_communities):
    rows = _csv_rows(client_for(province_user).get(reverse("history_export")))
    labels = [row[4] for row in rows[1:]]
    assert "'" + EVIL in labels
    assert not any(cell[:1] in ("=", "+", "@") for row in rows for cell in row)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1+1", "'-1+1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("|x|", "'\\|x\\|"),
        ("-12.5", "-12.5"),  # a plain negative number is not a formula
        ("社区", "社区"),
        ("", ""),
        (2026, 2026),
        (-3, -3),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_xlsx_export_survives_control_characters_stored_before_the_checks(client_for, province_user):
    # Written past the services (as older rows were): openpyxl refuses such characters outright.
    CommunityFactory(code="310104003950", name="旧\x01社区\x1f居委会", street=region("310104003"))
    ws, _sheets = _xlsx(client_for(province_user).get(reverse("communities:export", args=["xlsx"])))
    names = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2)}
    assert names["310104003950"] == "旧社区居委会"


def test_xlsx_cells_like_error_codes_stay_text():
    """Plain text goes to openpyxl as str (typed a string by openpyxl itself, issue 29); text that
    openpyxl would type as an error code ("#N/A" ...) stays a string cell, as before."""
    from apps.core.exports import _xlsx_chunks

    data = b"".join(_xlsx_chunks("t", ["名称", "代码"], [["#N/A", 1], ["#DIV/0!", 2], ["社区", 3]]))
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == [("#N/A", "s"), ("#DIV/0!", "s"), ("社区", "s")]
    assert [row[1] for row in rows] == [(1, "n"), (2, "n"), (3, "n")]


def test_a_verbatim_tail_is_written_as_it_is_and_the_rest_still_neutralised():
    from apps.core.exports import Verbatim, _csv_chunks, _xlsx_chunks

    rows = [[EVIL, 2026, Verbatim(["达到", ""])], ["+1", 7, Verbatim([])]]
    body = "".join(_csv_chunks(["名称", "年度", "r1", "v1"], rows)).lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(body)))[1:] == [["'" + EVIL, "2026", "达到", ""], ["'+1", "7"]]
    data = b"".join(_xlsx_chunks("t", ["名称", "年度", "r1", "v1"], rows))
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        ["'" + EVIL, 2026, "达到", None],
        ["'+1", 7, None, None],
    ]


def test_the_criterion_texts_written_verbatim_are_inert():
    """The assessments export writes its rating and verdict cells without `neutralise`
    (apps.core.exports.Verbatim): every text they can hold must pass it unchanged."""
    from openpyxl.cell.cell import ERROR_CODES

    from apps.assessments.exports import RATING_TEXT, VERDICT_TEXT

    texts = {*RATING_TEXT.values(), *VERDICT_TEXT.values()}
    assert "" in texts and len(texts) >= 5
    for text in texts:
        assert type(text) is str and neutralise(text) == text and text not in ERROR_CODES, text
