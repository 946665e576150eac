"""Loads the national trial standard from fixtures/standard-trial-2020.json. Idempotent."""

import datetime
import json
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent.parent / "fixtures" / "standard-trial-2020.json"
NATIONAL_CODE = "national-trial-2020"

# The two criteria whose rating depends on a recorded figure (docs/figures.md).
FIGURES = {
    5: ("生活垃圾分类居民小区覆盖率", "Household-waste sorting coverage of residential compounds", 100),
    12: ("物业管理覆盖率", "Property-management coverage", 30),
}


def load_national_standard(StandardVersion, Category, Criterion):
    data = json.loads(SEED.read_text(encoding="utf-8"))
    standard, _ = StandardVersion.objects.update_or_create(
        code=NATIONAL_CODE,
        defaults={
            "title_zh": data["title_zh"],
            "title_en": data["title_en"],
            "issued": datetime.date.fromisoformat(data["issued"]),
            "province": None,
            "parent": None,
        },
    )
    categories = {}
    for c in data["categories"]:
        categories[c["code"]], _ = Category.objects.update_or_create(
            standard=standard,
            code=c["code"],
            defaults={"order": c["order"], "name_zh": c["name_zh"], "name_en": c["name_en"]},
        )
    for c in data["criteria"]:
        label_zh, label_en, threshold = FIGURES.get(c["number"], ("", "", None))
        Criterion.objects.update_or_create(
            standard=standard,
            number=c["number"],
            defaults={
                "category": categories[c["category"]],
                "text_zh": c["text_zh"],
                "text_en": c["text_en"],
                "kind": "percent" if threshold is not None else "rating",
                "figure_label_zh": label_zh,
                "figure_label_en": label_en,
                "threshold_percent": threshold,
            },
        )
    return standard
