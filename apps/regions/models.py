from django.db import models
from django.utils.translation import gettext_lazy as _


def optional_province() -> models.ForeignKey:
    """The provincial unit a row belongs to, or none for a national row (a national department
    type, the national standard). A region is never deleted under its rows; no reverse accessor."""
    return models.ForeignKey(
        "regions.Region",
        verbose_name=_("Provincial unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Provincial level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    STREET = "street", _("Street (township)")


class RegionQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=RegionLevel.PROVINCE)

    def visible_to(self, user):
        """Regions in the caller's scope, for pickers, filters and the API (apps.accounts.scoping)."""
        from apps.accounts.scoping import region_tree_q

        return self.filter(region_tree_q(user))


class Region(models.Model):
    """One administrative division, keyed by its 12-digit NBS statistical code.

    Every region knows its provincial-level unit, city and county (itself included where it is
    one), so scoping is an equality on an indexed column and never a code-prefix match: the
    Corps' cities carry Xinjiang's prefix 65 but belong to the Corps.
    """

    code = models.CharField(_("Division code"), max_length=12, primary_key=True)
    name = models.CharField(_("Name"), max_length=80)
    level = models.CharField(_("Level"), max_length=10, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("Provincial unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    city = models.ForeignKey(
        "self", verbose_name=_("City"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "self", verbose_name=_("County"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_statistical_zone = models.BooleanField(
        _("Statistical zone (development zone etc.)"),
        default=False,
        help_text=_(
            "County code with 7 as 5th digit: a statistical zone such as a development zone, not an administrative division"
        ),
    )

    objects = RegionQuerySet.as_manager()
    # The version under which reads of regions are cached (apps.core.versioned, CachedForeignKey):
    # every save or delete of a region drops it (apps.py), and so does `load_regions`.
    CACHE_VERSION = "regions"

    class Meta:
        verbose_name = _("Administrative division")
        verbose_name_plural = _("Administrative division")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        parts = [r.name for r in (self.province, self.city, self.county) if r is not None and r.pk != self.pk]
        return "".join([*parts, self.name])
