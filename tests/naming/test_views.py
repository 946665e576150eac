import datetime as dt
import subprocess

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.assessments.models import Assessment, State
from apps.naming.models import Batch, NamingProcedure, Objection
from apps.naming.procedure import BatchState
from tests.assessments.conftest import PDF_BYTES

from .conftest import SHANGHAI, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607


def objection_data(assessment, **kw):
    data = {
        "community": str(assessment.pk),
        "criterion": "5",
        "text": "垃圾分类并未全覆盖。",
        "name": "王五",
        "phone": "13912345678",
    }
    data.update(kw)
    return data


# --- The province's pages -----------------------------------------------------------------------


def test_procedure_page_proposes_the_defaults_and_saves(client_for, province_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    client = client_for(province_user)
    page = client.get(reverse("naming:procedure") + "?year=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'value="7"' in html and 'value="calendar" checked' in html.replace('"  ', '" ') or "checked" in html
    )
    response = client.post(
        reverse("naming:procedure"),
        {"year": "2026", "notice_days": "10", "day_kind": "working", "namer": "province"},
    )
    assert response.status_code == 302
    assert NamingProcedure.objects.get(province_id=SHANGHAI, year=2026).notice_days == 10


def test_procedure_page_keeps_what_was_typed_on_refusal(client_for, province_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    response = client_for(province_user).post(
        reverse("naming:procedure"),
        {
            "year": "2026",
            "notice_days": "3",
            "day_kind": "working",
            "namer": "province",
            "issuing_body": "上海市住建委",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "公示期" in html or "5" in html
    assert "上海市住建委" in html and not NamingProcedure.objects.exists()


def test_province_creates_previews_and_publishes_a_batch(client_for, province_user, proposed_many, today):
    client = client_for(province_user)
    page = client.get(reverse("naming:batch-new") + "?year=2026")
    assert page.status_code == 200 and proposed_many[0].community.name in page.content.decode()
    response = client.post(
        reverse("naming:batch-new"),
        {
            "year": "2026",
            "title": "2026年第一批拟认定名单",
            "notice_start": TODAY.isoformat(),
            "assessments": [str(a.pk) for a in proposed_many],
        },
    )
    batch = Batch.objects.get()
    assert response.status_code == 302 and response.url == reverse("naming:batch", kwargs={"pk": batch.pk})
    preview = client.get(response.url).content.decode()
    assert "徐汇区" in preview and proposed_many[0].community.name in preview
    # Not public while a draft.
    assert client.get(reverse("public:batch", kwargs={"pk": batch.pk})).status_code == 404
    client.post(reverse("naming:batch-publish", kwargs={"pk": batch.pk}), {"expected_version": batch.version})
    assert Batch.objects.get().state == BatchState.PUBLISHED


def test_list_pages_query_count(client_for, province_user, published, django_assert_max_num_queries):
    client = client_for(province_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("naming:batches") + "?year=2026").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(reverse("naming:batch", kwargs={"pk": published.pk})).status_code == 200


def test_another_provinces_batch_does_not_exist(client_for, beijing_province_user, published):
    client = client_for(beijing_province_user)
    assert client.get(reverse("naming:batch", kwargs={"pk": published.pk})).status_code == 404
    assert published.title not in client.get(reverse("naming:batches") + "?year=2026").content.decode()


def test_naming_refused_while_the_notice_runs_is_told_on_the_page(
    client_for, province_user, published, today
):
    client = client_for(province_user)
    response = client.post(
        reverse("naming:batch-name", kwargs={"pk": published.pk}),
        {
            "document_number": "沪建〔2026〕1号",
            "document_date": TODAY.isoformat(),
            "expected_version": published.version,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert str(published.notice_end) in html and "沪建〔2026〕1号" in html
    assert not Assessment.objects.filter(state=State.APPROVED).exists()


# --- The public pages ------------------------------------------------------------------------------


def test_public_batch_page_groups_by_city_and_district_without_login(client, published, proposed_many):
    html = client.get(reverse("public:batch", kwargs={"pk": published.pk})).content.decode()
    assert published.title in html and "徐汇区" in html and proposed_many[0].community.name in html
    index = client.get(reverse("public:index")).content.decode()
    assert published.title in index


def test_public_batch_page_is_cheap_when_cached(client, published, django_assert_max_num_queries):
    url = reverse("public:batch", kwargs={"pk": published.pk})
    client.get(url)
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200


def test_public_objection_is_received_and_the_objector_never_shown(
    client, client_for, published, proposed_many, ministry_user, province_user
):
    url = reverse("public:batch-objection", kwargs={"pk": published.pk})
    response = client.post(
        url, {**objection_data(proposed_many[0]), "files": [SimpleUploadedFile("letter.pdf", PDF_BYTES)]}
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.objector_name == "王五" and objection.files.count() == 1
    public = client.get(reverse("public:batch", kwargs={"pk": published.pk})).content.decode()
    assert "王五" not in public and "13912345678" not in public and "垃圾分类并未全覆盖" not in public
    # The ministry reads the batch but never the objector; the province's staff see them.
    ministry = (
        client_for(ministry_user).get(reverse("naming:batch", kwargs={"pk": published.pk})).content.decode()
    )
    assert "垃圾分类并未全覆盖" in ministry and "王五" not in ministry and "13912345678" not in ministry
    staff = (
        client_for(province_user).get(reverse("naming:batch", kwargs={"pk": published.pk})).content.decode()
    )
    assert "王五" in staff and "13912345678" in staff


@pytest.mark.parametrize(
    ("kw", "message"),
    [({"phone": "12345"}, "手机号"), ({"text": ""}, "异议")],
)
def test_bad_public_objection_keeps_what_was_typed(client, published, proposed_many, kw, message):
    data = objection_data(proposed_many[0], **kw)
    response = client.post(reverse("public:batch-objection", kwargs={"pk": published.pk}), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "王五" in html
    if data["text"]:
        assert data["text"] in html
    assert not Objection.objects.exists()


def test_public_objection_after_the_period_is_refused_with_the_closing_date(
    client, published, proposed_many, today
):
    today.set(published.notice_end + dt.timedelta(days=1))
    url = reverse("public:batch-objection", kwargs={"pk": published.pk})
    assert str(published.notice_end) in client.get(url).content.decode()
    response = client.post(url, objection_data(proposed_many[0]))
    assert response.status_code == 409 and str(published.notice_end) in response.content.decode()
    assert not Objection.objects.exists()


def test_public_objections_are_throttled_per_address(client, published, proposed_many, settings):
    settings.OBJECTION_PER_ADDRESS_HOUR = 2
    url = reverse("public:batch-objection", kwargs={"pk": published.pk})
    statuses = [client.post(url, objection_data(proposed_many[i])).status_code for i in range(3)]
    assert statuses == [302, 302, 429]
    assert Objection.objects.count() == 2


def test_public_objections_are_capped_per_batch_and_day(client, published, proposed_many, settings):
    settings.OBJECTION_PER_BATCH_DAY = 1
    url = reverse("public:batch-objection", kwargs={"pk": published.pk})
    assert client.post(url, objection_data(proposed_many[0]), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(url, objection_data(proposed_many[1]), REMOTE_ADDR="10.0.0.2").status_code == 429


# --- Naming and its documents ------------------------------------------------------------------


def test_naming_through_the_page_and_the_pdfs(
    client, client_for, province_user, published, proposed_many, today, tmp_path
):
    staff = client_for(province_user)
    objection_url = reverse("public:batch-objection", kwargs={"pk": published.pk})
    client.post(objection_url, objection_data(proposed_many[0]))
    client.post(objection_url, objection_data(proposed_many[1], criterion=""))
    first, second = Objection.objects.order_by("pk")
    staff.post(
        reverse("naming:objection-resolve", kwargs={"pk": first.pk}),
        {"outcome": "upheld", "reason": "情况属实。", "to_level": "county"},
    )
    staff.post(
        reverse("naming:objection-resolve", kwargs={"pk": second.pk}),
        {"outcome": "dismissed", "reason": "不属实。"},
    )
    today.set(published.notice_end + dt.timedelta(days=1))
    response = staff.post(
        reverse("naming:batch-name", kwargs={"pk": published.pk}),
        {
            "document_number": "沪建〔2026〕88号",
            "document_date": today.value.isoformat(),
            "expected_version": Batch.objects.get().version,
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=proposed_many[0].pk).state == State.SUBMITTED
    assert Assessment.objects.filter(state=State.APPROVED).count() == 4
    text = pdf_text(
        client.get(reverse("public:batch-pdf", kwargs={"pk": published.pk, "kind": "naming"})).content,
        tmp_path,
    )
    assert "沪建〔2026〕88号" in text and "第1页共2页" in text.replace(" ", "")
    assert "关于命名2026年第一批绿色社区的通知" in text
    assert proposed_many[1].community.name in text and proposed_many[0].community.name not in text
    assert "徐汇区" in text and "王五" not in text
    notice = pdf_text(
        staff.get(reverse("naming:batch-pdf", kwargs={"pk": published.pk, "kind": "notice"})).content,
        tmp_path,
    )
    assert "公示" in notice and proposed_many[0].community.name in notice
    public = client.get(reverse("public:batch", kwargs={"pk": published.pk})).content.decode()
    assert "沪建〔2026〕88号" in public and proposed_many[0].community.name not in public


def test_the_procedure_and_the_batches_are_in_the_history(client_for, province_user, published):
    html = client_for(province_user).get(reverse("history")).content.decode()
    assert "设置命名程序" in html and "批次已发布公示" in html


def test_the_review_page_says_approving_proposes_under_a_procedure(
    client_for, procedure, recommended, province_user
):
    html = (
        client_for(province_user)
        .get(reverse("review:detail", kwargs={"pk": recommended.pk}))
        .content.decode()
    )
    assert "拟认定" in html and "经批次公示后予以命名" in html


def test_the_cached_public_list_changes_with_the_batch(
    client, province_user, published, proposed_many, today, django_capture_on_commit_callbacks
):
    url = reverse("public:batch", kwargs={"pk": published.pk})
    assert proposed_many[0].community.name in client.get(url).content.decode()
    from apps.naming import naming_act, objections

    with django_capture_on_commit_callbacks(execute=True):
        objections.objection_submit(
            batch=published, assessment_id=proposed_many[0].pk, text="异议", name="张三", phone="13812345678"
        )
    today.set(published.notice_end + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        naming_act.batch_name(
            user=province_user, batch=published, document_number="沪建〔2026〕9号", document_date=today.value
        )
    html = client.get(url).content.decode()
    assert proposed_many[0].community.name not in html and proposed_many[1].community.name in html


def test_the_pdfs_embed_a_cjk_font(client, published, tmp_path):
    path = tmp_path / "notice.pdf"
    path.write_bytes(
        client.get(reverse("public:batch-pdf", kwargs={"pk": published.pk, "kind": "notice"})).content
    )
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    assert "CJK" in fonts and " yes " in fonts  # embedded (subset)
