"""Issue 14, "one review form": all criteria's verdicts and comments are one draft (review:verdicts)
that the page's script saves while the reviewer types; a decision takes the verdicts posted with
it, is refused while a criterion has no verdict (naming which), and needs the confirm step; round 2
marks what the community changed with the round-1 verdict beside it."""

from django.urls import reverse

from apps.assessments import services as assessment_services
from apps.assessments.models import State
from apps.assessments.selectors import assessment_detail
from apps.review import selectors, submit_services

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def verdicts_url(a):
    return reverse("review:verdicts", args=[a.pk])


def decide(a, action):
    return reverse("review:decide", args=[a.pk, action])


def all_confirmed(**overrides):
    data = {f"c{n}-verdict": "confirmed" for n in range(1, 17)}
    data.update({f"c{n}-comment": "" for n in range(1, 17)})
    data.update(overrides)
    return data


def test_the_draft_saves_every_criterion_posted_and_names_the_refused_field(client_for, city_user, submitted):
    response = client_for(city_user).post(
        verdicts_url(submitted),
        {
            "c3-verdict": "confirmed",
            "c3-comment": "照片清晰。",
            "c8-verdict": "not_confirmed",
            "c8-comment": "",
            "c12-verdict": "",
            "c12-comment": "物业合同待补充",
        },
        **FETCH,
    )
    assert response.status_code == 400
    data = response.json()
    assert data["status"] == "invalid" and list(data["errors"]) == ["c8-comment"]
    saved = {r.criterion.number: r for r in submitted.responses.select_related("criterion")}
    assert (saved[3].verdict, saved[3].review_comment) == ("confirmed", "照片清晰。")
    assert (saved[12].verdict, saved[12].review_comment) == ("", "物业合同待补充")
    assert saved[8].verdict == ""
    ok = client_for(city_user).post(
        verdicts_url(submitted), {"c8-verdict": "not_confirmed", "c8-comment": "只覆盖一个小区。"}, **FETCH
    )
    assert ok.status_code == 200 and ok.json()["message"].startswith("已保存 ")


def test_the_draft_after_the_session_ended_answers_401_json_and_get_goes_to_the_page(
    client, client_for, city_user, submitted
):
    response = client.post(verdicts_url(submitted), {"c3-verdict": "confirmed"}, **FETCH)
    assert response.status_code == 401 and response.json()["status"] == "signed_out"
    page = client_for(city_user).get(verdicts_url(submitted))
    assert page.status_code == 302 and page["Location"] == reverse("review:detail", args=[submitted.pk])
    assert client_for(city_user).get(decide(submitted, "return")).status_code == 302


def test_a_decision_is_refused_naming_the_criteria_without_a_verdict_and_keeps_the_comments(
    client_for, city_user, submitted
):
    data = all_confirmed(
        **{"c5-verdict": "", "c9-verdict": "", "c12-verdict": "not_confirmed", "c12-comment": "缺物业合同"}
    )
    data.pop("c9-verdict")
    response = client_for(city_user).post(
        decide(submitted, "return"),
        {**data, "expected_version": submitted.version, "reason": "材料不全", "confirm": "1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "尚无结论的指标：第5、9条" in page
    assert "缺物业合同" in page and "材料不全" in page
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    # What was posted is saved all the same: nothing typed is lost.
    assert submitted.responses.get(criterion__number=12).review_comment == "缺物业合同"


def test_a_decision_first_shows_the_summary_and_only_the_confirm_step_decides(
    client_for, city_user, submitted
):
    client = client_for(city_user)
    data = {
        **all_confirmed(**{"c12-verdict": "not_confirmed", "c12-comment": "缺物业合同"}),
        "expected_version": submitted.version,
        "reason": "材料不全",
    }
    asked = client.post(decide(submitted, "return"), data)
    assert asked.status_code == 200
    summary = asked.content.decode()
    assert "认可15项，不认可1项" in summary and "缺物业合同" in summary and "通知居委会" in summary
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    done = client.post(decide(submitted, "return"), {**data, "confirm": "1"})
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED


def test_round_two_marks_the_changed_criteria_with_the_round_one_verdict(
    client_for, city_user, community_user, submitted
):
    client = client_for(city_user)
    data = {
        **all_confirmed(**{"c12-verdict": "not_confirmed", "c12-comment": "缺物业合同"}),
        "expected_version": submitted.version,
        "reason": "材料不全",
        "confirm": "1",
    }
    assert client.post(decide(submitted, "return"), data).status_code == 302
    submitted.refresh_from_db()
    r12 = submitted.responses.get(criterion__number=12)
    assessment_services.response_save(
        response=r12, user=community_user, rating="met", statement="已补充物业合同。", figure=60
    )
    submit_services.assessment_submit(assessment=submitted, user=community_user)
    submitted.refresh_from_db()
    assessment, responses = assessment_detail(user=city_user, pk=submitted.pk)
    before = selectors.previous_round(assessment=assessment, responses=responses)
    assert [n for n, v in before.items() if v["changed"]] == [12]
    assert (before[12]["verdict"], before[12]["comment"]) == ("not_confirmed", "缺物业合同")
    assert before[3]["verdict"] == "confirmed"
    page = client.get(reverse("review:detail", args=[submitted.pk])).content.decode()
    assert "社区此后修改了1项指标" in page and page.count('data-testid="changed"') == 1


def test_get_of_the_single_verdict_url_goes_to_the_criterion_never_405(client_for, city_user, submitted):
    response = client_for(city_user).get(reverse("review:criterion", args=[submitted.pk, 4]))
    assert response.status_code == 302
    assert response["Location"] == reverse("review:detail", args=[submitted.pk]) + "#c4"
