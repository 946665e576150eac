"""The standards pages: bad input keeps what was typed with a Chinese message next to the field,
frozen and published versions refuse with the reason, scope, and query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.reports.figures import store
from apps.standards import services
from apps.standards.models import Criterion, StandardVersion
from apps.standards.selectors import national_standard
from tests.factories import AssessmentFactory, UserFactory, region

from .builders import criterion, variant_draft, variant_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(province_user):
    return services.standard_draft_start(
        user=province_user, province=region("31"), year=2026, source=national_standard()
    )


def form_data(standard: StandardVersion, **changes) -> dict:
    """Every field of the edit page as it is now, with `changes` ({"c12-threshold": "abc"})."""
    data = {
        "title_zh": standard.title_zh,
        "title_en": standard.title_en,
        "total_points": "" if standard.total_points is None else str(standard.total_points),
        "pass_mark": "" if standard.pass_mark is None else str(standard.pass_mark),
        "revision": str(standard.revision),
    }
    for c in Criterion.objects.filter(standard=standard):
        p = f"c{c.pk}-"
        data.update(
            {
                p + "number": str(c.number),
                p + "category": str(c.category_id),
                p + "national_criterion": str(c.national_criterion_id or ""),
                p + "text_zh": c.text_zh,
                p + "text_en": c.text_en,
                p + "kind": c.kind,
                p + "figure_label_zh": c.figure_label_zh,
                p + "threshold": "" if c.threshold is None else str(c.threshold),
                p + "points": "" if c.points is None else str(c.points),
            }
        )
        if c.requires_evidence:
            data[p + "requires_evidence"] = "on"
    data.update(changes)
    return data


def field_block(html: str, name: str) -> str:
    """The markup of one field's block on the page (label, input, messages)."""
    start = html.index(f'name="{name}"')
    block_start = html.rindex('<div class="std-field', 0, start)
    end = html.index('<div class="std-field', start) if '<div class="std-field' in html[start:] else len(html)
    return html[block_start:end]


def test_the_province_starts_a_draft_from_the_page(client_for, province_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    client = client_for(province_user)
    page = client.get(reverse("standards:index"))
    assert page.status_code == 200 and "制订年度本地标准" in page.content.decode()
    r = client.post(reverse("standards:start"), {"year": "2026", "source": str(national_standard().pk)})
    draft = StandardVersion.objects.get(province_id="310000000000", year=2026)
    assert r.status_code == 302 and r["Location"] == reverse("standards:detail", args=[draft.pk])
    again = client.post(reverse("standards:start"), {"year": "2026", "source": str(national_standard().pk)})
    assert again.status_code == 400 and "已有草稿" in again.content.decode()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("points", "５", "请用半角数字输入"),
        ("points", "五分", "请输入数字"),
        ("points", "-1", "分值应在0至1000之间"),
        ("threshold", "130", "应在0至100之间"),
        ("number", "abc", "请输入整数"),
        ("number", "2", "已被另一条目使用"),
    ],
)
def test_bad_input_keeps_what_was_typed_next_to_the_field(
    client_for, province_user, draft, field, typed, message
):
    twelve = criterion(draft, 12)
    name = f"c{twelve.pk}-{field}"
    data = form_data(draft, **{name: typed, f"c{criterion(draft, 1).pk}-text_zh": "改过的第一条"})
    r = client_for(province_user).post(reverse("standards:detail", args=[draft.pk]), data)
    assert r.status_code == 400
    html = r.content.decode()
    block = field_block(html, name)
    assert message in block, block
    assert f'value="{typed}"' in block
    assert "改过的第一条" in html  # another field's typed text stays too
    assert criterion(draft, 1).text_zh != "改过的第一条"  # and nothing was saved


def test_pass_mark_above_the_total_is_refused_next_to_it(client_for, province_user, draft):
    data = form_data(draft, total_points="100", pass_mark="120")
    r = client_for(province_user).post(reverse("standards:detail", args=[draft.pk]), data)
    assert r.status_code == 400
    assert "达标分数线应大于0且不超过总分（100分）。" in field_block(r.content.decode(), "pass_mark")
    draft.refresh_from_db()
    assert draft.total_points is None


def test_problems_show_next_to_their_fields_and_block_publishing(client_for, province_user, draft):
    client = client_for(province_user)
    one = criterion(draft, 1)
    two = criterion(draft, 2)
    # Local 1 now counts under national 2: national 1 is left with no local criterion.
    data = form_data(
        draft, **{f"c{one.pk}-national_criterion": str(two.national_criterion_id)}, total_points="100"
    )
    assert client.post(reverse("standards:detail", args=[draft.pk]), data).status_code == 302
    html = client.get(reverse("standards:detail", args=[draft.pk])).content.decode()
    row = html[html.index('id="national-1"') : html.index('id="national-2"')]
    assert "国家标准第1条没有对应的本地条目" in row
    assert "各条分值合计0分，与总分100分不符。" in field_block(html, "total_points")
    draft.refresh_from_db()
    r = client.post(reverse("standards:publish", args=[draft.pk]), {"revision": draft.revision})
    assert r.status_code == 400 and "标准暂不能发布" in r.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_split_add_and_drop_from_the_page(client_for, province_user, draft):
    client = client_for(province_user)
    url = reverse("standards:detail", args=[draft.pk])
    five = criterion(draft, 5)
    r = client.post(url, form_data(draft, action=f"split-{five.pk}"))
    assert r.status_code == 302
    draft.refresh_from_db()
    assert criterion(draft, 17).national_criterion_id == five.national_criterion_id
    r = client.post(url, form_data(draft, action="add"))
    draft.refresh_from_db()
    assert Criterion.objects.filter(standard=draft).count() == 18
    # The only criterion under national 1 cannot be dropped: the reason next to its row, and the
    # rest of what was typed is saved.
    one, added = criterion(draft, 1), criterion(draft, 18)
    # A new criterion needs its text before anything else can be saved.
    r = client.post(url, form_data(draft, action=f"drop-{one.pk}"))
    assert r.status_code == 400 and "请填写条目内容。" in field_block(
        r.content.decode(), f"c{added.pk}-text_zh"
    )
    r = client.post(
        url,
        form_data(draft, action=f"drop-{one.pk}", title_zh="沪标准", **{f"c{added.pk}-text_zh": "新增条目"}),
    )
    assert r.status_code == 400
    html = r.content.decode()
    card = html[html.index(f'id="c{one.pk}"') :]
    assert "是唯一对应国家标准第1条的本地条目" in card[: card.index("</article>")]
    draft.refresh_from_db()
    assert draft.title_zh == "沪标准" and Criterion.objects.filter(pk=one.pk).exists()
    r = client.post(url, form_data(draft, action=f"drop-{five.pk}"))
    assert r.status_code == 302 and not Criterion.objects.filter(pk=five.pk).exists()


