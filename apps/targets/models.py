"""Targets the level above sets for an area and year, their history, and the creation lists.

A target belongs to one area (a provincial unit, city or county) and year; who may set it is the
area's level above (`apps.targets.rules.setter_of`): the ministry a provincial unit's, a province its
cities (its counties where it has no city, and counties directly under it), a city its counties.
Shares are percentages (0-100, two decimals). Reading goes through `visible_to`: an area's own
people and everyone above it read the target; nobody below it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import is_active_user, is_nationwide, region_scope_q, region_tree_q
from apps.core.history import AppendOnlyMixin, AppendOnlyQuerySet


def _ancestors_q(user, path: str) -> models.Q:
    """The areas above the user's own region (a city user reads its province's target)."""
    region = getattr(user, "region", None)
    if region is None:
        return models.Q(pk__in=[])
    codes = [c for c in (region.province_id, region.city_id, region.county_id) if c]
    return models.Q(**{f"{path}code__in": codes})


def area_visible_q(user, path: str = "area__") -> models.Q:
    """Areas whose targets a user reads: their own region, everything below and above it."""
    if not is_active_user(user):
        return models.Q(pk__in=[])
    if is_nationwide(user):
        return models.Q()
    return region_tree_q(user, path) | _ancestors_q(user, path)


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(area_visible_q(user))


class Target(models.Model):
    """The targets of one area for one year, set by the level above."""

    area = models.ForeignKey(
        "regions.Region", verbose_name=_("Area"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    participation = models.DecimalField(
        _("Target share participating (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    meeting = models.DecimalField(
        _("Target share meeting the requirements (%)"), max_digits=5, decimal_places=2
    )
    pilots_per_street = models.PositiveSmallIntegerField(
        _("Pilot communities per street"), null=True, blank=True
    )
    # Set (last changed) after the year's figures were closed: allowed, but shown as set late.
    set_late = models.BooleanField(_("Set late"), default=False)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("Changed"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("Target")
        verbose_name_plural = _("Targets")
        ordering = ["year", "area_id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="target_one_per_area_year"),
            models.CheckConstraint(
                condition=models.Q(meeting__gte=0, meeting__lte=100), name="target_meeting_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(participation__isnull=True)
                | models.Q(participation__gte=0, participation__lte=100),
                name="target_participation_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.area_id} · {self.year}"


class TargetAction(models.TextChoices):
    SET = "set", _("Target set")
    CHANGED = "changed", _("Target changed")
    IMPORTED = "imported", _("Target imported")
    PLAN_FILED = "plan_filed", _("Implementation plan filed")
    PLAN_RETURNED = "plan_returned", _("Implementation plan returned with comments")
    PLAN_ACCEPTED = "plan_accepted", _("Implementation plan accepted")


class TargetEventQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(area_visible_q(user))


class TargetEvent(AppendOnlyMixin, models.Model):
    """Append-only, hash-chained history of every target (one chain for all targets)."""

    area = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("Year"))
    at = models.DateTimeField(_("Time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("Action"), max_length=20, choices=TargetAction.choices)
    # The values before and after ({"meeting": "60.00", ...}).
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = TargetEventQuerySet.as_manager()
    chain_key = "chain"
    chain_order = ("id",)
    chain_label = "targets"

    class Meta:
        verbose_name = _("Target history entry")
        verbose_name_plural = _("Target history")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.area_id} · {self.year} {self.action}"

    @property
    def chain(self) -> str:
        return "targets"

    def hash_values(self) -> list:
        return [
            self.prev_hash,
            self.area_id,
            self.year,
            self.at.isoformat(),
            self.actor_id,
            self.action,
            self.data,
        ]


class CreationListQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(region_scope_q(user, "community__", community_field="community_id"))


class CreationListEntry(models.Model):
    """One community a city or county plans to create in a year (its creation list)."""

    year = models.PositiveSmallIntegerField(_("Year"))
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("Community"), on_delete=models.PROTECT, related_name="+"
    )
    # The city or county whose list it is.
    area = models.ForeignKey(
        "regions.Region", verbose_name=_("Area"), on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("Added"), auto_now_add=True)

    objects = CreationListQuerySet.as_manager()

    class Meta:
        verbose_name = _("Creation list entry")
        verbose_name_plural = _("Creation lists")
        ordering = ["year", "community_id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="creation_list_once_per_year")
        ]

    def __str__(self):
        return f"{self.community_id} · {self.year}"


# --- implementation plans ----------------------------------------------------------------------


class PlanRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(models.Q(setter__isnull=True) | area_visible_q(user, "setter__"))


class PlanRequest(models.Model):
    """A level above asks the areas below it for an implementation plan by a deadline (no setter:
    the ministry asking the provincial units; its deadline was 31 August 2020)."""

    setter = models.OneToOneField(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("Deadline"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PlanRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("Request for implementation plans")
        verbose_name_plural = _("Requests for implementation plans")
        constraints = [
            models.UniqueConstraint(
                fields=["due_on"], condition=models.Q(setter__isnull=True), name="plan_request_one_national"
            )
        ]

    def __str__(self):
        return f"{self.setter_id or 'ministry'} · {self.due_on}"


class PlanStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    RETURNED = "returned", _("Returned with comments")
    ACCEPTED = "accepted", _("Accepted")


def plan_path(instance, filename):
    import uuid

    return f"plans/{instance.area_id}-{uuid.uuid4().hex[:8]}.{instance.file_kind}"


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(area_visible_q(user))


class ImplementationPlan(models.Model):
    """An area's implementation plan (实施方案), filed upward to the level that asked for it."""

    area = models.OneToOneField(
        "regions.Region", verbose_name=_("Area"), on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField(_("Document number"), max_length=60)
    issued_on = models.DateField(_("Date issued"))
    co_issuers = models.CharField(_("Co-issuing departments"), max_length=500, blank=True)
    period_from = models.PositiveSmallIntegerField(_("Period from"))
    period_to = models.PositiveSmallIntegerField(_("Period to"))
    file = models.FileField(upload_to=plan_path, max_length=200)
    file_kind = models.CharField(max_length=8)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("Status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.FILED
    )
    comments = models.TextField(_("Comments"), blank=True)
    filed_at = models.DateTimeField(_("Filed"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("Deadline"))
    on_time = models.BooleanField(_("On time"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("Implementation plan")
        verbose_name_plural = _("Implementation plans")
        ordering = ["area_id"]

    def __str__(self):
        return f"{self.area_id} {self.document_number}"
