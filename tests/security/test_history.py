"""Append-only, hash-chained history of reports, accounts and the registry; the scoped history page
and export; verify_history over every chain, tampered with raw SQL."""

import csv
import datetime as dt
import io
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role, User
from apps.communities import registry_import
from apps.communities import services as registry
from apps.communities.models import Community
from apps.core.models import TraceEvent
from apps.reports import services as reports
from apps.reports.models import ReportEvent
from tests.factories import UserFactory, region

pytestmark = pytest.mark.django_db


def run() -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify_history", stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def report_history(province_user, ministry_user):
    report = reports.annual_report_ensure(province_code="310000000000", year=2026)
    narrative = {n: "内容" for n in ("mechanism", "measures", "support", "problems", "plans")}
    report = reports.annual_report_update_narrative(report=report, user=province_user, data=narrative)
    report = reports.annual_report_submit(report=report, user=province_user, today=dt.date(2026, 11, 1))
    reports.annual_report_return(report=report, user=ministry_user, reason="数据不全")
    return report


def save_community(user, code, name, street):
    community = Community.objects.filter(pk=code).first()
    return registry.community_save(user=user, code=code, name=name, street_code=street, community=community)


# --- Reports -----------------------------------------------------------------


def test_report_history_is_chained_and_append_only(report_history):
    events = list(ReportEvent.objects.filter(report=report_history).order_by("at", "id"))
    assert [e.action for e in events] == ["created", "edited", "compiled", "submitted", "returned"]
    previous = ""
    for event in events:
        assert event.prev_hash == previous and event.hash == event.compute_hash()
        previous = event.hash
    with pytest.raises(PermissionDenied):
        ReportEvent.objects.filter(report=report_history).update(reason="x")
    with pytest.raises(PermissionDenied):
        ReportEvent.objects.filter(report=report_history).delete()
    with pytest.raises(PermissionDenied):
        events[0].save()
    with pytest.raises(PermissionDenied):
        events[0].delete()
    ok, out = run()
    assert ok, out
    assert "1 report histories checked: 0 broken." in out


def test_late_marking_and_reminders_are_chained(province_user):
    assert reports.annual_reports_remind(year=2026, today=dt.date(2026, 11, 16)) == 32
    assert reports.annual_reports_mark_late(year=2026, today=dt.date(2026, 12, 1)) == 32
    ok, out = run()
    assert ok, out
    assert "32 report histories checked: 0 broken." in out


def test_verify_history_detects_a_changed_report_entry(report_history):
    event = ReportEvent.objects.get(report=report_history, action="returned")
    raw(f"UPDATE {ReportEvent._meta.db_table} SET reason = %s WHERE id = %s", ["无问题", event.pk])  # noqa: S608
    ok, out = run()
    assert not ok
    assert f"BROKEN   report {report_history.pk}: entry {event.pk}: content does not match its hash" in out


def test_verify_history_detects_a_deleted_report_entry(report_history):
    event = ReportEvent.objects.get(report=report_history, action="submitted")
    raw(f"DELETE FROM {ReportEvent._meta.db_table} WHERE id = %s", [event.pk])  # noqa: S608
    ok, out = run()
    assert not ok
    assert "prev_hash does not link to the previous entry" in out


# --- Accounts ----------------------------------------------------------------


