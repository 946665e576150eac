"""Composing, publishing and freezing local standards (apps.standards.services)."""

from decimal import Decimal

import pytest

from apps.accounts.models import Role
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.core.models import TraceEvent, TraceKind
from apps.standards import checks, editing, services
from apps.standards.models import Category, Criterion, StandardState, StandardVersion
from apps.standards.selectors import national_standard, standard_for
from tests.factories import AssessmentFactory, UserFactory, region

from .builders import VARIANT_MAPPING, criterion, row, variant_draft, variant_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(province_user):
    return services.standard_draft_start(
        user=province_user, province=region("31"), year=2026, source=national_standard()
    )


def test_start_copies_the_national_standard_mapped_onto_itself(draft, province_user):
    national = {c.number: c.pk for c in Criterion.objects.filter(standard=national_standard())}
    copied = {c.number: c.national_criterion_id for c in Criterion.objects.filter(standard=draft)}
    assert copied == national
    assert Category.objects.filter(standard=draft).count() == 5
    assert (draft.state, draft.version, draft.year, draft.province_id) == ("draft", 1, 2026, "310000000000")
    assert criterion(draft, 12).threshold == 30 and criterion(draft, 12).kind == "percent"
    assert draft.title_zh == "上海市绿色社区创建标准（2026年）"
    entry = TraceEvent.objects.get(kind=TraceKind.STANDARD)
    assert (entry.action, entry.actor, entry.province_id) == (
        "standard_drafted",
        province_user,
        "310000000000",
    )


def test_only_the_provinces_own_department_starts_a_draft(db, ministry_user):
    beijing = UserFactory(username="beijing-dept", role=Role.PROVINCE, region=region("11"))
    for user in (ministry_user, beijing):
        with pytest.raises(ForbiddenError):
            services.standard_draft_start(
                user=user, province=region("31"), year=2026, source=national_standard()
            )
    assert not StandardVersion.objects.filter(province__isnull=False).exists()


def test_one_draft_per_year(draft, province_user):
    with pytest.raises(ConflictError) as exc:
        services.standard_draft_start(
            user=province_user, province=region("31"), year=2026, source=national_standard()
        )
    assert exc.value.code == "draft_exists"


def test_a_year_with_an_opened_assessment_is_frozen(province_user, community_user, xuhui_community):
    AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    with pytest.raises(ConflictError) as exc:
        services.standard_draft_start(
            user=province_user, province=region("31"), year=2026, source=national_standard()
        )
    assert exc.value.code == "frozen"
    assert "1" in exc.value.message and "2026" in exc.value.message
    # Another year is still open.
    services.standard_draft_start(
        user=province_user, province=region("31"), year=2027, source=national_standard()
    )


def test_editing_a_draft_frozen_after_it_was_started_is_refused(
    draft, province_user, community_user, xuhui_community
):
    AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    c = criterion(draft, 1)
    with pytest.raises(ConflictError) as exc:
        editing.standard_update(
            standard=draft, user=province_user, data={}, criteria={c.pk: row(c, text_zh="改")}
        )
    assert exc.value.code == "frozen"
    assert criterion(draft, 1).text_zh == c.text_zh


def test_swapping_two_numbers_is_allowed(draft, province_user):
    three, four = criterion(draft, 3), criterion(draft, 4)
    editing.standard_update(
        standard=draft,
        user=province_user,
        data={},
        criteria={three.pk: row(three, number=4), four.pk: row(four, number=3)},
    )
    assert criterion(draft, 3).national_criterion.number == 4
    assert criterion(draft, 4).national_criterion.number == 3


def test_refused_fields_are_all_reported_and_nothing_is_saved(draft, province_user):
    one, two, twelve = criterion(draft, 1), criterion(draft, 2), criterion(draft, 12)
    with pytest.raises(services.StandardInvalid) as exc:
        editing.standard_update(
            standard=draft,
            user=province_user,
            data={"total_points": Decimal(100), "pass_mark": Decimal(120)},
            criteria={
                one.pk: row(one, number=2, text_zh="新的文字"),
                twelve.pk: row(twelve, threshold=Decimal(130)),
            },
        )
    errors = exc.value.errors
    assert errors["pass_mark"] == ["达标分数线应大于0且不超过总分（100分）。"]
    assert f"c{one.pk}-number" in errors
    assert f"c{twelve.pk}-threshold" in errors
    assert f"c{two.pk}-number" not in errors  # not in this request: its number is not being changed
    draft.refresh_from_db()
    assert draft.total_points is None and criterion(draft, 1).text_zh == one.text_zh


