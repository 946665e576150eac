"""Loads the national trial standard from fixtures/standard-trial-2020.json. Idempotent.

Called by data migrations with their historical models (standards 0002 before local standards
existed, 0004 after), so it writes only the fields the given models have."""

import datetime
import json
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent.parent / "fixtures" / "standard-trial-2020.json"
NATIONAL_CODE = "national-trial-2020"

# The national standard's own data: the two criteria whose rating depends on a recorded figure
# (docs/figures.md), their unit and the threshold a "met" rating needs.
FIGURES = {
    5: ("生活垃圾分类居民小区覆盖率", "Household-waste sorting coverage of residential compounds", 100),
    12: ("物业管理覆盖率", "Property-management coverage", 30),
}


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def load_national_standard(StandardVersion, Category, Criterion):
    data = json.loads(SEED.read_text(encoding="utf-8"))
    standard_fields, criterion_fields = _fields(StandardVersion), _fields(Criterion)
    defaults = {
        "title_zh": data["title_zh"],
        "title_en": data["title_en"],
        "issued": datetime.date.fromisoformat(data["issued"]),
        "province": None,
        "parent": None,
    }
    if "state" in standard_fields:
        defaults.update(state="published", year=None, version=1, total_points=None, pass_mark=None)
    standard, _ = StandardVersion.objects.update_or_create(code=NATIONAL_CODE, defaults=defaults)
    categories = {}
    for c in data["categories"]:
        categories[c["code"]], _ = Category.objects.update_or_create(
            standard=standard,
            code=c["code"],
            defaults={"order": c["order"], "name_zh": c["name_zh"], "name_en": c["name_en"]},
        )
    threshold_field = "threshold" if "threshold" in criterion_fields else "threshold_percent"
    for c in data["criteria"]:
        label_zh, label_en, threshold = FIGURES.get(c["number"], ("", "", None))
        criterion, _ = Criterion.objects.update_or_create(
            standard=standard,
            number=c["number"],
            defaults={
                "category": categories[c["category"]],
                "text_zh": c["text_zh"],
                "text_en": c["text_en"],
                "kind": "percent" if threshold is not None else "rating",
                "figure_label_zh": label_zh,
                "figure_label_en": label_en,
                threshold_field: threshold,
            },
        )
    if "requires_evidence" in criterion_fields:
        # A national criterion counts under itself: every criterion maps onto a national one.
        for criterion in Criterion.objects.filter(standard=standard):
            if criterion.national_criterion_id != criterion.pk:
                criterion.national_criterion_id = criterion.pk
                criterion.save(update_fields=["national_criterion"])
    return standard