def test_admin_changes_to_accounts_are_recorded(client, admin_user, xuhui_community):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new-city",
            "password1": "A-long-enough-passphrase-9",
            "password2": "A-long-enough-passphrase-9",
            "usable_password": "true",
            "role": "city",
            "region": "310104000000",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(username="new-city")
    change_url = reverse("admin:accounts_user_change", args=[user.pk])
    form = {
        "username": "new-city",
        "role": "city",
        "region": "310105000000",
        "is_active": "on",
        "date_joined_0": "2026-11-29",
        "date_joined_1": "08:00:00",
    }
    assert client.post(change_url, form).status_code == 302  # scope moved to 长宁区
    form.pop("is_active")
    assert client.post(change_url, form).status_code == 302  # deactivated
    password_url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = client.post(
        password_url,
        {
            "password1": "Another-long-passphrase-7",
            "password2": "Another-long-passphrase-7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    events = list(TraceEvent.objects.filter(kind="account", subject=str(user.pk)).order_by("id"))
    assert [e.action for e in events] == ["created", "role_changed", "deactivated", "password_reset"]
    assert events[1].data["changed"]["region_id"] == ["310104000000", "310105000000"]
    assert all(e.actor == admin_user and e.province_id == "310000000000" for e in events)
    assert "password" not in str([e.data for e in events])
    ok, out = run()
    assert ok, out
    assert "1 account histories checked: 0 broken." in out


def test_an_unlock_is_recorded(ministry_user, client):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    for _ in range(5):
        client.post(reverse("login"), {"username": "ministry", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    call_command("axes_reset_username", "ministry", stdout=open(os.devnull, "w"))  # noqa: SIM115
    event = TraceEvent.objects.get(kind="account", action="unlocked")
    assert event.subject == str(ministry_user.pk) and event.data["ip_address"] == "10.0.0.9"


def test_account_history_is_append_only(admin_user, client):
    client.force_login(admin_user)
    from apps.accounts import services

    services.account_password_reset(actor=admin_user, user=admin_user)
    with pytest.raises(PermissionDenied):
        TraceEvent.objects.all().update(action="x")
    with pytest.raises(PermissionDenied):
        TraceEvent.objects.all().delete()
    event = TraceEvent.objects.get()
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()


# --- Registry ----------------------------------------------------------------


def test_registry_changes_are_recorded_per_row_and_per_import(province_user, admin_user):
    save_community(province_user, "310104003901", "新建社区居委会", "310104003")
    save_community(province_user, "310104003901", "改名社区居委会", "310104003")
    save_community(province_user, "310104003901", "改名社区居委会", "310104003")  # no change: no entry
    source = io.BytesIO(
        "code,name,streetCode\n310104003902,导入一居委会,310104003\n310104003901,再改名居委会,310104003\n".encode()
    )
    registry_import.community_import(source=source, filename="shanghai.csv", user=admin_user)
    events = list(TraceEvent.objects.filter(kind="registry").order_by("id"))
    assert [e.action for e in events] == ["added", "renamed", "imported"]
    assert events[1].data["name"] == ["新建社区居委会", "改名社区居委会"]
    imported = events[-1]
    assert imported.data["added"] == 1 and imported.data["changed"] == 1
    assert imported.data["added_codes"] == ["310104003902"]
    assert imported.data["changed_codes"] == [["310104003901", "改名社区居委会", "再改名居委会"]]
    assert imported.province_id == "310000000000"
    # An import that changes nothing writes nothing.
    source.seek(0)
    registry_import.community_import(source=source, filename="shanghai.csv", user=admin_user)
    assert TraceEvent.objects.filter(kind="registry").count() == 3
    ok, out = run()
    assert ok, out
    assert "1 registry histories checked: 0 broken." in out


@pytest.mark.parametrize("tamper", ["update", "delete"])
def test_verify_history_detects_tampered_account_and_registry_rows(province_user, admin_user, tamper):
    from apps.accounts import services

    for name in ("一", "二", "三"):
        save_community(province_user, "310104003901", f"{name}社区居委会", "310104003")
        services.account_password_reset(actor=admin_user, user=province_user)
    table = TraceEvent._meta.db_table
    for kind in ("account", "registry"):
        middle = TraceEvent.objects.filter(kind=kind).order_by("id")[1]
        if tamper == "update":
            raw(f"UPDATE {table} SET data = %s WHERE id = %s", ['{"forged": true}', middle.pk])  # noqa: S608
        else:
            raw(f"DELETE FROM {table} WHERE id = %s", [middle.pk])  # noqa: S608
    ok, out = run()
    assert not ok
    assert "BROKEN   account account" in out and "BROKEN   registry registry" in out
    assert "1 account histories checked: 1 broken." in out
    assert "1 registry histories checked: 1 broken." in out


# --- History page and export -------------------------------------------------


@pytest.fixture
def two_regions(province_user, admin_user):
    """Registry and account history in 上海 and in 北京."""
    from apps.accounts import services

    beijing_dept = UserFactory(username="beijing-dept", role=Role.PROVINCE, region=region("11"))
    for i in range(3):
        save_community(province_user, f"31010400390{i}", f"上海{i}社区居委会", "310104003")
        save_community(beijing_dept, f"11010100190{i}", f"北京{i}社区居委会", "110101001")
    services.account_password_reset(actor=admin_user, user=province_user)
    services.account_password_reset(actor=admin_user, user=beijing_dept)
    return beijing_dept


def test_province_staff_see_only_their_province(client_for, province_user, two_regions):
    client = client_for(province_user)
    page = client.get(reverse("history"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "上海0社区居委会" in text and "shanghai-dept" in text
    assert "北京" not in text.replace("北京市", "") and "beijing-dept" not in text
    export = client.get(reverse("history_export"))
    assert export.status_code == 200 and export.streaming
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 1 + 3 + 1
    assert "北京" not in body and "beijing-dept" not in body
    registry_only = client.get(reverse("history"), {"kind": "registry"}).content.decode()
    assert registry_only.count("<tr>") == 1 + 3


def test_the_ministry_sees_every_province(client_for, ministry_user, two_regions):
    text = client_for(ministry_user).get(reverse("history")).content.decode()
    assert "上海0社区居委会" in text and "北京0社区居委会" in text and "beijing-dept" in text


@pytest.mark.parametrize("role", ["anonymous", "community", "city"])
def test_others_cannot_read_history(client, community_user, city_user, role, two_regions):
    if role != "anonymous":
        client.force_login({"community": community_user, "city": city_user}[role])
    for name in ("history", "history_export"):
        response = client.get(reverse(name))
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403
        assert "上海0" not in response.content.decode()


def test_history_page_and_export_query_counts_do_not_grow(
    client_for, ministry_user, province_user, admin_user
):
    from apps.accounts import services

    client = client_for(ministry_user)

    def measure(rows):
        for _i in range(rows):
            code = f"310104003{TraceEvent.objects.count():03d}"
            save_community(province_user, code, f"社区{code}居委会", "310104003")
            services.account_password_reset(actor=admin_user, user=province_user)
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("history")).status_code == 200
        with CaptureQueriesContext(connection) as export:
            response = client.get(reverse("history_export"))
            body = b"".join(response.streaming_content)
        assert body.decode("utf-8-sig").count("\n") == TraceEvent.objects.count() + 1
        return len(page), len(export)

    few, many = measure(3), measure(60)
    assert few == many, (few, many)
    # page: session, user, count, one page with actor and province joined, session save (+ savepoints)
    assert few[0] <= 8 and few[1] <= 7, few
