"""Control characters in the registry: refused alike by the API, the registry import (page and
command) and the service, with a Chinese message that names the field; nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.communities.models import Community
from apps.communities.registry_import import community_import
from apps.communities.services import community_save
from apps.core.errors import ServiceError
from tests.api.conftest import api  # noqa: F401

MESSAGE = "“名称”含有无法保存的控制字符（U+{code}，第 3 个字符），请删除后重试。"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x9b", "\t", "\n"])
def test_api_refuses_control_characters_in_a_name(api, province_user, char):  # noqa: F811
    r = api(province_user).post(
        "/api/v1/communities/", {"code": "310104003901", "name": f"天平{char}社区", "street": "310104003"}
    )
    assert r.status_code == 400, r.content
    assert r.json()["fields"]["name"] == [MESSAGE.format(code=f"{ord(char):04X}")]
    assert not Community.objects.filter(pk="310104003901").exists()


def test_api_refuses_them_on_rename(api, province_user, xuhui_community):  # noqa: F811
    before = xuhui_community.name
    r = api(province_user).patch(f"/api/v1/communities/{xuhui_community.code}/", {"name": "天平\x00社区"})
    assert r.status_code == 400 and list(r.json()["fields"]) == ["name"]
    xuhui_community.refresh_from_db()
    assert xuhui_community.name == before


def test_service_refuses_them(province_user):
    with pytest.raises(ServiceError) as refused:
        community_save(user=province_user, code="310104003901", name="天平\x00社区", street_code="310104003")
    assert refused.value.code == "control_character" and refused.value.field == "name"
    assert refused.value.message == MESSAGE.format(code="0000")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1f", "\x85"])
def test_import_page_refuses_a_nul_in_a_name_like_the_api(client_for, province_user, char):
    upload = SimpleUploadedFile(
        "registry.csv",
        f"统计代码,名称,街道代码\n310104003901,天平{char}社区,310104003\n310104003902,好社区,310104003\n".encode(),
        content_type="text/csv",
    )
    client = client_for(province_user)
    preview = client.post(reverse("communities:import"), {"file": upload})["Location"]
    result = client.get(preview).context["result"]
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "name", MESSAGE.format(code=f"{ord(char):04X}"))
    ]
    assert MESSAGE.format(code=f"{ord(char):04X}") in client.get(preview).content.decode()
    client.post(preview, {"action": "apply"})
    assert not Community.objects.filter(pk__in=["310104003901", "310104003902"]).exists()


def test_import_from_xlsx_refuses_them_too(province_user):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["统计代码", "名称", "街道代码"])
    wb.active.append(["310104003901", "天平\x1b社区".replace("\x1b", "\x7f"), "310104003"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = community_import(source=buffer, filename="r.xlsx", province="31", user=province_user)
    assert not result.applied and [e.code for e in result.errors] == ["control_character"]


def test_history_keeps_no_control_character_of_a_file_name(province_user):
    import io

    from apps.core.models import TraceEvent

    source = io.BytesIO("统计代码,名称,街道代码\n310104003903,名录社区,310104003\n".encode())
    community_import(source=source, filename="名录\x00.csv", province="31", user=province_user)
    assert TraceEvent.objects.filter(subject_label="名录.csv").exists()
