"""Site checks (现场核查) on a reproducible sample, by expert groups, before the public notice.

A province's inspection plan for a campaign year says how the sample is drawn (apps.sitechecks.
sampling); a draw records its seed, rule and list, and every drawn community is *held* until the
signed-off inspection of its group releases it (passed) or sends it back to review (failed).
Experts are accounts of role EXPERT (not bound to a region): they see exactly the communities of
their group's open assignments (`Assignment.objects.visible_to`)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.accounts.scoping import NOTHING, is_active_user, is_nationwide, province_scope_q


class Rule(models.TextChoices):
    ALL = "all", _("Every proposed community")
    PERCENT = "percent", _("A percentage per district")
    COUNT = "count", _("A number per district")


class SampleState(models.TextChoices):
    HELD = "held", _("Held for site check")
    PASSED = "passed", _("Site check passed")
    FAILED = "failed", _("Site check failed: back in review")


class AssignmentState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Signed off")
    CONFLICT = "conflict", _("Conflict declared: to reassign")


class SiteVerdict(models.TextChoices):
    MET = "met", _("Conforms")
    LARGELY_MET = "largely_met", _("Largely conforms")
    NOT_MET = "not_met", _("Does not conform")


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_scope_q(user))


class InspectionPlan(models.Model):
    """How one provincial unit samples its proposed communities of one year for site checks."""

    province = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("Year"))
    rule = models.CharField(_("Sampling rule"), max_length=10, choices=Rule.choices, default=Rule.PERCENT)
    value = models.PositiveSmallIntegerField(_("Percentage or number per district"), default=30)
    min_one = models.BooleanField(_("At least one per district"), default=True)
    # {county code: {"rule": ..., "value": n}}: districts that sample differently.
    district_rules = models.JSONField(_("Per-district rules"), default=dict, blank=True)
    force_objections = models.BooleanField(_("Always include communities with an objection"), default=True)
    force_demonstration = models.BooleanField(_("Always include demonstration candidates"), default=True)
    margin = models.DecimalField(
        _("Always include confirmed totals within this margin of the pass mark"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    # Risk weights fed by other features: each unexplained integrity flag adds this weight
    # (apps.integrity); force_flagged puts every flagged assessment in the sample.
    flag_weight = models.DecimalField(
        _("Weight per integrity flag"), max_digits=5, decimal_places=2, default=1
    )
    force_flagged = models.BooleanField(
        _("Always include assessments with an unexplained flag"), default=False
    )
    seed = models.CharField(_("Seed"), max_length=40)
    # The review level a failed inspection sends the assessment back to.
    return_level = models.CharField(_("A failed check goes back to"), max_length=10, default="province")
    # Set when the sample is handed to the groups (first assignment): no redraw after it.
    published_at = models.DateTimeField(_("Sample published"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("Set at"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("Inspection plan")
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="inspection_plan_one_per_year")
        ]

    def __str__(self):
        return f"{self.province_id} {self.year}"


class Draw(models.Model):
    """One recorded draw: its seed, its rule as it was, and its list (the history of draws)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="draws")
    seed = models.CharField(max_length=40)
    rule = models.JSONField()
    codes = models.JSONField(help_text="community codes drawn, in order")
    population = models.PositiveIntegerField()
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-drawn_at", "-id"]

    def __str__(self):
        return f"{self.plan_id} {self.drawn_at:%Y-%m-%d %H:%M}"


class SampleQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_scope_q(user, "plan__"))


class SampleEntry(models.Model):
    """A drawn community: held for site check until its inspection is signed off."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="entries")
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="entries")
    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("Why"), max_length=20)
    weight = models.DecimalField(max_digits=7, decimal_places=2, default=1)
    state = models.CharField(_("State"), max_length=10, choices=SampleState.choices, default=SampleState.HELD)
    site_total = models.DecimalField(_("Site total"), max_digits=7, decimal_places=2, null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = SampleQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "county_id", "assessment__community_id"]
        constraints = [models.UniqueConstraint(fields=["draw", "assessment"], name="sample_entry_unique")]
        indexes = [models.Index(fields=["assessment", "state"], name="sample_entry_assessment_state")]

    def __str__(self):
        return f"{self.plan_id} · {self.assessment_id}"


class ExpertQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A province sees its pool and the national pool; nationwide users every expert."""
        if not is_active_user(user):
            return self.none()
        if is_nationwide(user):
            return self
        if user.role == Role.PROVINCE and user.region_id:
            return self.filter(Q(pool_id=user.region_id) | Q(pool__isnull=True))
        return self.none()


