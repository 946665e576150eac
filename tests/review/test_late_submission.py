"""A community's submission after 31 October is marked late in the review queue, on the
assessment and on the community's home."""

import datetime as dt

from django.urls import reverse

from apps.assessments.models import Assessment
from apps.core import campaign


def test_late_submission_is_marked_everywhere(submitted, client_for, city_user, community_user, monkeypatch):
    monkeypatch.setattr(campaign, "today", lambda: dt.date(2026, 11, 3))
    queue = reverse("review:queue")
    on_time = dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)
    Assessment.objects.filter(pk=submitted.pk).update(first_submitted_at=on_time, submitted_at=on_time)
    assert 'data-testid="late"' not in client_for(city_user).get(queue).content.decode()

    late_at = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # 2 November, 10:00 in Shanghai
    Assessment.objects.filter(pk=submitted.pk).update(first_submitted_at=late_at, submitted_at=late_at)
    row = client_for(city_user).get(queue).content.decode()
    assert 'data-testid="late"' in row and "逾期" in row

    client = client_for(community_user)
    home = client.get(reverse("home")).content.decode()
    assert "逾期提交" in home
    page = client.get(reverse("assessments:detail", args=[submitted.pk])).content.decode()
    assert "逾期提交" in page and "2026-10-31" in page
