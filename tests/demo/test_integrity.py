"""`make run`: two demo communities of the demo street share a photo and a paragraph, the comparison
after their submit flags both, and the demo street office sees it on the review page; nothing else
of the demo is flagged."""

import io

import pytest
from django.urls import reverse

from apps.demo import campaign, standard
from apps.demo.accounts import seed_demo_accounts
from apps.integrity.models import Flag, FlagKind
from tests.review.test_demo import shanghai_registry

pytestmark = pytest.mark.django_db


def test_two_demo_communities_share_a_photo_and_a_paragraph(
    settings, client, django_capture_on_commit_callbacks, eager_tasks
):
    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    accounts = seed_demo_accounts()
    out = io.StringIO()
    standard.seed(accounts=accounts, stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        campaign.seed(accounts=accounts, stdout=out)
    pairs = {
        (f.kind, f.assessment.community_id, f.other_assessment.community_id)
        for f in Flag.objects.exclude(other_assessment=None)
    }
    shared = set(campaign._SHARED)
    assert {kind for kind, _a, _b in pairs} == {FlagKind.STATEMENT, FlagKind.PHOTO}
    assert {a for _k, a, _b in pairs} == shared and {b for _k, _a, b in pairs} == shared
    assert not Flag.objects.filter(kind__in=(FlagKind.OLD_PHOTO, FlagKind.NOT_COMPARABLE)).exists()

    flag = (
        Flag.objects.filter(kind=FlagKind.STATEMENT)
        .select_related("assessment", "other_assessment__community")
        .first()
    )
    client.force_login(accounts["street"])
    html = client.get(reverse("review:detail", args=[flag.assessment_id])).content.decode()
    assert flag.other_assessment.community.name in html and "该陈述与" in html and "该照片也由" in html
