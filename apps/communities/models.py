from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import region_scope_q


class CommunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one chokepoint for reading communities: only those in the caller's scope."""
        return self.filter(region_scope_q(user))

    def with_regions(self):
        return self.select_related("street", "county", "city", "province")


class Community(models.Model):
    """An urban community (社区居民委员会): the unit that is assessed and the denominator of every rate."""

    code = models.CharField(_("Statistical code"), max_length=12, primary_key=True)
    name = models.CharField(_("Name"), max_length=100, db_index=True)
    street = models.ForeignKey(
        "regions.Region", verbose_name=_("Street (township)"), on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("County"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.ForeignKey(
        "regions.Region",
        verbose_name=_("City"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    province = models.ForeignKey(
        "regions.Region", verbose_name=_("Provincial unit"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("Updated"), auto_now=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("Urban community")
        verbose_name_plural = _("Urban community")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["province", "code"], name="community_province_code"),
            models.Index(fields=["county", "code"], name="community_county_code"),
            models.Index(fields=["street", "code"], name="community_street_code"),
            models.Index(fields=["city", "code"], name="community_city_code"),
        ]

    def __str__(self):
        return self.name
