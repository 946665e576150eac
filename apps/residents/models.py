"""Residents' voice (效果共评): the survey a province sets per year, the residents' answers, the gate
a community must meet to be proposed, and the jobs that render posters for a whole area.

Answers hold no personal data: the device is a random id from a signed cookie, kept as a keyed
hash; a verified phone is kept only as a salted hash (apps.residents.privacy), never the number."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import (
    is_active_user,
    is_nationwide,
    province_scope_q,
    region_scope_q,
    regional_column,
)

# Questions a survey may have (one column each on Answer, so shares are one GROUP BY).
MAX_QUESTIONS = 8
SATISFIED_FROM = 4  # a rating of 4 or 5 (of 1–5) counts as satisfied (docs/figures.md)


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_scope_q(user))


class Survey(models.Model):
    """The survey of one provincial unit for one campaign year, and its gate."""

    province = models.ForeignKey(
        "regions.Region", verbose_name=_("Provincial unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    # ["问题一", "问题二", ...]: 1–5 each.
    questions = models.JSONField(_("Questions"))
    sms_required = models.BooleanField(_("A text-message code is required"), default=False)
    # The gate: a community is proposed only with at least gate_min_answers answers and a satisfied
    # share of at least gate_share_percent (both empty: no gate).
    gate_share_percent = models.PositiveSmallIntegerField(
        _("Satisfied share required (%)"), null=True, blank=True
    )
    gate_min_answers = models.PositiveIntegerField(_("Answers required"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("Set at"))

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Residents' survey")
        verbose_name_plural = _("Residents' surveys")
        ordering = ["province_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="survey_one_per_year")]

    def __str__(self):
        return f"{self.province_id} {self.year}"

    @property
    def has_gate(self) -> bool:
        return self.gate_share_percent is not None and self.gate_min_answers is not None


class AnswerQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(region_scope_q(user, "community__", community_field="community_id"))


class Answer(models.Model):
    """One resident's answer for one community and year: one per device and year, and one per
    verified phone and year where the province requires a code."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="answers")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("Year"))
    device_hash = models.CharField(max_length=64)
    phone_hash = models.CharField(max_length=64, blank=True)
    q1 = models.PositiveSmallIntegerField(null=True)
    q2 = models.PositiveSmallIntegerField(null=True)
    q3 = models.PositiveSmallIntegerField(null=True)
    q4 = models.PositiveSmallIntegerField(null=True)
    q5 = models.PositiveSmallIntegerField(null=True)
    q6 = models.PositiveSmallIntegerField(null=True)
    q7 = models.PositiveSmallIntegerField(null=True)
    q8 = models.PositiveSmallIntegerField(null=True)
    comment = models.TextField(_("Comment"), blank=True)
    created_at = models.DateTimeField(_("Received"), auto_now_add=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("Residents' answer")
        verbose_name_plural = _("Residents' answers")
        ordering = ["community_id", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["year", "device_hash"], name="answer_one_per_device_year"),
            models.UniqueConstraint(
                fields=["year", "phone_hash"], condition=~Q(phone_hash=""), name="answer_one_per_phone_year"
            ),
        ]
        indexes = [models.Index(fields=["community", "year"], name="answer_community_year")]

    def __str__(self):
        return f"{self.community_id} {self.year} #{self.pk}"


QUESTION_FIELDS = tuple(f"q{i}" for i in range(1, MAX_QUESTIONS + 1))


class PosterJobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PosterJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Jobs for an area within the caller's scope: the caller's region or an area below it."""
        return self.filter(area_scope_q(user, "region__"))


def area_scope_q(user, prefix: str = "region__") -> Q:
    """Regions (streets, counties, ...) at or below the caller's region, through `prefix` ("" for
    Region itself). Regions know their province, city and county, not their street. Committees
    have no area."""
    if not is_active_user(user):
        return Q(pk__in=[])
    if is_nationwide(user):
        return Q()
    column = regional_column(user)
    if column is None:
        return Q(pk__in=[])
    own = Q(**{f"{prefix}pk": user.region_id})
    return own if column == "street_id" else own | Q(**{f"{prefix}{column}": user.region_id})


def poster_job_path(instance, filename):
    return f"posters/{instance.region_id}/{instance.pk}.pdf"


class PosterJob(models.Model):
    """Posters of every community of a street or district, as one PDF rendered in a worker."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=PosterJobState.choices, default=PosterJobState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=poster_job_path, max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PosterJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.region_id} {self.state}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