def test_a_pass_mark_needs_total_points(draft, province_user):
    with pytest.raises(services.StandardInvalid) as exc:
        editing.standard_update(
            standard=draft, user=province_user, data={"pass_mark": Decimal(60)}, criteria={}
        )
    assert list(exc.value.errors) == ["pass_mark"]


def test_a_stale_revision_is_refused(draft, province_user):
    c = criterion(draft, 1)
    editing.standard_update(
        standard=draft, user=province_user, data={}, criteria={c.pk: row(c, text_zh="甲")}
    )
    with pytest.raises(ConflictError) as exc:
        editing.standard_update(
            standard=draft,
            user=province_user,
            data={},
            criteria={c.pk: row(c, text_zh="乙")},
            expected_revision=1,
        )
    assert exc.value.code == "stale_version"
    assert criterion(draft, 1).text_zh == "甲"


def test_drop_only_while_another_criterion_maps_onto_the_national_one(draft, province_user):
    five = criterion(draft, 5)
    with pytest.raises(ServiceError) as exc:
        editing.standard_criterion_drop(standard=draft, user=province_user, criterion=five)
    assert exc.value.code == "last_mapping"
    split = editing.standard_criterion_add(standard=draft, user=province_user, split_from=five)
    assert (split.number, split.national_criterion_id) == (17, five.national_criterion_id)
    editing.standard_criterion_drop(standard=draft, user=province_user, criterion=five)
    assert not Criterion.objects.filter(pk=five.pk).exists()


def test_problems_name_what_stops_publishing(draft, province_user):
    added = editing.standard_criterion_add(standard=draft, user=province_user)
    one = criterion(draft, 1)
    editing.standard_update(
        standard=draft,
        user=province_user,
        data={"total_points": Decimal(100), "pass_mark": Decimal(70)},
        # National criterion 1 is left with no local criterion: local 1 now counts under 2.
        criteria={
            one.pk: row(one, national_criterion=criterion(national_standard(), 2).pk, points=Decimal(90))
        },
    )
    draft.refresh_from_db()
    fields = {p.field for p in checks.standard_problems(standard=draft)}
    assert f"c{added.pk}-national_criterion" in fields  # mapped onto nothing
    assert f"c{added.pk}-text_zh" in fields
    assert "national-1" in fields
    assert f"c{criterion(draft, 2).pk}-points" in fields  # scored: every criterion has points
    assert "total_points" in fields  # 90 points, not 100
    with pytest.raises(services.StandardInvalid):
        services.standard_publish(standard=draft, user=province_user)
    draft.refresh_from_db()
    assert draft.state == StandardState.DRAFT


def test_the_variant_of_18_publishes_and_applies_to_new_assessments(
    province_user, community_user, xuhui_community
):
    standard = variant_published(province_user)
    assert standard.state == "published" and standard.published_by == province_user and standard.issued
    local = {c.number: c.national_criterion.number for c in Criterion.objects.filter(standard=standard)}
    assert local == VARIANT_MAPPING
    assert sum(c.points for c in Criterion.objects.filter(standard=standard)) == standard.total_points == 100
    assert standard_for(province=region("31"), year=2026) == standard
    assert standard_for(province=region("31"), year=2027) == national_standard()
    assert standard_for(province=region("11"), year=2026) == national_standard()
    assessment = AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    assert assessment.standard == standard
    assert assessment.responses.count() == 18
    published = TraceEvent.objects.filter(kind=TraceKind.STANDARD, action="standard_published").get()
    assert published.subject == standard.code and published.data["pass_mark"] == "70"


def test_publishing_twice_and_editing_a_published_version_are_refused(province_user):
    standard = variant_published(province_user)
    with pytest.raises(ConflictError) as exc:
        services.standard_publish(standard=standard, user=province_user)
    assert exc.value.code == "published"
    one = criterion(standard, 1)
    with pytest.raises(ConflictError):
        editing.standard_update(
            standard=standard, user=province_user, data={}, criteria={one.pk: row(one, text_zh="改")}
        )
    with pytest.raises(ConflictError):
        editing.standard_criterion_add(standard=standard, user=province_user)
    assert Criterion.objects.filter(standard=standard).count() == 18


def test_a_new_version_replaces_the_published_one_until_the_year_is_frozen(
    province_user, community_user, xuhui_community
):
    first = variant_published(province_user)
    second = services.standard_draft_start(user=province_user, province=region("31"), year=2026, source=first)
    assert (second.version, second.copied_from, second.total_points) == (2, first, 100)
    assert standard_for(province=region("31"), year=2026) == first  # a draft applies to nobody
    second = services.standard_publish(standard=second, user=province_user)
    assert standard_for(province=region("31"), year=2026) == second
    AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    with pytest.raises(ConflictError) as exc:
        services.standard_draft_start(user=province_user, province=region("31"), year=2026, source=second)
    assert exc.value.code == "frozen"


