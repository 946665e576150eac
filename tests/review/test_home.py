from django.urls import reverse

from apps.assessments.models import State

from .conftest import make_assessments


def test_city_home_shows_counts_and_work_waiting(client_for, city_user, submitted):
    make_assessments(2, state=State.APPROVED)
    body = client_for(city_user).get(reverse("home")).content.decode()
    assert 'data-testid="review-panel"' in body
    assert "1 份自评等待您审核" in body and "已通过（达到创建要求）" in body


def test_province_home_panel(client_for, province_user, recommended):
    body = client_for(province_user).get(reverse("home")).content.decode()
    assert "省级审核认定" in body and "1 份自评等待您审核" in body


def test_community_home_has_no_review_panel(client_for, community_user, submitted):
    body = client_for(community_user).get(reverse("home")).content.decode()
    assert 'data-testid="review-panel"' not in body and 'data-testid="nav-review"' not in body