class Expert(models.Model):
    """What the portal knows of an expert account: whose pool (a province's, or the ministry's
    national pool) and the district where the expert works (never assigned a community there)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert")
    pool = models.ForeignKey(
        "regions.Region",
        verbose_name=_("Pool"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    work_county = models.ForeignKey(
        "regions.Region",
        verbose_name=_("District where the expert works"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.CharField(_("Organisation"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ExpertQuerySet.as_manager()

    def __str__(self):
        return self.user.display_name or self.user.username


class InspectionGroup(models.Model):
    """An inspection group (检查组) of a plan, with its leader."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("Group"), max_length=60)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspection_groups")

    class Meta:
        ordering = ["plan", "name"]

    def __str__(self):
        return self.name


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Experts: the open assignments of their groups, nothing else; the province: its plans';
        nationwide users: all."""
        if not is_active_user(user):
            return self.filter(NOTHING)
        if user.role == Role.EXPERT:
            return self.filter(state=AssignmentState.OPEN, group__members=user)
        return self.filter(province_scope_q(user, "sample__plan__"))


class Assignment(models.Model):
    sample = models.ForeignKey(SampleEntry, on_delete=models.CASCADE, related_name="assignments")
    group = models.ForeignKey(InspectionGroup, on_delete=models.PROTECT, related_name="assignments")
    state = models.CharField(
        _("State"), max_length=10, choices=AssignmentState.choices, default=AssignmentState.OPEN
    )
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["sample", "-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sample"], condition=Q(state="open"), name="one_open_assignment_per_sample"
            )
        ]

    def __str__(self):
        return f"{self.group_id} · {self.sample_id}"


class Conflict(models.Model):
    """An expert's declaration of a conflict of interest on an assignment (recorded; reassigned)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="conflicts")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("Reason"), max_length=300)
    declared_at = models.DateTimeField()

    def __str__(self):
        return f"{self.assignment_id} · {self.expert_id}"


class Inspection(models.Model):
    """One expert's record of a visit, made on one device (its id). Two experts have two records;
    the leader's signed-off record is the one that counts."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="inspections")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device_id = models.UUIDField(unique=True)
    created_at = models.DateTimeField()
    # Kept, flagged, not applied: an upload that arrived after the assignment was closed.
    late = models.BooleanField(default=False)
    site_total = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    conclusion = models.TextField(_("Conclusion"), blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assignment", "created_at"]

    def __str__(self):
        return str(self.device_id)


class InspectionItem(models.Model):
    """The site verdict of one criterion. `client_at` is the phone's clock, `received_at` the
    server's: both are kept (a phone may be hours wrong)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey("standards.Criterion", on_delete=models.PROTECT, related_name="+")
    device_id = models.UUIDField(unique=True)
    verdict = models.CharField(_("Site verdict"), max_length=12, choices=SiteVerdict.choices)
    score = models.DecimalField(_("Site score"), max_digits=6, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("Note"), blank=True)
    client_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["inspection", "criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "criterion"], name="inspection_item_unique")
        ]

    def __str__(self):
        return f"{self.inspection_id} · {self.criterion_id}"


def photo_path(instance, filename):
    return f"sitechecks/{instance.item.inspection.assignment_id}/{uuid.uuid4().hex}"


class InspectionPhoto(models.Model):
    """A photo taken on the spot. The file is stored without its location; capture time and place
    are kept here for the province's reviewers only (never public, never exported)."""

    item = models.ForeignKey(InspectionItem, on_delete=models.CASCADE, related_name="photos")
    device_id = models.UUIDField(unique=True)
    file = models.FileField(upload_to=photo_path, max_length=200)
    kind = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    captured_at = models.DateTimeField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "received_at"]

    def __str__(self):
        return str(self.device_id)
