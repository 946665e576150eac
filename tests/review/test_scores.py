"""Scores in review (issue 12, item 3): each level confirms or corrects the score per criterion
(a correction with a comment), the confirmed total follows, and the province approves below the
pass mark only with a written reason that the history keeps."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.assessments import services
from apps.assessments.models import Action, Assessment, Response
from apps.core.errors import ServiceError
from apps.review import services as review_services
from apps.review import submit_services, verdict_services
from tests.assessments.test_scores import fill_scored
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory
from tests.review.conftest import confirmed
from tests.standards.builders import variant_published


@pytest.fixture
def scored_submitted(province_user, community_user, xuhui_community, settings):
    settings.CAMPAIGN_YEAR = 2026
    variant_published(province_user, year=2026)
    assessment = AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    fill_scored(assessment, community_user, score="4")
    return submit_services.assessment_submit(assessment=assessment, user=community_user)


def resp(assessment, number):
    return Response.objects.select_related("criterion", "assessment").get(
        assessment=assessment, criterion__number=number
    )


def confirm_all(assessment, user, score="4", **overrides):
    for number in range(1, 19):
        value = overrides.get(f"c{number}", score)
        verdict_services.response_review(
            response=resp(assessment, number),
            user=user,
            verdict="confirmed",
            comment="" if value == score else "佐证不足，扣分。",
            score=value,
        )
    assessment.refresh_from_db()
    return assessment


def test_a_level_confirms_and_corrects_scores_and_the_confirmed_total_follows(scored_submitted, city_user):
    a = scored_submitted
    assert a.self_total == Decimal(72) and a.confirmed_total is None
    verdict_services.response_review(response=resp(a, 1), user=city_user, verdict="confirmed", score="4")
    with pytest.raises(ServiceError) as exc:
        verdict_services.response_review(response=resp(a, 2), user=city_user, verdict="confirmed", score="2")
    assert exc.value.message == "第2条的得分由4改为2，请说明理由。" and exc.value.field == "comment"
    with pytest.raises(ServiceError) as exc:
        verdict_services.response_review(response=resp(a, 2), user=city_user, verdict="confirmed", score="6")
    assert exc.value.field == "score" and exc.value.code == "score_out_of_range"
    verdict_services.response_review(
        response=resp(a, 2), user=city_user, verdict="confirmed", score="2", comment="台账不全。"
    )
    a.refresh_from_db()
    # The scores as they stand: 4 and 2 confirmed, the 16 others as self-scored (4 each).
    direct = sum(r.self_score if r.confirmed_score is None else r.confirmed_score for r in a.responses.all())
    assert a.confirmed_total == direct == Decimal(70)
    event = a.events.filter(action=Action.REVIEWED).last()
    assert event.data["confirmed_score"] == "2" and event.data["corrected"] is True


def test_the_province_approves_below_the_pass_mark_only_with_a_reason(
    scored_submitted, city_user, province_user
):
    a = confirm_all(scored_submitted, city_user, c1="0", c2="0")
    assert a.confirmed_total == Decimal(64) < a.standard.pass_mark
    a = review_services.assessment_recommend(assessment=a, user=city_user)
    with pytest.raises(ServiceError) as exc:
        review_services.assessment_approve(assessment=a, user=province_user)
    assert exc.value.message == "核定总分64低于达标分数线70：须写明理由才能批准。"
    a.refresh_from_db()
    assert a.state == "recommended"
    approved = review_services.assessment_approve(
        assessment=a, user=province_user, reason="两项因疫情顺延，已书面承诺年内完成。"
    )
    assert approved.state == "approved"
    event = approved.events.get(action=Action.APPROVED)
    assert event.reason == "两项因疫情顺延，已书面承诺年内完成。"
    assert event.data["confirmed_total"] == "64" and event.data["pass_mark"] == "70"


def test_at_or_above_the_pass_mark_no_reason_is_needed(scored_submitted, city_user, province_user):
    a = confirm_all(scored_submitted, city_user)
    assert a.confirmed_total == Decimal(72)
    a = review_services.assessment_recommend(assessment=a, user=city_user)
    assert review_services.assessment_approve(assessment=a, user=province_user).state == "approved"


def test_a_resubmission_starts_without_confirmed_scores(scored_submitted, city_user, community_user):
    a = confirm_all(scored_submitted, city_user)
    a = review_services.assessment_return(assessment=a, user=city_user, reason="请补充。")
    services.response_save(
        response=resp(a, 1), user=community_user, rating="met", statement="补充了。", self_score="5"
    )
    a = submit_services.assessment_submit(assessment=a, user=community_user)
    a.refresh_from_db()
    assert a.confirmed_total is None and a.self_total == Decimal(73)
    assert not a.responses.exclude(confirmed_score=None).exists()


# --- Pages ---------------------------------------------------------------------------------------


def test_the_review_page_confirms_and_corrects_a_score(scored_submitted, city_user, client_for):
    client = client_for(city_user)
    url = reverse("review:detail", args=[scored_submitted.pk])
    body = client.get(url).content.decode()
    assert body.count('name="c1-score"') == 1 and 'name="c18-score" value="4"' in body
    assert "满分10分（自评4分）" in body
    criterion_url = reverse("review:criterion", args=[scored_submitted.pk, 2])
    res = client.post(criterion_url, {"c2-verdict": "confirmed", "c2-score": "2", "c2-comment": ""})
    assert res.status_code == 400
    body = res.content.decode()
    assert "第2条的得分由4改为2，请说明理由。" in body and 'name="c2-score" value="2"' in body
    res = client.post(criterion_url, {"c2-verdict": "confirmed", "c2-score": "2", "c2-comment": "台账不全。"})
    assert res.status_code == 302
    body = client.get(url).content.decode()
    total = body.split('data-testid="score-total"')[1].split("</dd>")[0]
    assert 'data-testid="confirmed-total">70</strong> / 100' in total and "达标分数线70" in total


def test_approving_below_the_pass_mark_on_the_page_needs_a_reason(
    scored_submitted, city_user, province_user, client_for
):
    a = confirm_all(scored_submitted, city_user, c1="0", c2="0")
    a = review_services.assessment_recommend(assessment=a, user=city_user)
    client = client_for(province_user)
    url = reverse("review:decide", args=[a.pk, "approve"])
    # The one review form posts both boxes: the approval's reason and the return's (empty).
    res = client.post(
        url, {**confirmed(a), "expected_version": a.version, "approve_reason": "", "reason": ""}
    )
    assert (
        res.status_code == 400 and "核定总分64低于达标分数线70：须写明理由才能批准。" in res.content.decode()
    )
    res = client.post(
        url,
        {**confirmed(a), "expected_version": a.version, "approve_reason": "已书面承诺整改。", "reason": ""},
    )
    assert res.status_code == 302
    assert a.events.get(action=Action.APPROVED).reason == "已书面承诺整改。"


def test_the_queue_shows_sorts_and_filters_by_score(
    province_user,
    city_user,
    community_user,
    xuhui_community,
    client_for,
    settings,
    django_assert_max_num_queries,
):
    settings.CAMPAIGN_YEAR = 2026
    variant_published(province_user, year=2026)
    communities = [xuhui_community, *CommunityFactory.create_batch(2, street=xuhui_community.street)]
    totals = {}
    for community, score in zip(communities, ["5", "3", "4"], strict=True):
        user = (
            community_user
            if community == xuhui_community
            else UserFactory(role=Role.COMMUNITY, community=community)
        )
        a = AssessmentFactory(community=community, year=2026, user=user, answered=False)
        fill_scored(a, user, score=score)
        totals[community.name] = submit_services.assessment_submit(assessment=a, user=user).self_total
    client = client_for(city_user)
    with django_assert_max_num_queries(20):
        body = client.get(
            reverse("review:queue"), {"state": "waiting", "year": 2026, "sort": "-score"}
        ).content.decode()
    names = [n for n in sorted(totals, key=lambda n: -totals[n])]
    positions = [body.index(n) for n in names]
    assert positions == sorted(positions)
    assert body.count('data-testid="queue-score"') == 3 and ">90</span> / 70" in body
    body = client.get(
        reverse("review:queue"), {"state": "waiting", "year": 2026, "score": "below"}
    ).content.decode()
    below = [n for n, t in totals.items() if t < 70]
    assert len(below) == 1 and below[0] in body
    assert all(n not in body for n in totals if n not in below)


def test_the_one_review_form_confirms_and_corrects_scores(scored_submitted, city_user, client_for):
    a = scored_submitted
    client = client_for(city_user)
    url = reverse("review:verdicts", args=[a.pk])
    # Criterion 1 confirmed as shown (the self-score 4), criterion 2 corrected without a comment.
    res = client.post(
        url,
        {
            "c1-verdict": "confirmed",
            "c1-comment": "",
            "c1-score": "4",
            "c2-verdict": "confirmed",
            "c2-score": "1",
        },
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert res.status_code == 400
    assert resp(a, 1).confirmed_score == Decimal(4)
    assert resp(a, 2).confirmed_score is None
    res = client.post(
        url,
        {"c2-verdict": "confirmed", "c2-comment": "台账不全。", "c2-score": "1"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert res.status_code == 200, res.content
    assert resp(a, 2).confirmed_score == Decimal(1)
    a.refresh_from_db()
    assert a.confirmed_total == sum(
        (r.confirmed_score if r.confirmed_score is not None else r.self_score) for r in a.responses.all()
    )


# --- Issue 20: a reason only below the pass mark (item 1), warnings only when true (item 2) -----


def _score_box(client, assessment) -> str:
    body = client.get(reverse("review:detail", args=[assessment.pk])).content.decode()
    return body.split('data-testid="score-total"')[1].split("</dd>")[0]


def test_before_any_level_confirmed_the_review_page_compares_the_self_score(
    scored_submitted, city_user, client_for
):
    a = scored_submitted
    assert a.confirmed_total is None and a.self_total == Decimal(72)
    box = _score_box(client_for(city_user), a)
    assert 'data-testid="self-total">72</strong> / 100（尚无核定分）' in box
    assert "达标分数线70" in box and "低于达标分数线" not in box and "confirmed-total" not in box


def test_a_self_score_below_the_pass_mark_is_flagged_as_such_until_a_level_confirms(
    province_user, community_user, xuhui_community, city_user, client_for, settings
):
    settings.CAMPAIGN_YEAR = 2026
    variant_published(province_user, year=2026)
    a = AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    fill_scored(a, community_user, score="3")  # 54
    a = submit_services.assessment_submit(assessment=a, user=community_user)
    client = client_for(city_user)
    assert 'data-testid="below-pass">自评分低于达标分数线</span>' in _score_box(client, a)
    a = confirm_all(a, city_user, score="3", c1="5", c2="5", c3="5", c4="5", c5="5", c6="5", c7="5", c8="5")
    box = _score_box(client, a)
    assert a.confirmed_total == Decimal(70)
    assert 'data-testid="confirmed-total">70</strong> / 100' in box and "低于达标分数线" not in box


def test_at_or_above_the_pass_mark_the_approval_asks_for_no_reason(
    scored_submitted, city_user, province_user, client_for
):
    a = confirm_all(scored_submitted, city_user)  # 72 ≥ 70
    a = review_services.assessment_recommend(assessment=a, user=city_user)
    client = client_for(province_user)
    body = client.get(reverse("review:detail", args=[a.pk])).content.decode()
    approve = body.split('data-testid="decide-approve"')[1].split("</div>")[0]
    assert "<textarea" not in approve and "低于达标分数线仍予批准的理由" not in body
    # The return's reason stays what that decision needs.
    returning = body.split('data-testid="decide-return"')[1].split("</div>")[0]
    assert "data-required-text" in returning
    res = client.post(
        reverse("review:decide", args=[a.pk, "approve"]),
        {**confirmed(a), "expected_version": a.version, "reason": ""},
    )
    assert res.status_code == 302
    a.refresh_from_db()
    assert a.state == "approved" and a.events.get(action=Action.APPROVED).reason == ""


def test_below_the_pass_mark_the_approval_box_is_its_own_and_required(
    scored_submitted, city_user, province_user, client_for
):
    a = confirm_all(scored_submitted, city_user, c1="0", c2="0")  # 64
    a = review_services.assessment_recommend(assessment=a, user=city_user)
    body = client_for(province_user).get(reverse("review:detail", args=[a.pk])).content.decode()
    approve = body.split('data-testid="decide-approve"')[1].split("</div>")[0]
    assert 'name="approve_reason"' in approve and "data-required-text" in approve
    assert body.count('id="id_reason"') == 1 and body.count('id="id_approve_reason"') == 1


def test_without_a_confirmed_score_the_self_score_decides_whether_a_reason_is_needed(
    scored_submitted, city_user, province_user
):
    # Through the API a level may decide without confirming scores: no confirmed total then.
    a = review_services.assessment_recommend(assessment=scored_submitted, user=city_user)
    assert a.confirmed_total is None and a.self_total == Decimal(72)
    assert review_services.assessment_approve(assessment=a, user=province_user).state == "approved"


def test_bulk_approval_above_the_pass_mark_needs_no_reason_and_below_is_sent_to_its_page(
    province_user, city_user, community_user, xuhui_community, client_for, settings
):
    settings.CAMPAIGN_YEAR = 2026
    variant_published(province_user, year=2026)
    communities = [xuhui_community, *CommunityFactory.create_batch(2, street=xuhui_community.street)]
    rows = []
    for community, score in zip(communities, ["4", "5", "3"], strict=True):
        user = (
            community_user
            if community == xuhui_community
            else UserFactory(role=Role.COMMUNITY, community=community)
        )
        a = AssessmentFactory(community=community, year=2026, user=user, answered=False)
        fill_scored(a, user, score=score)
        a = confirm_all(submit_services.assessment_submit(assessment=a, user=user), city_user, score=score)
        rows.append(review_services.assessment_recommend(assessment=a, user=city_user))
    above, below = rows[:2], rows[2]
    assert [a.confirmed_total for a in rows] == [Decimal(72), Decimal(90), Decimal(54)]
    client = client_for(province_user)
    # The queue offers the checkbox only to what can be approved as it is (not below the pass mark).
    queue = client.get(reverse("review:queue"), {"state": "recommended", "year": 2026}).content.decode()
    assert all(f'name="ids" value="{a.pk}"' in queue for a in above)
    assert (
        f'name="ids" value="{below.pk}"' not in queue
        and queue.count('<span class="muted"\n        title=') == 1
    )
    url = reverse("review:bulk-approve")
    body = client.post(url, {"ids": [a.pk for a in rows]}).content.decode()
    assert 'data-testid="bulk-below"' in body and below.community.name in body.split("bulk-below")[1]
    assert 'data-testid="bulk-confirm"' not in body
    forced = {"ids": [a.pk for a in rows], "confirm": "1", **{f"version_{a.pk}": a.version for a in rows}}
    res = client.post(url, forced)
    assert (
        res.status_code == 400
        and f"{below.community.name}：核定总分54低于达标分数线70" in res.content.decode()
    )
    body = client.post(url, {"ids": [a.pk for a in above]}).content.decode()
    assert 'data-testid="bulk-confirm"' in body and "bulk-below" not in body
    res = client.post(
        url, {"ids": [a.pk for a in above], "confirm": "1", **{f"version_{a.pk}": a.version for a in above}}
    )
    assert res.status_code == 302
    states = dict(Assessment.objects.filter(pk__in=[a.pk for a in rows]).values_list("pk", "state"))
    assert states == {above[0].pk: "approved", above[1].pk: "approved", below.pk: "recommended"}
