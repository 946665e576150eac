"""The import's error table names the columns as the user's file typed them."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import CommunityFactory, region


def _preview(client, header, rows):
    upload = SimpleUploadedFile("r.csv", (header + rows).encode("utf-8"), content_type="text/csv")
    response = client.post(reverse("communities:import"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:300]
    return client.get(response["Location"])


def test_errors_name_the_chinese_headings_of_the_file(client_for, province_user, db):
    CommunityFactory(code="310104003001", street=region("310104003"))
    client = client_for(province_user)
    page = _preview(
        client, "统计代码,名称,街道代码\n", "31010400300X,甲社区居委会,310104003\n310104003002,,310104003\n"
    )
    errors = page.context["result"].errors
    assert {(e.row, e.shown_column) for e in errors} >= {(2, "统计代码"), (3, "名称")}
    table = page.content.decode().split('data-testid="import-errors"')[1].split("</table>")[0]
    assert "<td>统计代码</td>" in table and "<td>名称</td>" in table
    assert ">code<" not in table and ">name<" not in table


def test_errors_keep_the_english_headings_of_the_national_file(client_for, province_user, db):
    client = client_for(province_user)
    page = _preview(client, "code,name,streetCode\n", "310104003002,,310104003\n")
    assert [e.shown_column for e in page.context["result"].errors] == ["name"]
