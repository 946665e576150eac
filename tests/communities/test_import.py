import gzip
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from apps.communities.models import Community
from apps.communities.registry_import import community_import
from apps.core.errors import ServiceError

GOOD = """code,name,streetCode,areaCode,cityCode,provinceCode
310104003001,甲社区居委会,310104003,310104,3101,31
310104003002,乙社区居委会,310104003,310104,3101,31
110101001001,多福巷社区居委会,110101001,110101,1101,11
"""


def write(tmp_path, text, name="registry.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_upserts_and_is_idempotent(db, tmp_path):
    path = write(tmp_path, GOOD)
    first = community_import(source=path)
    assert first.applied and len(first.added) == 3
    assert Community.objects.count() == 3
    again = community_import(source=path)
    assert again.added == [] and again.changed == [] and again.unchanged == 3
    assert Community.objects.count() == 3
    c = Community.objects.get(pk="310104003001")
    assert (c.street_id, c.county_id, c.city_id, c.province_id) == (
        "310104003000",
        "310104000000",
        None,
        "310000000000",
    )


def test_a_renamed_row_is_a_change(db, tmp_path):
    community_import(source=write(tmp_path, GOOD))
    result = community_import(source=write(tmp_path, GOOD.replace("甲社区", "甲新社区"), "b.csv"))
    assert result.changed == [("310104003001", "甲社区居委会", "甲新社区居委会")]
    assert Community.objects.get(pk="310104003001").name == "甲新社区居委会"


def test_one_bad_row_and_nothing_is_applied(db, tmp_path):
    bad = GOOD + "31010400300X,坏代码社区,310104003,310104,3101,31\n310104003009,,310104003,310104,3101,31\n"
    result = community_import(source=write(tmp_path, bad))
    assert not result.applied
    assert Community.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(5, "code"), (6, "name")]
    assert "12位数字" in str(result.errors[0])


def test_unknown_street_and_duplicate_code_are_reported(db, tmp_path):
    bad = GOOD + "310104003001,重复社区,310104003,,,\n999999999001,无街道社区,999999999,,,\n"
    result = community_import(source=write(tmp_path, bad))
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert "第 2 行" in reasons[(5, "code")] and "重复" in reasons[(5, "code")]
    assert "不存在" in reasons[(6, "streetCode")]


def test_province_option_loads_one_provincial_unit(db, tmp_path):
    result = community_import(source=write(tmp_path, GOOD), province="31")
    assert len(result.added) == 2 and result.skipped_other_province == 1
    assert set(Community.objects.values_list("province_id", flat=True)) == {"310000000000"}


def test_xlsx_and_gzip_are_read(db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["统计代码", "名称", "街道代码"])
    ws.append(["310104003001", "甲社区居委会", "310104003"])
    ws.append([310104003002, "乙社区居委会", 310104003])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    assert len(community_import(source=buf, filename="r.xlsx").added) == 2
    gz = tmp_path / "r.csv.gz"
    gz.write_bytes(gzip.compress(GOOD.encode()))
    assert community_import(source=gz).unchanged == 2


def test_missing_columns_are_refused_with_a_message(db, tmp_path):
    with pytest.raises(ServiceError, match="缺少必需的列"):
        community_import(source=write(tmp_path, "code,title\n1,2\n"))


def test_command_reports_bad_rows_and_fails(db, tmp_path):
    path = write(tmp_path, GOOD + "1,坏,310104003\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_communities", str(path), stderr=err)
    assert "第 5 行" in err.getvalue()
    assert Community.objects.count() == 0
    out = io.StringIO()
    call_command("import_communities", str(write(tmp_path, GOOD, "ok.csv")), "--province", "11", stdout=out)
    assert "added 1" in out.getvalue()
