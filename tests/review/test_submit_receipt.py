"""The community committee gets a receipt when it submits (issue 20, item 9): what was received and
who decides next, as a notice on its assessment."""

from django.core import mail

from apps.notices.models import Notice
from apps.review import submit_services
from tests.assessments.conftest import fill


def test_submitting_leaves_a_receipt_notice_for_the_committee(
    community_user, city_user, assessment, django_capture_on_commit_callbacks
):
    community_user.email = "committee@example.org"
    community_user.save(update_fields=["email"])
    fill(assessment, community_user)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit_services.assessment_submit(assessment=assessment, user=community_user)
    receipt = Notice.objects.get(recipient=community_user, assessment=submitted)
    assert receipt.read_at is None and receipt.url == f"/assessments/{submitted.pk}/"
    assert f"您的{submitted.year}年度自评已收到（第1轮）" in receipt.text
    assert "市县住房和城乡建设部门" in receipt.text  # the first level of the default chain
    assert any("已收到" in m.subject for m in mail.outbox if "committee@example.org" in m.to)
    # The reviewers are told too, as before; nobody else gets the receipt.
    assert not Notice.objects.filter(recipient=city_user, text__contains="已收到").exists()
