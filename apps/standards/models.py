"""Creation standards: the national trial standard and the provinces' local standards.

The data definition is written down in docs/figures.md ("Standards"): read it before changing a
field. In short: a local standard belongs to one province and one campaign year and has a version
number; it is a draft until published, and a published version never changes. Every criterion
maps onto exactly one national criterion (a national criterion onto itself), may carry points and,
where it is a figure, a threshold in its unit; a scored standard has total points and a pass mark.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import standard_scope_q
from apps.regions.models import optional_province


def _localized(obj, field: str) -> str:
    lang = (get_language() or "zh-hans").lower()
    if lang.startswith("en"):
        return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_zh")
    return getattr(obj, f"{field}_zh")


class StandardState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class StandardVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one chokepoint for reading standards (apps.accounts.scoping.standard_scope_q): the
        national standard for every signed-in user; local standards: the ministry and
        administrators all, provincial staff their own province's (drafts included), everyone else
        the published ones of their own province. Another province's standard is absent (404)."""
        return self.filter(standard_scope_q(user))

    def local(self):
        return self.filter(province__isnull=False)

    def published(self):
        return self.filter(state=StandardState.PUBLISHED)


class StandardVersion(models.Model):
    """A standard that assessments are filled against.

    The national trial standard has no province and no year and is published. A local standard
    has a province, a campaign year and a version number (1, 2, ... within that province and year);
    `parent` is the national standard its criteria map onto, `copied_from` the version it was
    started from (the national standard, last year's local one, or an earlier version).
    Scored (`total_points` set): every criterion has points adding up to the total, and
    `pass_mark` is the confirmed total an assessment needs.
    """

    code = models.SlugField(_("Code"), max_length=40, unique=True)
    title_zh = models.CharField(_("Name"), max_length=120)
    title_en = models.CharField(_("English name"), max_length=200, blank=True)
    issued = models.DateField(_("Issued"), null=True, blank=True)
    province = optional_province()
    year = models.PositiveSmallIntegerField(_("Campaign year"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("Version"), default=1)
    state = models.CharField(
        _("State"), max_length=10, choices=StandardState.choices, default=StandardState.DRAFT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("National standard it derives from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("Started as a copy of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    total_points = models.DecimalField(
        _("Total points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    pass_mark = models.DecimalField(_("Pass mark"), max_digits=6, decimal_places=2, null=True, blank=True)
    # Optimistic lock of a draft: every edit bumps it, a form based on an older one is refused.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("Created"), auto_now_add=True)
    # Authors without a database constraint: standards are reference data that must not be swept
    # away with the accounts (a TRUNCATE ... CASCADE of the users table, as the transactional tests
    # do, would follow a constraint into the national standard). Django still sets them to NULL
    # when an account is deleted; the history keeps who did what in any case.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    updated_at = models.DateTimeField(_("Updated"), auto_now=True)
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    # The what-if kept when the version was published (apps.targets.whatif.standard_whatif, issue 24):
    # last year's confirmed scores mapped through this version, per city, against the targets.
    forecast = models.JSONField(_("Forecast at publishing"), null=True, blank=True, editable=False)

    objects = StandardVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Creation standard")
        verbose_name_plural = _("Creation standard")
        ordering = ["issued", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "version"], name="standard_unique_version"),
            # One draft at a time per province and year: changes go into that draft.
            models.UniqueConstraint(
                fields=["province", "year"],
                condition=Q(state="draft"),
                name="standard_one_draft_per_year",
            ),
            # National: no province and no year; local: both.
            models.CheckConstraint(
                condition=Q(province__isnull=True, year__isnull=True)
                | Q(province__isnull=False, year__isnull=False),
                name="standard_local_has_year",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return _localized(self, "title")

    @property
    def is_national(self) -> bool:
        return self.province_id is None

    @property
    def is_published(self) -> bool:
        return self.state == StandardState.PUBLISHED

    @property
    def is_scored(self) -> bool:
        """Scored standards have points per criterion and a pass mark (docs/figures.md)."""
        return self.total_points is not None


class Category(models.Model):
    standard = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(_("Code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("Order"))
    name_zh = models.CharField(_("Name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Category")
        verbose_name_plural = _("Category")
        ordering = ["standard", "order"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="category_unique_code")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return _localized(self, "name")


class CriterionKind(models.TextChoices):
    """What a criterion's answer is: a rating only, or a rating with a figure in a unit. The kind
    of a figure criterion is its unit (UNITS)."""

    RATING = "rating", _("Rating")
    PERCENT = "percent", _("Figure (percent)")


@dataclass(frozen=True)
class FigureUnit:
    """A unit a figure criterion is recorded in, and the range any value (and threshold) must lie in."""

    key: str
    symbol: str
    label: str
    minimum: Decimal
    maximum: Decimal

    # How a value in this unit is written in a criterion's text (the number is the first group).
    written: re.Pattern

    def contains(self, value: Decimal) -> bool:
        return self.minimum <= value <= self.maximum

    def stated(self, text: str) -> list[Decimal]:
        """The values in this unit that `text` states ("不低于30%" -> [30])."""
        return [Decimal(m.group(1)) for m in self.written.finditer(text or "")]


UNITS: dict[str, FigureUnit] = {
    CriterionKind.PERCENT: FigureUnit(
        key=CriterionKind.PERCENT,
        symbol="%",
        label=_("percent"),
        minimum=Decimal(0),
        maximum=Decimal(100),
        # 30%, 30 %, 30％ (full width, as typed with a Chinese IME), 12.5%
        written=re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(\s*[%％])"),
    ),
}


def threshold_contradicted(text: str, *, unit: FigureUnit | None, threshold) -> Decimal | None:
    """The value a figure criterion's text states in its unit when none of the values it states is
    the criterion's threshold ("不低于30%" under a threshold of 50: 30), else None. The threshold is
    what a "met" rating is checked against, so the text must say it."""
    if unit is None or threshold is None:
        return None
    stated = unit.stated(text)
    if not stated or Decimal(threshold) in stated:
        return None
    return stated[0]


def text_with_threshold(text: str, *, unit: FigureUnit | None, threshold) -> str:
    """`text` as the community reads it: where it states one value in the criterion's unit and that
    value is not the threshold (a text written before the threshold changed), the threshold, from
    the data, replaces it. Any other text is returned as it is."""
    if (
        threshold_contradicted(text, unit=unit, threshold=threshold) is None
        or len(set(unit.stated(text))) != 1
    ):
        return text
    value = f"{Decimal(threshold).normalize():f}"
    return unit.written.sub(lambda m: value + m.group(2), text)


class Criterion(models.Model):
    """One criterion of a standard.

    `national_criterion` is the national criterion it counts under in every figure: a local
    criterion's is one of the national standard's criteria, a national criterion's is itself.
    A figure criterion (kind = a unit) records a value in that unit and a "met" rating needs at
    least `threshold`. `points` (scored standards) bound the self-score and confirmed score.
    """

    standard = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="criteria")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("Number"))
    text_zh = models.TextField(_("Text"))
    text_en = models.TextField(_("English text"), blank=True)
    kind = models.CharField(
        _("Kind"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.RATING
    )
    figure_label_zh = models.CharField(_("Figure"), max_length=120, blank=True)
    figure_label_en = models.CharField(_("English figure name"), max_length=200, blank=True)
    threshold = models.DecimalField(_("Threshold"), max_digits=7, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("Points"), max_digits=6, decimal_places=2, null=True, blank=True)
    requires_evidence = models.BooleanField(
        _("Requires evidence"),
        default=True,
        help_text=_("A rating of met or largely met needs at least one evidence file"),
    )
    national_criterion = models.ForeignKey(
        "self",
        verbose_name=_("National criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The national criterion this criterion counts under in every figure"),
    )

    class Meta:
        verbose_name = _("Criterion")
        verbose_name_plural = _("Criterion")
        ordering = ["standard", "number"]
        constraints = [models.UniqueConstraint(fields=["standard", "number"], name="criterion_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.text}"

    @property
    def text(self) -> str:
        """The text in the user's language, with the threshold from the data (text_with_threshold)."""
        return text_with_threshold(_localized(self, "text"), unit=self.unit, threshold=self.threshold)

    @property
    def figure_label(self) -> str:
        return _localized(self, "figure_label")

    @property
    def is_figure(self) -> bool:
        return self.kind in UNITS

    @property
    def unit(self) -> FigureUnit | None:
        return UNITS.get(self.kind)

    @property
    def threshold_percent(self) -> Decimal | None:
        """The threshold of a percent figure (templates written before units were data read this)."""
        return self.threshold if self.kind == CriterionKind.PERCENT else None

    def unmet_threshold(self, figure: Decimal) -> Decimal | None:
        """The threshold a reported `figure` falls short of, which a "met" rating needs at least
        (None: reached, or the criterion has no threshold)."""
        return self.threshold if self.threshold is not None and figure < self.threshold else None

    def figure_reaches_threshold(self, figure: Decimal | None) -> bool:
        """Whether a reported percent `figure` is at or above this criterion's threshold (the review
        page's "threshold reached"; False without a figure, a threshold, or for another kind)."""
        threshold = self.threshold_percent
        return figure is not None and threshold is not None and figure >= threshold
