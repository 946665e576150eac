import json
from pathlib import Path

from apps.standards.models import Category, Criterion
from apps.standards.selectors import criteria_of, national_standard

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "standard-trial-2020.json"


def test_sixteen_criteria_in_five_categories_after_migrate(db):
    standard = national_standard()
    assert Category.objects.filter(standard=standard).count() == 5
    assert Criterion.objects.filter(standard=standard).count() == 16
    per_category = [c.criteria.count() for c in standard.categories.order_by("order")]
    assert per_category == [3, 3, 4, 2, 4]


def test_criterion_texts_are_verbatim(db):
    criteria = {c.number: c for c in criteria_of(national_standard())}
    assert criteria[12].text_zh == "物业管理覆盖面不低于30%"
    assert criteria[5].text_zh == "开展了社区道路综合治理、海绵化改造和建设,生活垃圾分类居民小区全覆盖"
    assert criteria[1].category.name_zh == "建立健全社区人居环境建设和整治机制"
    if SEED.exists():  # the shared seed beside the checkout: compare every text
        seed = json.loads(SEED.read_text(encoding="utf-8"))
        assert {c["number"]: c["text_zh"] for c in seed["criteria"]} == {
            n: c.text_zh for n, c in criteria.items()
        }


def test_numeric_criteria_carry_their_thresholds(db):
    criteria = {c.number: c for c in criteria_of(national_standard())}
    assert criteria[12].kind == "percent" and criteria[12].threshold_percent == 30
    assert criteria[5].kind == "percent" and criteria[5].threshold_percent == 100
    assert {n for n, c in criteria.items() if c.kind == "percent"} == {5, 12}
