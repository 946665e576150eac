"""Integrity flags in a real browser: a district reviewer opens a review page, sees that criterion
1's statement resembles a Beijing community's (its name, province and year, nothing else), opens the
flag, explains it, and finds it marked explained on the review page. Screenshots at 1280 and 390 px
land in artifacts/screenshots/integrity/."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.integrity import services
from apps.integrity.models import Flag, FlagKind
from tests.browser.conftest import BROWSER_DB, PHONE, login, screenshot
from tests.factories import CommunityFactory, UserFactory, region
from tests.integrity.data import (
    SHARED_PARAGRAPH,
    add_evidence,
    photo_bytes,
    resized_recompressed,
    submitted_assessment,
)
from tests.review.conftest import ensure_reference_data

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def flagged(transactional_db, settings):
    ensure_reference_data()
    settings.CAMPAIGN_YEAR = 2023
    mine = CommunityFactory(street=region("310104003"), name="天平甲社区居委会")
    theirs = CommunityFactory(street=region("110101001"), name="东华丙社区居委会")
    a, ra = submitted_assessment(mine, year=2023)
    c, rc = submitted_assessment(theirs, year=2021)
    ra[1].statement = mine.name + SHARED_PARAGRAPH
    ra[1].save(update_fields=["statement"])
    rc[1].statement = theirs.name + SHARED_PARAGRAPH.replace("356", "9173")
    rc[1].save(update_fields=["statement"])
    photo = photo_bytes(42)
    add_evidence(ra[2], photo)
    add_evidence(rc[2], resized_recompressed(photo))
    for assessment in (c, a):
        services.assessment_flags_compute(assessment_id=assessment.pk)
    reviewer = UserFactory(username="xuhui-reviewer", role=Role.CITY, region=region("310104"))
    return {"a": a, "reviewer": reviewer}


def test_the_reviewer_sees_the_flag_and_explains_it(flagged, browser_page, live_server):
    page = browser_page
    login(page, live_server, "xuhui-reviewer")
    page.goto(f"{live_server.url}/review/{flagged['a'].pk}/")
    box = page.get_by_test_id("integrity-flags-1")
    expect(box).to_contain_text("该陈述与 东华丙社区居委会（北京市，2021 年）的陈述")
    expect(page.get_by_test_id("integrity-flags-2")).to_contain_text(
        "该照片也由 东华丙社区居委会（北京市，2021 年）提交"
    )
    box.scroll_into_view_if_needed()
    screenshot(page, "integrity", "review-page-flags")

    flag = Flag.objects.get(assessment=flagged["a"], kind=FlagKind.STATEMENT)
    page.get_by_test_id(f"flag-open-{flag.pk}").click()
    expect(page.get_by_test_id("other-hidden")).to_be_visible()
    expect(page.get_by_test_id("other-side")).not_to_contain_text("9173")
    page.fill("textarea[name=note]", "两个社区引用了同一份区级范文，已核实现场情况属实")
    screenshot(page, "integrity", "flag-page")
    page.get_by_test_id("explain").click()

    expect(page.get_by_test_id("integrity-flags-1").get_by_test_id("flag-explained")).to_be_visible()
    expect(page.get_by_test_id("integrity-flags-1")).to_contain_text("两个社区引用了同一份区级范文")
    flag.refresh_from_db()
    assert flag.is_explained and flag.explained_by == flagged["reviewer"]

    page.set_viewport_size(PHONE)
    page.get_by_test_id("integrity-flags-2").scroll_into_view_if_needed()
    screenshot(page, "integrity", "review-page-flags-phone")
