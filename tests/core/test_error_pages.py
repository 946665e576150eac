"""Our own error pages: Chinese by default, English by choice, always with a way home."""

import pytest
from django.test import Client
from django.urls import reverse


def test_another_regions_community_answers_our_chinese_404(client_for, community_user, other_community):
    client = client_for(community_user)
    response = client.get(reverse("communities:detail", args=[other_community.code]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "返回首页" in body
    assert 'href="/"' in body
    assert "Not Found" not in body


def test_404_is_english_when_the_user_chose_english(client_for, community_user, other_community):
    client = client_for(community_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("communities:detail", args=[other_community.code]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Back to the home page" in body


def test_unknown_url_for_anonymous_is_our_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_csrf_failure_is_our_chinese_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "表单已失效" in body and "返回首页" in body


@pytest.mark.parametrize("name", ["400.html", "403.html", "404.html"])
def test_error_templates_render_in_chinese(name, rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    body = render_to_string(name, request=request)
    assert "返回首页" in body and 'lang="zh-hans"' in body


def test_500_page_is_plain_and_chinese(client, db, settings):
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "服务器出错了" in body and "返回首页" in body
