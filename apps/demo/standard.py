"""Shanghai's local standard of the campaign year for `make run`: 18 criteria, 100 points, a pass
mark of 70, every national criterion covered. Composed through the standards services as the
provincial department would on the standards page:

- national 5 is split: local 5 keeps the roads and sponge-city works, local 17 the full coverage of
  household-waste sorting (the figure, ≥ 100 %);
- local 18 is added: volunteer teams, counted under national 15 (residents' green conduct);
- criterion 12's property-management coverage needs ≥ 50 % in Shanghai (the national 30 % is data,
  not code), and its text says so;
- 10 points for the two new criteria (17, 18), 5 for each of the others.

Idempotent: once the year has a published local standard, or once the year is frozen (an
assessment of it was opened, e.g. by an earlier seed_demo under the national standard), it is left
as it is. Other provinces keep the national standard.
"""

from decimal import Decimal

from apps.core.campaign import campaign_year
from apps.regions.models import Region
from apps.standards import editing, selectors, services
from apps.standards.models import Criterion, StandardState, StandardVersion

SHANGHAI = "310000000000"
TITLE_EN = "Shanghai green community creation standard ({year})"
NEW_CRITERION_POINTS, POINTS_EACH = Decimal(10), Decimal(5)
TEXTS = {
    5: "开展了社区道路综合治理、海绵化改造和建设",
    17: "生活垃圾分类居民小区全覆盖，定时定点投放，楼组长轮值督导",
    18: "建立社区绿色志愿服务队伍，每季度至少开展一次环境整治或绿色宣传志愿活动",
}
TEXTS_EN = {
    5: "Roads have been improved comprehensively and sponge-city works carried out",
    17: "Household-waste sorting covers every residential compound, with set times and places and "
    "stairwell leaders on duty",
    18: "A green volunteer team carries out an environmental clean-up or green-publicity activity at "
    "least once a quarter",
}
PROPERTY_THRESHOLD = Decimal(50)
# The text says the threshold it is checked against (the standards editor refuses anything else).
PROPERTY_TEXT = "物业管理覆盖面不低于50%"
PROPERTY_TEXT_EN = "Property-management coverage is at least 50%"


def _row(c: Criterion, **changes) -> dict:
    values = editing.criterion_values(c)
    values.update(changes)
    return values


def seed(*, accounts, stdout) -> StandardVersion | None:
    year = campaign_year()
    province = Region.objects.get(pk=SHANGHAI)
    user = accounts["province"]
    current = selectors.standard_for(province=province, year=year)
    if not current.is_national:
        stdout.write(f"Local standard: {current.code} already published for {year}.")
        return current
    if selectors.year_is_frozen(province=province, year=year):
        stdout.write(f"Local standard: {year} is frozen for Shanghai (assessments opened): not created.")
        return None
    draft = StandardVersion.objects.filter(province=province, year=year, state=StandardState.DRAFT).first()
    if draft is not None:
        services.standard_discard(standard=draft, user=user)
    draft = services.standard_draft_start(
        user=user, province=province, year=year, source=selectors.national_standard()
    )
    by_number = {c.number: c for c in Criterion.objects.filter(standard=draft)}
    editing.standard_criterion_add(standard=draft, user=user, split_from=by_number[5])  # 17
    editing.standard_criterion_add(standard=draft, user=user)  # 18
    by_number = {c.number: c for c in Criterion.objects.filter(standard=draft)}
    national = {c.number: c.pk for c in selectors.national_criteria()}
    added = {17, 18}
    rows = {
        c.pk: _row(c, points=NEW_CRITERION_POINTS if n in added else POINTS_EACH)
        for n, c in by_number.items()
    }
    rows[by_number[5].pk].update(text_zh=TEXTS[5], text_en=TEXTS_EN[5], kind="rating", threshold=None)
    rows[by_number[17].pk].update(text_zh=TEXTS[17], text_en=TEXTS_EN[17])
    rows[by_number[18].pk].update(
        text_zh=TEXTS[18],
        text_en=TEXTS_EN[18],
        national_criterion=national[15],
        category=by_number[15].category_id,
    )
    rows[by_number[12].pk].update(
        threshold=PROPERTY_THRESHOLD, text_zh=PROPERTY_TEXT, text_en=PROPERTY_TEXT_EN
    )
    editing.standard_update(
        standard=draft,
        user=user,
        data={
            "title_en": TITLE_EN.format(year=year),
            "total_points": Decimal(100),
            "pass_mark": Decimal(70),
        },
        criteria=rows,
    )
    standard = services.standard_publish(standard=draft, user=user)
    stdout.write(
        f"Local standard: {standard.code} published for {year} (18 criteria, 100 points, pass mark 70)."
    )
    return standard