def test_last_years_local_standard_can_be_the_start(province_user):
    last_year = variant_published(province_user, year=2025)
    draft = services.standard_draft_start(
        user=province_user, province=region("31"), year=2026, source=last_year
    )
    assert Criterion.objects.filter(standard=draft).count() == 18
    assert (draft.version, draft.pass_mark) == (1, 70)
    assert criterion(draft, 18).national_criterion.number == 16


def test_another_provinces_standard_is_no_source(province_user):
    beijing = UserFactory(username="beijing-dept", role=Role.PROVINCE, region=region("11"))
    theirs = variant_published(beijing, province="11")
    with pytest.raises(ServiceError) as exc:
        services.standard_draft_start(user=province_user, province=region("31"), year=2026, source=theirs)
    assert exc.value.field == "source"


def test_discard_deletes_a_draft_only(province_user):
    draft = variant_draft(province_user)
    services.standard_discard(standard=draft, user=province_user)
    assert not StandardVersion.objects.filter(pk=draft.pk).exists()
    published = variant_published(province_user)
    with pytest.raises(ConflictError):
        services.standard_discard(standard=published, user=province_user)


# --- A criterion's text says its threshold (issue 20, item 3) ----------------------------------


def test_a_text_that_contradicts_its_threshold_is_refused_next_to_the_text(draft, province_user):
    twelve = criterion(draft, 12)
    assert twelve.text_zh == "物业管理覆盖面不低于30%"
    with pytest.raises(services.StandardInvalid) as exc:
        editing.standard_update(
            standard=draft,
            user=province_user,
            data={},
            criteria={twelve.pk: row(twelve, threshold=Decimal(50))},
        )
    errors = exc.value.errors
    assert errors[f"c{twelve.pk}-text_zh"] == [
        "条文写的是30%，但阈值是50%：社区看到的是条文，核对依据却是阈值。请在条文中写明50%，或修改阈值。"
    ]
    assert f"c{twelve.pk}-text_en" in errors
    assert criterion(draft, 12).threshold == 30  # nothing saved
    # A full-width percent sign (Chinese IME) is read the same way.
    with pytest.raises(services.StandardInvalid):
        editing.standard_update(
            standard=draft,
            user=province_user,
            data={},
            criteria={
                twelve.pk: row(
                    twelve, threshold=Decimal(50), text_zh="物业管理覆盖面不低于３０％", text_en=""
                )
            },
        )
    editing.standard_update(
        standard=draft,
        user=province_user,
        data={},
        criteria={
            twelve.pk: row(
                twelve,
                threshold=Decimal(50),
                text_zh="物业管理覆盖面不低于50 ％",
                text_en="Property-management coverage is at least 50%",
            )
        },
    )
    assert criterion(draft, 12).threshold == 50


def test_a_draft_whose_text_contradicts_its_threshold_is_not_published(province_user):
    draft = variant_draft(province_user)
    # As a draft saved before the rule existed: the threshold changed, the text not.
    Criterion.objects.filter(standard=draft, number=12).update(threshold=Decimal(50))
    problems = [p.message for p in checks.standard_problems(standard=draft)]
    assert (
        "第12条：条文写的是30%，但阈值是50%：社区看到的是条文，核对依据却是阈值。请在条文中写明50%，或修改阈值。"
        in problems
    )
    with pytest.raises(services.StandardInvalid):
        services.standard_publish(standard=draft, user=province_user)


def test_the_text_a_community_reads_says_the_threshold_of_the_data(province_user):
    standard = variant_published(province_user, year=2026)
    # A standard published before the rule, with a contradicting text (as the demo had one).
    Criterion.objects.filter(standard=standard, number=12).update(threshold=Decimal(50))
    twelve = criterion(standard, 12)
    assert twelve.text_zh == "物业管理覆盖面不低于30%"  # stored as published
    assert twelve.text == "物业管理覆盖面不低于50%"  # read: the threshold it is checked against
    # The next version copies the text as communities read it.
    nxt = services.standard_draft_start(user=province_user, province=region("31"), year=2027, source=standard)
    copied = criterion(nxt, 12)
    assert (copied.text_zh, copied.text_en, copied.threshold) == (
        "物业管理覆盖面不低于50%",
        "Property-management coverage is at least 50%",
        Decimal(50),
    )
    assert checks.standard_problems(standard=nxt) == []
