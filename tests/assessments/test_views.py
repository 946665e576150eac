"""The community's self-assessment pages: scope, saving without losing text, uploads, submit, return."""

import hashlib
import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from apps.accounts.models import Role
from apps.assessments import services
from apps.assessments.models import Evidence, Rating, State
from apps.review import services as review_services
from tests.factories import CommunityFactory, UserFactory, region

from .conftest import PDF_BYTES, fill, png_bytes


def crit_url(assessment, number):
    return reverse("assessments:criterion", args=[assessment.pk, number])


def detail_url(assessment):
    return reverse("assessments:detail", args=[assessment.pk])


def post_criterion(client, assessment, number, **data):
    response = assessment.responses.get(criterion__number=number)
    payload = {"rating": "", "statement": "", "figure": "", "caption": "", "version": response.version}
    payload.update(data)
    return client.post(crit_url(assessment, number), payload)


# --- Home panel ----------------------------------------------------------------


def test_home_opens_this_years_assessment_with_one_button(client_for, community_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    client = client_for(community_user)
    body = client.get(reverse("home")).content.decode()
    assert "开始2026年度自评" in body
    response = client.post(reverse("assessments:open"))
    assessment = community_user.community.assessments.get(year=2026)
    assert response.status_code == 302 and response["Location"] == detail_url(assessment)
    assert client.post(reverse("assessments:open")).status_code == 302  # idempotent
    assert community_user.community.assessments.count() == 1
    body = client.get(reverse("home")).content.decode()
    assert "草稿" in body and "0 / 16 条已填写，0 条有佐证材料" in body
    assert "截止" in body or "天" in body


def test_only_a_committee_member_opens_an_assessment(client_for, city_user, xuhui_community):
    assert client_for(city_user).post(reverse("assessments:open")).status_code == 403
    assert not xuhui_community.assessments.exists()


def test_home_shows_the_returned_reason_first(client_for, submitted, community_user, city_user, settings):
    settings.CAMPAIGN_YEAR = submitted.year
    review_services.assessment_return(
        assessment=submitted, user=city_user, reason="照片不清晰", comments={3: "请补充设计师进社区的照片"}
    )
    body = client_for(community_user).get(reverse("home")).content.decode()
    assert "退回修改" in body
    assert body.index("照片不清晰") < body.index("进度")
    assert "请补充设计师进社区的照片" in body


def test_nav_link_goes_to_the_current_assessment(client_for, assessment, community_user, settings):
    settings.CAMPAIGN_YEAR = assessment.year
    response = client_for(community_user).get(reverse("assessments:current"))
    assert response["Location"] == detail_url(assessment)


# --- The page --------------------------------------------------------------------


def test_page_shows_16_criteria_under_5_categories_in_chinese(client_for, assessment, community_user):
    body = client_for(community_user).get(detail_url(assessment)).content.decode()
    assert "建立健全社区人居环境建设和整治机制" in body and "培育社区绿色文化" in body
    assert "物业管理覆盖面不低于30%" in body
    assert body.count("data-criterion-form") == 16
    assert "达到" in body and "基本达到" in body and "未达到" in body
    assert 'name="version"' in body and 'name="files"' in body and "multiple" in body
    assert 'id="c5_figure"' in body and 'id="c12_figure"' in body and 'id="c1_figure"' not in body


def test_save_then_come_back_sees_everything(client_for, assessment, community_user):
    client = client_for(community_user)
    response = post_criterion(
        client, assessment, 12, rating=Rating.MET, statement="物业全覆盖。", figure="45"
    )
    assert response.status_code == 302 and response["Location"].endswith("#c12")
    body = client.get(detail_url(assessment)).content.decode()
    assert "物业全覆盖。" in body and 'value="45"' in body and "第12条已保存" in body
    r = assessment.responses.get(criterion__number=12)
    assert r.rating == Rating.MET and r.version == 1


@pytest.mark.parametrize(
    ("number", "data", "message"),
    [
        (1, {"rating": "met", "statement": ""}, "达到和基本达到须填写工作情况说明"),
        (12, {"rating": "met", "statement": "有物业。", "figure": "150"}, "0到100之间"),
        (12, {"rating": "met", "statement": "有物业。", "figure": "abc"}, "0到100之间"),
        (12, {"rating": "met", "statement": "有物业。", "figure": "20"}, "至少为30%"),
        (5, {"rating": "met", "statement": "分类。", "figure": "90"}, "至少为100%"),
        (5, {"rating": "largely_met", "statement": "分类。", "figure": ""}, "请填写"),
    ],
)
def test_refused_save_keeps_what_was_typed(client_for, assessment, community_user, number, data, message):
    client = client_for(community_user)
    typed = {"statement": data["statement"] or "", **data}
    response = post_criterion(client, assessment, number, **typed)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    if typed["statement"]:
        assert typed["statement"] in body
    if typed.get("figure"):
        assert f'value="{typed["figure"]}"' in body
    assert 'value="met"' in body or 'value="largely_met"' in body
    r = assessment.responses.get(criterion__number=number)
    assert r.rating == "" and r.version == 0


def test_refused_upload_keeps_the_saved_text(client_for, assessment, community_user):
    client = client_for(community_user)
    r = assessment.responses.get(criterion__number=2)
    fake = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    response = client.post(
        crit_url(assessment, 2),
        {
            "rating": "met",
            "statement": "每月开展议事会。",
            "version": r.version,
            "files": [fake],
            "caption": "",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "photo.jpg 未能添加" in body and "不支持的文件类型" in body
    assert "第2条的文字已保存" in body and "每月开展议事会。" in body
    r.refresh_from_db()
    assert r.statement == "每月开展议事会。" and r.version == 1
    assert not Evidence.objects.filter(response=r).exists()
    # The form now carries the new version: saving again is not a conflict.
    assert 'name="version" value="1"' in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.pdf", b"", "文件为空"),
        ("big.pdf", PDF_BYTES + b"0" * 3000, "文件过大"),
        ("evil.png", b"MZ\x90\x00\x03" + b"\x00" * 100, "不支持的文件类型"),
        ("page.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "不支持的文件类型"),
    ],
)
def test_bad_files_get_a_chinese_message(
    client_for, assessment, community_user, settings, name, content, message
):
    settings.EVIDENCE_MAX_BYTES = 2000
    client = client_for(community_user)
    r = assessment.responses.get(criterion__number=4)
    response = client.post(
        crit_url(assessment, 4),
        {"version": r.version, "files": [SimpleUploadedFile(name, content)], "caption": ""},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.filter(response=r).exists()


def test_several_files_with_caption_and_thumbnails(
    client_for, assessment, community_user, png_upload, pdf_upload
):
    client = client_for(community_user)
    r = assessment.responses.get(criterion__number=7)
    response = client.post(
        crit_url(assessment, 7),
        {"version": r.version, "files": [png_upload("绿地.png"), pdf_upload()], "caption": "中心绿地"},
    )
    assert response.status_code == 302
    files = list(Evidence.objects.filter(response=r).order_by("id"))
    assert [e.kind for e in files] == ["png", "pdf"] and {e.caption for e in files} == {"中心绿地"}
    body = client.get(detail_url(assessment)).content.decode()
    assert reverse("assessments:evidence-thumbnail", args=[files[0].pk]) in body
    assert reverse("assessments:evidence", args=[files[1].pk]) in body
    assert "绿地.png" in body and "中心绿地" in body


def test_heic_photo_is_accepted_with_a_thumbnail(client_for, assessment, community_user):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 160, 90)).save(buf, "HEIF")
    r = assessment.responses.get(criterion__number=9)
    response = client_for(community_user).post(
        crit_url(assessment, 9),
        {"version": r.version, "files": [SimpleUploadedFile("IMG_0001.HEIC", buf.getvalue())], "caption": ""},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(response=r)
    assert evidence.kind == "heic" and evidence.thumbnail


def test_upload_over_1_mb_streams_to_a_temporary_file(client_for, assessment, community_user, monkeypatch):
    seen = []
    original = services.evidence_add

    def spy(**kwargs):
        seen.append(type(kwargs["uploaded_file"]))
        return original(**kwargs)

    monkeypatch.setattr(services, "evidence_add", spy)
    content = PDF_BYTES + os.urandom(3 * 1024 * 1024)
    r = assessment.responses.get(criterion__number=14)
    response = client_for(community_user).post(
        crit_url(assessment, 14),
        {"version": r.version, "files": [SimpleUploadedFile("培训.pdf", content)], "caption": ""},
    )
    assert response.status_code == 302
    assert seen == [TemporaryUploadedFile]
    evidence = Evidence.objects.get(response=r)
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    with evidence.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == evidence.sha256


def test_remove_evidence_while_editable(client_for, assessment, community_user, png_upload):
    r = assessment.responses.get(criterion__number=1)
    e = services.evidence_add(response=r, user=community_user, uploaded_file=png_upload())
    client = client_for(community_user)
    response = client.post(reverse("assessments:evidence-remove", args=[assessment.pk, e.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#c1")
    assert not Evidence.objects.filter(pk=e.pk).exists()


def test_fetch_save_answers_json_with_the_criterion_html(client_for, assessment, community_user):
    client = client_for(community_user)
    r = assessment.responses.get(criterion__number=3)
    response = client.post(
        crit_url(assessment, 3),
        {"rating": "not_met", "statement": "", "version": r.version, "caption": ""},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and data["answered"] == 1 and 'id="c3"' in data["html"]
    bad = client.post(
        crit_url(assessment, 3),
        {"rating": "met", "statement": "", "version": 1, "caption": ""},
        headers={"X-Requested-With": "fetch"},
    )
    assert bad.status_code == 400 and not bad.json()["ok"] and "工作情况说明" in bad.json()["html"]


# --- Two members at once --------------------------------------------------------


def _two_members_save_the_same_version(assessment, community_user):
    from django.test import Client

    colleague = UserFactory(username="colleague", role=Role.COMMUNITY, community=community_user.community)
    r = assessment.responses.get(criterion__number=6)
    first, second = Client(), Client()
    first.force_login(community_user)
    second.force_login(colleague)
    ok = first.post(
        crit_url(assessment, 6), {"rating": "met", "statement": "节能改造。", "version": r.version}
    )
    assert ok.status_code == 302
    stale = second.post(
        crit_url(assessment, 6), {"rating": "largely_met", "statement": "透水铺装。", "version": r.version}
    )
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "其他人已保存了第6条" in body
    assert "透水铺装。" in body and "节能改造。" in body  # both: nothing lost, nothing hidden
    r.refresh_from_db()
    assert r.statement == "节能改造。" and r.version == 1
    assert 'name="version" value="1"' in body  # saving again now is a deliberate overwrite
    again = second.post(
        crit_url(assessment, 6), {"rating": "largely_met", "statement": "透水铺装。", "version": 1}
    )
    assert again.status_code == 302
    r.refresh_from_db()
    assert r.statement == "透水铺装。"


@pytest.mark.services
def test_stale_save_gets_the_conflict_message_on_postgresql(assessment, community_user):
    assert connection.vendor == "postgresql"
    _two_members_save_the_same_version(assessment, community_user)


def test_stale_save_gets_the_conflict_message(assessment, community_user):
    """The same on whatever database the run uses (SQLite by default)."""
    _two_members_save_the_same_version(assessment, community_user)


# --- Submit, read-only, return ------------------------------------------------


def test_submit_lists_exactly_what_is_missing(client_for, assessment, community_user):
    client = client_for(community_user)
    post_criterion(client, assessment, 1, rating="met", statement="共同缔造。")
    body = client.get(reverse("submission:submit", args=[assessment.pk])).content.decode()
    assert "第1条：自评为“达到”，但没有佐证材料。" in body
    assert "第2条：尚未自评。" in body and "第16条：尚未自评。" in body
    response = client.post(
        reverse("submission:submit", args=[assessment.pk]), {"version": assessment.version}
    )
    assert response.status_code == 400 and "第16条：尚未自评。" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == State.DRAFT


def test_submit_makes_the_page_read_only_and_a_second_submit_changes_nothing(
    client_for, filled, community_user
):
    client = client_for(community_user)
    url = reverse("submission:submit", args=[filled.pk])
    assert "确认提交" in client.get(url).content.decode()
    response = client.post(url, {"version": filled.version})
    assert response.status_code == 302
    filled.refresh_from_db()
    assert filled.state == State.SUBMITTED
    body = client.get(detail_url(filled)).content.decode()
    assert "已提交" in body and "只读" in body
    assert "data-criterion-form" not in body and "删除" not in body
    # The same submit again (double click, back button): the outcome of the first (issue 20).
    again = client.post(url, {"version": filled.version - 1}, follow=True)
    assert "自评已提交审核，未重复提交" in again.content.decode()
    assert filled.events.filter(action="submitted").count() == 1
    r = filled.responses.get(criterion__number=1)
    refused = client.post(crit_url(filled, 1), {"rating": "not_met", "version": r.version})
    assert refused.status_code == 400 and "不能再修改" in refused.content.decode()


def test_returned_assessment_shows_comments_and_earlier_version(
    client_for, submitted, community_user, city_user
):
    review_services.assessment_return(
        assessment=submitted, user=city_user, reason="佐证不足", comments={8: "请补充消防通道照片"}
    )
    client = client_for(community_user)
    body = client.get(detail_url(submitted)).content.decode()
    assert "佐证不足" in body and "请补充消防通道照片" in body
    assert body.index("请补充消防通道照片") > body.index("社区停车秩序规范")
    assert body.count("data-criterion-form") == 16
    assert reverse("assessments:round", args=[submitted.pk, 1]) in body
    submit_url = reverse("submission:submit", args=[submitted.pk])
    submitted.refresh_from_db()
    unchanged = client.post(submit_url, {"version": submitted.version})
    assert unchanged.status_code == 400 and "退回后尚未作任何修改" in unchanged.content.decode()
    post_criterion(client, submitted, 8, rating="met", statement="消防通道已清理，照片见附件。")
    assert client.post(submit_url, {"version": submitted.version}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED and submitted.round == 2
    earlier = client.get(reverse("assessments:round", args=[submitted.pk, 1])).content.decode()
    assert "已完成整治。" in earlier and "佐证不足" in earlier and "请补充消防通道照片" in earlier
    assert "消防通道已清理" not in earlier
    assert client.get(reverse("assessments:round", args=[submitted.pk, 3])).status_code == 404


# --- Scope -----------------------------------------------------------------------


def _urls(assessment, evidence):
    return [
        ("get", detail_url(assessment)),
        ("post", crit_url(assessment, 1)),
        ("post", reverse("assessments:evidence-remove", args=[assessment.pk, evidence.pk])),
        ("get", reverse("submission:submit", args=[assessment.pk])),
        ("post", reverse("submission:submit", args=[assessment.pk])),
        ("get", reverse("assessments:round", args=[assessment.pk, 1])),
    ]


@pytest.mark.parametrize("who", ["other_committee", "beijing_province", "other_district"])
def test_every_url_answers_404_out_of_scope(client_for, submitted, community_user, who, settings):
    review_services.assessment_return(assessment=submitted, user=_city(), reason="请修改")
    evidence = Evidence.objects.filter(response__assessment=submitted).first()
    users = {
        "other_committee": lambda: UserFactory(
            username="bj-committee",
            role=Role.COMMUNITY,
            community=CommunityFactory(street=region("110101001")),
        ),
        "beijing_province": lambda: UserFactory(username="bj-prov", role=Role.PROVINCE, region=region("11")),
        "other_district": lambda: UserFactory(username="huangpu", role=Role.CITY, region=region("310101")),
    }
    client = client_for(users[who]())
    for method, url in _urls(submitted, evidence):
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(reverse("assessments:evidence", args=[evidence.pk])).status_code == 404


def _city():
    return UserFactory(username="xuhui-dept", role=Role.CITY, region=region("310104"))


def test_reviewer_in_scope_sees_the_page_read_only_and_cannot_post(client_for, submitted, city_user):
    review_services.assessment_return(assessment=submitted, user=city_user, reason="请修改")
    evidence = Evidence.objects.filter(response__assessment=submitted).first()
    client = client_for(city_user)
    body = client.get(detail_url(submitted)).content.decode()
    assert "data-criterion-form" not in body and "已完成整治。" in body
    for method, url in _urls(submitted, evidence)[1:5]:
        assert getattr(client, method)(url).status_code == 403, url
    assert Evidence.objects.filter(pk=evidence.pk, withdrawn_round__isnull=True).exists()


# --- Queries -------------------------------------------------------------------


def test_page_queries_are_few_and_do_not_grow_with_evidence(client_for, assessment, community_user):
    client = client_for(community_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(detail_url(assessment)).status_code == 200
        return len(ctx.captured_queries)

    fill(assessment, community_user)  # 16 files
    few = count()
    for r in assessment.responses.all()[:5]:
        for _ in range(3):
            services.evidence_add(
                response=r,
                user=community_user,
                uploaded_file=SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
            )
    many = count()
    assert few == many
    assert many < 15
    print(f"assessment page: {many} queries")


def test_files_chosen_with_a_refused_text_are_added_and_the_text_kept(
    client_for, assessment, community_user, pdf_upload
):
    """Issue 14: files chosen with a text that fails were dropped ("请先修改文字，再重新选择文件").
    Now they are added all the same, the typed text stays in the form, and the message says so."""
    r = assessment.responses.get(criterion__number=11)
    response = client_for(community_user).post(
        crit_url(assessment, 11),
        {
            "rating": "met",
            "statement": "",
            "version": r.version,
            "files": [pdf_upload("会议纪要.pdf")],
            "caption": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "已添加：会议纪要.pdf" in page
    assert "请先修改文字，再重新选择文件" not in page
    assert list(Evidence.objects.filter(response=r).values_list("original_name", flat=True)) == [
        "会议纪要.pdf"
    ]
    r.refresh_from_db()
    assert r.rating == ""  # the refused text was not saved ...
    form = page[page.index('id="c11"') :]
    assert re.search(
        r'<input type="radio" name="rating" value="met"[^>]*checked', form
    )  # ... but is still shown


FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def autosave(client, assessment, number, **data):
    response = assessment.responses.get(criterion__number=number)
    payload = {"rating": "", "statement": "", "version": response.version, "autosave": "1"}
    payload.update(data)
    return client.post(crit_url(assessment, number), payload, **FETCH)


def test_autosave_saves_the_text_and_answers_the_time_and_version(client_for, assessment, community_user):
    client = client_for(community_user)
    response = autosave(client, assessment, 3, rating="largely_met", statement="正在推进垃圾分类。")
    assert response.status_code == 200
    data = response.json()
    r = assessment.responses.get(criterion__number=3)
    assert (r.rating, r.statement) == ("largely_met", "正在推进垃圾分类。")
    assert data["status"] == "saved" and data["version"] == r.version
    assert len(data["saved_at"]) == 5 and data["message"] == f"已保存 {data['saved_at']}"
    # The next autosave is based on the answered version: no conflict.
    again = autosave(
        client, assessment, 3, rating="largely_met", statement="正在推进垃圾分类，已覆盖三个小区。"
    )
    assert again.status_code == 200, again.content
    assert again.json()["version"] == r.version + 1


def test_autosave_refusal_names_the_field_and_saves_nothing(client_for, assessment, community_user):
    response = autosave(client_for(community_user), assessment, 3, rating="met", statement="")
    assert response.status_code == 400
    data = response.json()
    assert data["status"] == "invalid"
    assert "statement" in data["errors"]
    assert assessment.responses.get(criterion__number=3).rating == ""


def test_save_after_the_session_ended_answers_401_json_not_the_login_page(client, assessment):
    """Issue 14: the save after the idle logout showed the login page and lost the text."""
    r = assessment.responses.get(criterion__number=2)
    response = client.post(
        crit_url(assessment, 2),
        {"rating": "met", "statement": "长文", "version": r.version, "autosave": "1"},
        **FETCH,
    )
    assert response.status_code == 401
    data = response.json()
    assert data["status"] == "signed_out"
    assert data["login_url"] == reverse("login")
    assert "没有丢失" in data["message"]
    # Without the script's header (a plain post), the login page as before.
    plain = client.post(crit_url(assessment, 2), {"rating": "met"})
    assert plain.status_code == 302 and reverse("login") in plain["Location"]


def test_get_of_the_save_url_goes_to_the_page_never_405(client, client_for, assessment, community_user):
    """Issue 14: after signing in, the login page's `next` (the save URL) answered HTTP ERROR 405."""
    url = crit_url(assessment, 4)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    signed_in = client_for(community_user).get(url)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == detail_url(assessment) + "#c4"
    evidence_remove = client_for(community_user).get(
        reverse("assessments:evidence-remove", args=[assessment.pk, 1])
    )
    assert evidence_remove.status_code == 302 and evidence_remove["Location"] == detail_url(assessment)


def test_scripts_get_answers_whether_signed_in_and_a_fresh_csrf_token(
    client, client_for, assessment, community_user
):
    url = crit_url(assessment, 4)
    assert client.get(url, **FETCH).json()["signed_in"] is False
    data = client_for(community_user).get(url, **FETCH).json()
    assert data["signed_in"] is True and len(data["csrf"]) == 64


def test_removing_a_submitted_file_after_return_keeps_it_in_the_earlier_version(
    client_for, submitted, community_user, city_user
):
    review_services.assessment_return(assessment=submitted, user=city_user, reason="请更换第1条材料")
    evidence = Evidence.objects.get(response__assessment=submitted, response__criterion__number=1)
    client = client_for(community_user)
    client.post(reverse("assessments:evidence-remove", args=[submitted.pk, evidence.pk]))
    evidence.refresh_from_db()
    assert evidence.withdrawn_round == 1 and evidence.file.storage.exists(evidence.file.name)
    body = client.get(detail_url(submitted)).content.decode()
    assert reverse("assessments:evidence", args=[evidence.pk]) not in body
    earlier = client.get(reverse("assessments:round", args=[submitted.pk, 1])).content.decode()
    assert reverse("assessments:evidence", args=[evidence.pk]) in earlier
    assert client.get(reverse("assessments:evidence", args=[evidence.pk])).status_code == 200


def test_community_sees_the_history_timeline_with_the_return_reason(
    client_for, submitted, community_user, city_user
):
    review_services.assessment_return(assessment=submitted, user=city_user, reason="照片不清晰,请补拍")
    page = client_for(community_user).get(reverse("assessments:detail", args=[submitted.pk])).content.decode()
    assert 'data-testid="history"' in page
    assert "照片不清晰,请补拍" in page and "退回修改" in page
