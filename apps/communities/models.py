import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import region_scope_q
from apps.core import campaign


def year_end(year: int) -> dt.date:
    """31 December of `year`: the registry of a year is the registry as it stands at its end."""
    return dt.date(year, 12, 31)


def registered_q(year: int, path: str = "") -> Q:
    """Communities in the registry of `year` (docs/figures.md, "registered"): added on or before
    31 December of `year` (or before the campaign) and not retired by then. A community retired
    with effective date D counts for the years before D's year, never again, so the figures of a
    past year never change when the registry does."""
    end = year_end(year)
    return (Q(**{f"{path}established_on__isnull": True}) | Q(**{f"{path}established_on__lte": end})) & (
        Q(**{f"{path}retired_on__isnull": True}) | Q(**{f"{path}retired_on__gt": end})
    )


# Communities whose life has a date (added during the campaign, or retired): the few rows that
# `registered_q` can exclude, served by the partial index community_life_dated.
LIFE_DATED_Q = Q(established_on__isnull=False) | Q(retired_on__isnull=False)


class CommunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one chokepoint for reading communities: only those in the caller's scope."""
        return self.filter(region_scope_q(user))

    def with_regions(self):
        return self.select_related("street", "county", "city", "province")

    def registered_in(self, year: int):
        """The registry of `year` (see registered_q)."""
        return self.filter(registered_q(year))

    def not_registered_in(self, year: int):
        """The (few) communities of the registry that did not exist in `year`: added later or
        retired by its end. Figures exclude their assessments through this small set."""
        return self.filter(LIFE_DATED_Q).exclude(registered_q(year))

    def active(self):
        """Not retired as of today (the registry a user works with)."""

        return self.filter(Q(retired_on__isnull=True) | Q(retired_on__gt=campaign.today()))


class Retirement(models.TextChoices):
    """How a community left the registry."""

    MERGED = "merged", _("Merged into another community")
    ABOLISHED = "abolished", _("Abolished")
    RENAMED = "renamed", _("Renamed with a new code")


class Community(models.Model):
    """An urban community (社区居民委员会): the unit that is assessed and the denominator of every rate."""

    code = models.CharField(_("Statistical code"), max_length=12, primary_key=True)
    # Indexed in Meta (a plain btree for ordering; the name search uses the trigram index of 0002).
    name = models.CharField(_("Name"), max_length=100)
    # No single-column index on the region columns: the (region, code) indexes of Meta serve every
    # lookup by region, and each index more slows the registry import (126,800 rows at once).
    street = models.ForeignKey(
        "regions.Region",
        verbose_name=_("Street (township)"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("County"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    city = models.ForeignKey(
        "regions.Region",
        verbose_name=_("City"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    province = models.ForeignKey(
        "regions.Region",
        verbose_name=_("Provincial unit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The registry's life (docs/figures.md): dates are calendar days in Asia/Shanghai.
    established_on = models.DateField(
        _("In the registry from"),
        null=True,
        blank=True,
        help_text=_("Empty: in the registry since before the campaign (2020)"),
    )
    retired_on = models.DateField(
        _("Retired from"),
        null=True,
        blank=True,
        help_text=_("The first day on which the community no longer exists"),
    )
    retirement = models.CharField(_("Retirement"), max_length=10, choices=Retirement.choices, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("Successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("The community it was merged into, or its new code after renaming"),
        db_index=False,  # a partial index (Meta): few communities have a successor
    )
    retirement_note = models.CharField(_("Approval document or note"), max_length=200, blank=True)
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
            models.Index(fields=["name"], name="community_name"),
            models.Index(fields=["province", "code"], condition=LIFE_DATED_Q, name="community_life_dated"),
            models.Index(
                fields=["successor"], condition=Q(successor__isnull=False), name="community_successor"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True, retirement="", successor__isnull=True)
                | (Q(retired_on__isnull=False) & ~Q(retirement="")),
                name="community_retirement_complete",
            ),
            models.CheckConstraint(
                condition=Q(established_on__isnull=True)
                | Q(retired_on__isnull=True)
                | Q(retired_on__gt=models.F("established_on")),
                name="community_retired_after_established",
            ),
        ]

    def __str__(self):
        return self.name

    def is_registered_in(self, year: int) -> bool:
        end = year_end(year)
        return (self.established_on is None or self.established_on <= end) and (
            self.retired_on is None or self.retired_on > end
        )

    @property
    def is_retired(self) -> bool:

        return self.retired_on is not None and self.retired_on <= campaign.today()
