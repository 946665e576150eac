from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _localized(obj, field: str) -> str:
    lang = (get_language() or "zh-hans").lower()
    if lang.startswith("en"):
        return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_zh")
    return getattr(obj, f"{field}_zh")


class StandardVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Standards are public to every signed-in user (the national one and the provinces' own)."""
        return self if getattr(user, "is_authenticated", False) else self.none()


class StandardVersion(models.Model):
    """A standard that assessments are filled against.

    The national trial standard has no province. A provincial variant names its parent (the
    national standard), may add weights, points and a pass mark, and maps each of its criteria
    onto one of the 16 national criteria, so every national figure can still be computed.
    """

    code = models.SlugField(_("Code"), max_length=40, unique=True)
    title_zh = models.CharField(_("Name"), max_length=120)
    title_en = models.CharField(_("English name"), max_length=200, blank=True)
    issued = models.DateField(_("Issued"))
    province = models.ForeignKey(
        "regions.Region",
        verbose_name=_("Provincial unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("National standard it derives from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
    )
    pass_mark = models.DecimalField(_("Pass mark"), max_digits=6, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(_("Active"), default=True)

    objects = StandardVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Creation standard")
        verbose_name_plural = _("Creation standard")
        ordering = ["issued", "code"]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return _localized(self, "title")


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
    RATING = "rating", _("Rating")
    PERCENT = "percent", _("Figure (percent)")


class Criterion(models.Model):
    """One criterion. Numeric criteria carry a threshold in percent that a 'met' rating must reach."""

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
    threshold_percent = models.DecimalField(
        _("Threshold (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    weight = models.DecimalField(_("Weight"), max_digits=6, decimal_places=2, default=1)
    points = models.DecimalField(_("Points"), max_digits=6, decimal_places=2, null=True, blank=True)
    national_criterion = models.ForeignKey(
        "self",
        verbose_name=_("National criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A provincial criterion maps onto one of the 16 national criteria"),
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
        return _localized(self, "text")

    @property
    def figure_label(self) -> str:
        return _localized(self, "figure_label")
