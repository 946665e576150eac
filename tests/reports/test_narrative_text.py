"""The report narrative refuses control characters (page and service alike), naming the section;
line breaks and tabs are text; nothing typed is saved over."""

import pytest
from django.urls import reverse

from apps.core.errors import ServiceError
from apps.reports import services

SECTIONS = ("mechanism", "measures", "support", "problems", "plans")


@pytest.fixture
def report(db):
    return services.annual_report_ensure(province_code="310000000000", year=2025)


def test_service_refuses_a_control_character_and_names_the_section(report, province_user):
    with pytest.raises(ServiceError) as refused:
        services.annual_report_update_narrative(
            report=report, user=province_user, data={"mechanism": "好", "support": "资金\x0b到位"}
        )
    assert refused.value.code == "control_character" and refused.value.field == "support"
    assert (
        refused.value.message
        == "“资金和政策支持”含有无法保存的控制字符（U+000B，第 3 个字符），请删除后重试。"
    )
    report.refresh_from_db()
    assert report.mechanism == "" and report.version == 1


def test_line_breaks_and_tabs_are_text(report, province_user):
    saved = services.annual_report_update_narrative(
        report=report, user=province_user, data={"mechanism": "第一段\r\n\t第二段"}
    )
    assert saved.mechanism == "第一段\r\n\t第二段"


def test_page_shows_the_message_next_to_the_field_and_keeps_the_text(report, province_user, client_for):
    data = {name: f"{name} 内容" for name in SECTIONS}
    data["problems"] = "问题\x1b一"
    r = client_for(province_user).post(
        reverse("reports:narrative", args=[report.pk]), {**data, "version": report.version}
    )
    assert r.status_code == 400
    form = r.context["form"]
    assert form.errors["problems"] == [
        "“存在问题”含有无法保存的控制字符（U+001B，第 3 个字符），请删除后重试。"
    ]
    assert form["mechanism"].value() == "mechanism 内容"  # what was typed stays in the form
    report.refresh_from_db()
    assert report.mechanism == ""


def test_return_reason_refuses_them(report, province_user, ministry_user):
    for name in SECTIONS:
        setattr(report, name, "内容")
    report.save()
    services.annual_report_submit(report=report, user=province_user)
    with pytest.raises(ServiceError) as refused:
        services.annual_report_return(report=report, user=ministry_user, reason="请补充\x00")
    assert refused.value.field == "reason"
