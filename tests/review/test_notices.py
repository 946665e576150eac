from django.urls import reverse

from apps.notices.models import Notice

LIST = reverse("notices:list")


def test_community_sees_and_reads_its_notices(client_for, community_user, city_user, submitted):
    from apps.review import services as review_services

    # The receipt of the submission (issue 20) was read when the committee opened its assessment.
    Notice.objects.filter(recipient=community_user).update(read_at=submitted.submitted_at)
    review_services.assessment_return(assessment=submitted, user=city_user, reason="材料不全")
    client = client_for(community_user)
    page = client.get(LIST)
    body = page.content.decode()
    assert "材料不全" in body and 'class="nav-count"' in body
    notice = Notice.objects.get(recipient=community_user, read_at=None)
    opened = client.post(reverse("notices:read", args=[notice.pk]), {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == f"/assessments/{submitted.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'class="nav-count"' not in client.get(LIST).content.decode()


def test_province_is_told_of_recommendations_and_marks_all_read(client_for, province_user, recommended):
    client = client_for(province_user)
    assert Notice.objects.filter(recipient=province_user, read_at=None).count() == 1
    assert client.post(reverse("notices:read-all")).status_code == 302
    assert not Notice.objects.filter(recipient=province_user, read_at=None).exists()


def test_another_users_notice_is_404(client_for, community_user, province_user, recommended):
    Notice.objects.filter(recipient=community_user).delete()  # its own receipt of the submission
    notice = Notice.objects.get(recipient=province_user)
    client = client_for(community_user)
    assert client.post(reverse("notices:read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    assert client.get(LIST).context["page"].paginator.count == 0


def test_notice_list_query_count(client_for, province_user, django_assert_max_num_queries, db):
    Notice.objects.bulk_create([Notice(recipient=province_user, text=f"通知{i}") for i in range(40)])
    client = client_for(province_user)
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


def test_notices_need_login(client, db):
    assert client.get(LIST).status_code == 302
