"""Targets as data: who sets whose target, what is refused (with the row), the history, the import
(all or nothing), and the pages' refusals: an area never edits its own targets."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from apps.core.errors import ForbiddenError, ServiceError
from apps.core.history import chain_problems
from apps.targets import services
from apps.targets.models import Target, TargetEvent
from apps.targets.rules import can_set_target
from tests.factories import region

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    import io

    book = Workbook()
    sheet = book.active
    sheet.append(["地区代码", "参与比例", "达标比例", "每街道试点数"])
    for row in rows:
        sheet.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_the_level_above_sets_targets(users):
    assert can_set_target(users["ministry"], region("31"))
    assert not can_set_target(users["shanghai"], region("31"))
    # A municipality has no cities: the province sets its districts'.
    assert can_set_target(users["shanghai"], region("310104"))
    assert not can_set_target(users["xuhui"], region("310104"))
    assert not can_set_target(users["ministry"], region("310104"))
    # A province sets its cities', a city its counties'.
    assert can_set_target(users["jiangsu"], region("3201"))
    assert not can_set_target(users["jiangsu"], region("320102"))
    assert can_set_target(users["nanjing"], region("320102"))
    assert not can_set_target(users["nanjing"], region("3201"))
    assert not can_set_target(users["beijing"], region("310104"))


def test_full_width_digits_are_read_and_history_is_chained(users):
    target = services.target_set(
        user=users["shanghai"], area=region("310104"), year=YEAR, participation="８０％", meeting="６０．５"
    )
    assert target.meeting == Decimal("60.50") and target.participation == Decimal("80.00")
    assert not target.set_late
    services.target_set(
        user=users["shanghai"], area=region("310104"), year=YEAR, participation="", meeting="65"
    )
    events = list(TargetEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["set", "changed"]
    assert events[1].data["before"]["meeting"] == "60.50" and events[1].data["after"]["meeting"] == "65.00"
    assert chain_problems(events) == []


@pytest.mark.parametrize("meeting", ["101", "-1", "abc", "", "100.5"])
def test_a_share_outside_0_100_is_refused_and_nothing_saved(users, meeting):
    with pytest.raises(ServiceError) as exc:
        services.target_set(
            user=users["shanghai"], area=region("310104"), year=YEAR, participation="", meeting=meeting
        )
    assert exc.value.field == "meeting"
    assert not Target.objects.exists() and not TargetEvent.objects.exists()


def test_the_area_itself_and_another_province_are_refused(users):
    with pytest.raises(ForbiddenError):
        services.target_set(
            user=users["xuhui"], area=region("310104"), year=YEAR, participation="", meeting="50"
        )
    with pytest.raises(ForbiddenError):
        services.target_set(
            user=users["beijing"], area=region("310104"), year=YEAR, participation="", meeting="50"
        )
    assert not Target.objects.exists()


def test_a_target_for_a_closed_year_is_flagged_set_late(users):
    target = services.target_set(
        user=users["ministry"], area=region("31"), year=2022, participation="", meeting="60"
    )
    assert target.set_late
    assert TargetEvent.objects.get().data["late"] is True


def test_import_is_all_or_nothing_with_every_row_number(users):
    rows = services.read_xlsx_rows(
        xlsx(
            [
                ("310104", "80", "60", 2),
                ("310101", "", "１２０", None),  # over 100
                ("110101", "", "50", None),  # Beijing: not Shanghai's
                ("999999", "", "50", None),  # no such area
                ("310104", "", "50", None),  # twice
                ("310105", "", "６０", None),  # full width: fine
            ]
        )
    )
    with pytest.raises(services.ImportRejected) as exc:
        services.targets_import(user=users["shanghai"], year=YEAR, rows=rows)
    assert [n for n, _m in exc.value.problems] == [3, 4, 5, 6]
    assert all(m.startswith(f"第 {n} 行") for n, m in exc.value.problems)
    assert not Target.objects.exists()
    good = services.read_xlsx_rows(xlsx([("310104", "80", "60", 2), ("310105000000", "", "６０", None)]))
    assert services.targets_import(user=users["shanghai"], year=YEAR, rows=good) == 2
    assert Target.objects.get(area_id="310105000000").meeting == Decimal("60.00")
    assert Target.objects.get(area_id="310104000000").pilots_per_street == 2
    assert TargetEvent.objects.filter(action="imported").count() == 2


def test_a_city_reads_but_cannot_edit_its_own_targets(client, users):
    services.target_set(
        user=users["shanghai"], area=region("310104"), year=YEAR, participation="", meeting="40"
    )
    url = reverse("targets:area", kwargs={"year": YEAR, "code": "310104000000"})
    client.force_login(users["xuhui"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="read-only"' in page.content.decode() and "target-form" not in page.content.decode()
    assert client.post(url + "set/", {"meeting": "5"}).status_code == 403
    assert Target.objects.get().meeting == Decimal("40.00")
    client.force_login(users["beijing"])
    assert client.get(url).status_code == 404


def test_the_page_keeps_what_was_typed_and_says_why(client, users):
    url = reverse("targets:area", kwargs={"year": YEAR, "code": "310104000000"})
    client.force_login(users["shanghai"])
    page = client.post(url + "set/", {"meeting": "１５０", "participation": "70"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "１５０" in body and 'value="70"' in body
    assert "目标比例须在 0 到 100% 之间。" in body
    assert not Target.objects.exists()
    assert client.post(url + "set/", {"meeting": "６０", "participation": ""}).status_code == 302
    assert Target.objects.get().meeting == Decimal("60.00")


def test_the_import_page_lists_every_problem(client, users):
    client.force_login(users["shanghai"])
    upload = SimpleUploadedFile("t.xlsx", xlsx([("310104", "", "200", None), ("110101", "", "50", None)]))
    page = client.post(reverse("targets:import", kwargs={"year": YEAR}), {"file": upload})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="problems"' in body
    assert body.count("<li>") >= 2
    assert not Target.objects.exists()
    client.force_login(users["xuhui"])
    assert client.get(reverse("targets:import", kwargs={"year": YEAR})).status_code == 403


def test_stale_version_is_refused(users):
    target = services.target_set(
        user=users["shanghai"], area=region("310104"), year=YEAR, participation="", meeting="40"
    )
    services.target_set(
        user=users["shanghai"],
        area=region("310104"),
        year=YEAR,
        participation="",
        meeting="45",
        expected_version=target.version,
    )
    with pytest.raises(ServiceError) as exc:
        services.target_set(
            user=users["shanghai"],
            area=region("310104"),
            year=YEAR,
            participation="",
            meeting="50",
            expected_version=target.version,
        )
    assert exc.value.code == "stale"


def test_a_target_set_late_is_flagged_on_the_page_the_export_and_the_api(users, client, api):
    """2022's figures are closed: the ministry may still set Shanghai's target, and every reader
    sees it was set late."""
    services.target_set(user=users["ministry"], area=region("31"), year=2022, participation="", meeting="60")
    client.force_login(users["ministry"])
    page = client.get(reverse("targets:year", kwargs={"year": 2022})).content.decode()
    row = page.split('data-code="310000000000"')[1].split("</tr>")[0]
    assert "late-flag" in row and "逾期设定" in row
    assert "late-flag" not in page.split('data-code="320000000000"')[1].split("</tr>")[0]
    response = client.get(reverse("targets:export", kwargs={"year": 2022, "fmt": "csv"}))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    line = next(line for line in text.splitlines() if line.startswith("310000000000"))
    assert line.endswith(",是")
    data = api(users["shanghai"]).get("/api/v1/targets/", {"year": 2022}).json()["results"]
    assert [(t["area"], t["set_late"]) for t in data] == [("310000000000", True)]
    # Shanghai reads its own target, flagged too.
    client.force_login(users["shanghai"])
    own = client.get(reverse("targets:year", kwargs={"year": 2022})).content.decode()
    assert "逾期设定" in own.split('data-testid="own-target"')[1]
