"""The annual 通报 gives each area's site-check pass rate where the province checks a sample on site
(issue 24 item 5 with issue 23): counted here directly from the drawn entries."""

import subprocess

from django.urls import reverse

from apps.sitechecks.models import SampleEntry, SampleState

from .conftest import HUANGPU, XUHUI


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_bulletin_gives_each_districts_site_check_pass_rate(drawn, province_user, client):
    entries = list(SampleEntry.objects.filter(draw=drawn).order_by("pk"))
    xuhui = [e for e in entries if e.county_id == XUHUI]
    huangpu = [e for e in entries if e.county_id == HUANGPU]
    assert len(xuhui) >= 2 and huangpu
    # 徐汇区: one passed, one failed, the rest still held (not counted); 黄浦区: all held (no rate).
    SampleEntry.objects.filter(pk=xuhui[0].pk).update(state=SampleState.PASSED, site_total=80)
    SampleEntry.objects.filter(pk=xuhui[1].pk).update(state=SampleState.FAILED, site_total=40)
    decided = SampleEntry.objects.filter(draw=drawn, county_id=XUHUI).exclude(state=SampleState.HELD)
    passed = decided.filter(state=SampleState.PASSED).count()
    client.force_login(province_user)
    response = client.get(reverse("targets:bulletin", kwargs={"year": 2026}))
    assert response.status_code == 200
    text = _pdf_text(response.content)
    # The column header wraps in its cell ("现场核查通" / "过率").
    assert "现场核查通" in text
    (xuhui_line,) = [line for line in text.splitlines() if "徐汇区" in line]
    assert f"{100 * passed / decided.count():.1f}% ({passed}/{decided.count()})" in xuhui_line
    (huangpu_line,) = [line for line in text.splitlines() if "黄浦区" in line]
    # Its last column (the pass rate) is empty: nothing signed off there yet.
    assert huangpu_line.split()[-1] == "—"
