"""Local standards built through the services, as a provincial department would compose them."""

from decimal import Decimal

from apps.standards import editing, services
from apps.standards.models import Criterion, StandardVersion
from apps.standards.selectors import national_standard
from tests.factories import region

# The variant of 18 criteria used across the tests (docs/figures.md): local 1-15 are the national
# 1-15; local 16 is an added criterion counted under national 2; local 17 splits national 5 (with
# local 5); local 18 is national 16 renumbered. 5 points each for 1-16, 10 for 17 and 18: 100.
VARIANT_MAPPING = {**{n: n for n in range(1, 16)}, 16: 2, 17: 5, 18: 16}
VARIANT_POINTS = {**{n: Decimal(5) for n in range(1, 17)}, 17: Decimal(10), 18: Decimal(10)}


def criterion(standard: StandardVersion, number: int) -> Criterion:
    return Criterion.objects.get(standard=standard, number=number)


def row(c: Criterion, **changes) -> dict:
    """A criterion's editable fields as they are, with `changes`."""
    values = editing.criterion_values(c)
    values.update(changes)
    return values


def variant_draft(user, *, year: int = 2026, province: str = "31") -> StandardVersion:
    """The 18-criterion variant as a draft (not yet published)."""
    draft = services.standard_draft_start(
        user=user, province=region(province), year=year, source=national_standard()
    )
    national = {c.number: c for c in Criterion.objects.filter(standard=national_standard())}
    # Split national 5 (local 5 and a new local 17), add one, then renumber national 16 as 18.
    editing.standard_criterion_add(standard=draft, user=user, split_from=criterion(draft, 5))
    added = editing.standard_criterion_add(standard=draft, user=user)
    sixteen = criterion(draft, 16)
    editing.standard_update(
        standard=draft,
        user=user,
        data={"total_points": Decimal(100), "pass_mark": Decimal(70)},
        criteria={
            sixteen.pk: row(sixteen, number=18),
            added.pk: row(
                added,
                number=16,
                text_zh="建立社区志愿服务队伍，定期开展环境整治志愿活动",
                national_criterion=national[2].pk,
                category=criterion(draft, 2).category_id,
            ),
        },
    )
    draft.refresh_from_db()
    updates = {}
    for c in Criterion.objects.filter(standard=draft):
        changes = {"points": VARIANT_POINTS[c.number]}
        if c.number == 17:
            changes["text_zh"] = "生活垃圾分类居民小区全覆盖"
        updates[c.pk] = row(c, **changes)
    editing.standard_update(standard=draft, user=user, data={}, criteria=updates)
    draft.refresh_from_db()
    return draft


def variant_published(user, *, year: int = 2026, province: str = "31") -> StandardVersion:
    draft = variant_draft(user, year=year, province=province)
    return services.standard_publish(standard=draft, user=user)
