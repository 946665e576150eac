"""?page: leaving it out is page 1; anything that is not a page number answers 404 as DRF answers
?page=abc (an empty ?page= included); ?page_size that is not a positive ASCII number is 400."""

import pytest

URL = "/api/v1/communities/"


def test_missing_page_is_the_first(api, province_user, xuhui_community):
    r = api(province_user).get(URL)
    assert r.status_code == 200 and r.json()["count"] == 1
    assert api(province_user).get(URL, {"page": "1"}).json()["results"] == r.json()["results"]


@pytest.mark.parametrize("page", ["", "0", "01", "abc", "٣", "1.0", " 1", "last", "2"])
def test_what_is_not_a_page_is_404(api, province_user, xuhui_community, page):
    r = api(province_user).get(f"{URL}?page={page}")
    assert r.status_code == 404, (page, r.content)
    assert r.json()["code"] == "not_found"


@pytest.mark.parametrize("size", ["", "0", "٣", "-1", "x"])
def test_bad_page_size_is_400(api, province_user, size):
    r = api(province_user).get(f"{URL}?page_size={size}")
    assert r.status_code == 400 and list(r.json()["fields"]) == ["page_size"]
