"""Registry import in the browser: preview lists what would change and every bad row; confirm
applies the stored file, all or nothing; other roles may not import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.communities.models import Community
from tests.factories import CommunityFactory, region

HEADER = "统计代码,名称,街道代码\n"


def _csv(text, name="registry.csv"):
    return SimpleUploadedFile(name, (HEADER + text).encode("utf-8"), content_type="text/csv")


def _upload(client, upload):
    r = client.post(reverse("communities:import"), {"file": upload})
    assert r.status_code == 302, r.content.decode()[:500]
    return r["Location"]


@pytest.fixture
def existing(db):
    return CommunityFactory(code="310104003001", name="旧名社区居委会", street=region("310104003"))


def test_preview_then_apply(client_for, province_user, existing):
    client = client_for(province_user)
    preview_url = _upload(
        client,
        _csv("310104003001,新名社区居委会,310104003\n310104003002,新增社区居委会,310104003\n"),
    )
    r = client.get(preview_url)
    assert r.status_code == 200
    result = r.context["result"]
    assert result.added == [("310104003002", "新增社区居委会")]
    assert result.changed == [("310104003001", "旧名社区居委会", "新名社区居委会")]
    assert not result.errors
    assert "新增社区居委会" in r.content.decode()
    # Nothing applied by the preview.
    assert not Community.objects.filter(pk="310104003002").exists()
    assert Community.objects.get(pk="310104003001").name == "旧名社区居委会"

    r = client.post(preview_url, {"action": "apply"})
    assert r.status_code == 302 and r["Location"] == reverse("communities:list")
    assert Community.objects.get(pk="310104003001").name == "新名社区居委会"
    assert Community.objects.filter(pk="310104003002").exists()
    # The stored file is gone: the token cannot be replayed.
    assert client.get(preview_url).status_code == 404


def test_bad_rows_are_listed_and_nothing_is_applied(client_for, province_user, existing):
    client = client_for(province_user)
    preview_url = _upload(
        client,
        _csv(
            "310104003003,好的社区居委会,310104003\n31010400300X,,310104003\n310104003004,无街道,999999999\n"
        ),
    )
    r = client.get(preview_url)
    errors = r.context["result"].errors
    assert {(e.row, e.column) for e in errors} == {(3, "code"), (3, "name"), (4, "streetCode")}
    html = r.content.decode()
    assert 'data-testid="import-apply"' not in html
    # Even a forced confirm applies nothing: all or nothing.
    r = client.post(preview_url, {"action": "apply"})
    assert r.status_code == 200
    assert not Community.objects.filter(pk="310104003003").exists()


def test_xlsx_upload(client_for, province_user):
    wb = Workbook()
    ws = wb.active
    ws.append(["统计代码", "名称", "街道代码"])
    ws.append([310104003005, "表格社区居委会", 310104003])
    buf = io.BytesIO()
    wb.save(buf)
    client = client_for(province_user)
    url = _upload(client, SimpleUploadedFile("r.xlsx", buf.getvalue()))
    assert client.get(url).context["result"].added == [("310104003005", "表格社区居委会")]
    client.post(url, {"action": "apply"})
    assert Community.objects.get(pk="310104003005").name == "表格社区居委会"


def test_rows_of_another_province_are_ignored(client_for, province_user):
    client = client_for(province_user)
    url = _upload(client, _csv("110101001901,北京社区,110101001\n310104003006,上海社区,310104003\n"))
    result = client.get(url).context["result"]
    assert result.skipped_other_province == 1
    assert result.added == [("310104003006", "上海社区")]


def test_cancel_discards(client_for, province_user):
    client = client_for(province_user)
    url = _upload(client, _csv("310104003007,取消社区,310104003\n"))
    assert client.post(url, {"action": "cancel"}).status_code == 302
    assert client.get(url).status_code == 404
    assert not Community.objects.filter(pk="310104003007").exists()


def test_unreadable_file(client_for, province_user):
    client = client_for(province_user)
    url = _upload(client, SimpleUploadedFile("x.csv", b"a,b\n1,2\n"))
    r = client.get(url)
    assert r.status_code == 400
    assert "streetCode" in r.content.decode()


def test_token_of_another_session_is_404(client_for, province_user, client, django_user_model):
    first = client_for(province_user)
    url = _upload(first, _csv("310104003008,别人的社区,310104003\n"))
    from django.test import Client

    other = Client()
    other.force_login(province_user)
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "apply"}).status_code == 404


@pytest.mark.parametrize("who", ["community_user", "city_user", "ministry_user"])
def test_other_roles_may_not_import(client_for, request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("communities:import")).status_code == 403
    assert client.post(reverse("communities:import"), {"file": _csv("")}).status_code == 403


def test_templates_have_chinese_headers(client_for, province_user):
    client = client_for(province_user)
    csv_body = client.get(reverse("communities:import-template", args=["csv"])).content.decode("utf-8-sig")
    full = ["统计代码", "名称", "街道代码", "撤销日期", "撤销方式", "承继社区代码", "备注"]
    assert csv_body.strip() == ",".join(full)
    xlsx = client.get(reverse("communities:import-template", args=["xlsx"])).content
    ws = load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in ws[1]] == full


def test_upload_page_reads_in_chinese(client_for, province_user):
    html = client_for(province_user).get(reverse("communities:import")).content.decode()
    assert "导入" in html


def test_a_new_upload_discards_the_previous_one(client_for, province_user):
    client = client_for(province_user)
    first = _upload(client, _csv("310104003009,第一次,310104003\n"))
    second = _upload(client, _csv("310104003010,第二次,310104003\n"))
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_import_file_over_the_limit_is_413(client_for, province_user, monkeypatch):
    monkeypatch.setattr("apps.communities.import_views.IMPORT_MAX_BYTES", 10)
    r = client_for(province_user).post(
        reverse("communities:import"), {"file": _csv("310104003011,x,310104003\n")}
    )
    assert r.status_code == 413
    assert 'data-testid="import-error"' in r.content.decode()