def test_a_stale_form_is_refused_and_keeps_the_typing(client_for, province_user, draft):
    client = client_for(province_user)
    url = reverse("standards:detail", args=[draft.pk])
    stale = form_data(draft, title_zh="乙的名称")
    assert client.post(url, form_data(draft, title_zh="甲的名称")).status_code == 302
    r = client.post(url, stale)
    assert r.status_code == 409
    html = r.content.decode()
    assert "在此期间他人保存了本草稿" in html and 'value="乙的名称"' in html
    draft.refresh_from_db()
    assert draft.title_zh == "甲的名称"


def test_preview_then_publish_and_publishing_twice_is_refused(client_for, province_user):
    draft = variant_draft(province_user)
    client = client_for(province_user)
    html = client.get(reverse("standards:preview", args=[draft.pk])).content.decode()
    assert len(re.findall(r'data-testid="preview-criterion-\d+"', html)) == 18
    assert "本标准满分100分" in html and "达标分数线" not in html.split('data-testid="preview-score"')[0][-1:]
    r = client.post(reverse("standards:publish", args=[draft.pk]), {"revision": draft.revision})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published"
    again = client.post(reverse("standards:publish", args=[draft.pk]), {"revision": draft.revision})
    assert again.status_code == 409 and "不能再修改" in again.content.decode()
    edit = client.post(reverse("standards:detail", args=[draft.pk]), form_data(draft))
    assert edit.status_code == 409 and "不能再修改" in edit.content.decode()


def test_a_frozen_year_says_so(client_for, province_user, community_user, xuhui_community):
    published = variant_published(province_user)
    AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    html = client_for(province_user).get(reverse("standards:detail", args=[published.pk])).content.decode()
    assert "2026年已有1份自评开始填报" in html and "已锁定" in html
    assert 'data-testid="new-version"' not in html
    r = client_for(province_user).post(reverse("standards:new-version", args=[published.pk]))
    assert r.status_code == 409 and "已锁定" in r.content.decode()


def test_scope_another_province_is_404_the_ministry_reads_only(
    client_for, province_user, ministry_user, draft
):
    beijing = UserFactory(username="beijing-dept", role=Role.PROVINCE, region=region("11"))
    url = reverse("standards:detail", args=[draft.pk])
    assert client_for(beijing).get(url).status_code == 404
    assert client_for(beijing).post(url, form_data(draft)).status_code == 404
    ministry = client_for(ministry_user)
    page = ministry.get(url)
    assert page.status_code == 200 and 'name="title_zh"' not in page.content.decode()  # read only
    assert ministry.post(url, form_data(draft, title_zh="部里改的")).status_code == 403
    draft.refresh_from_db()
    assert draft.title_zh != "部里改的"


def test_committees_and_city_departments_have_no_standards_pages(client_for, community_user, city_user):
    for user in (community_user, city_user):
        assert client_for(user).get(reverse("standards:index")).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_pages_run_a_fixed_number_of_queries(client_for, province_user, ministry_user):
    client = client_for(province_user)
    first = variant_published(province_user, year=2025)
    few = {
        "index": _queries(client, reverse("standards:index")),
        "view": _queries(client, reverse("standards:detail", args=[first.pk])),
    }
    # More versions and provinces; a draft with more criteria.
    draft = variant_draft(province_user)
    for province in ("11", "12", "13"):
        variant_published(UserFactory(role=Role.PROVINCE, region=region(province)), province=province)
    national_draft = services.standard_draft_start(
        user=province_user, province=region("31"), year=2027, source=national_standard()
    )
    many = {
        "index": _queries(client, reverse("standards:index")),
        "view": _queries(client, reverse("standards:detail", args=[first.pk])),
    }
    assert few == many, (few, many)
    edit_16 = _queries(client, reverse("standards:detail", args=[national_draft.pk]))
    # The scored draft's page adds its what-if (apps.targets.whatif): the grouped query, last year's
    # stored figures, the area names, the targets; the unscored one has none.
    store.unit_figures_refresh(province_id="310000000000", years=[2025], compose_national=False)
    edit_18 = _queries(client, reverse("standards:detail", args=[draft.pk]))
    assert edit_16 + 4 >= edit_18 and edit_18 <= 25, (edit_16, edit_18)
    assert _queries(client, reverse("standards:preview", args=[national_draft.pk])) == _queries(
        client, reverse("standards:preview", args=[draft.pk])
    )
    ministry = client_for(ministry_user)
    assert _queries(ministry, reverse("standards:index")) <= 12
