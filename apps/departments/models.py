"""Other departments (发改, 民政, 公安, 生态环境, 市场监管 …) inside the work: their type and accounts,
the criteria each type checks in a local standard, their opinions per criterion, their opinion on
a proposed list before the public notice (征求意见), and their confirmation of the annual report.

A department account is a `User` with role DEPARTMENT and a `DepartmentProfile` naming its type;
its level is its region's (none: national; a provincial unit; a city or county). Every row here
scopes through apps.accounts.scoping; a department never decides anything.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import NOTHING, is_active_user, province_scope_q
from apps.regions.models import optional_province


class Answer(models.TextChoices):
    NONE = "none", _("No objection (无意见)")
    OBJECTION = "objection", _("Objection (有意见)")
    LAPSED = "lapsed", _("No answer by the deadline: deemed no objection")


class ObjectionOutcome(models.TextChoices):
    OPEN = "open", _("Awaiting the province's decision")
    KEPT = "kept", _("Resolved: the community stays in the batch")
    REMOVED = "removed", _("Resolved: the community leaves the batch")


class Confirmation(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Report confirmed")
    COMMENTED = "commented", _("Report commented on")


class DepartmentTypeQuerySet(models.QuerySet):
    def for_province(self, province_id: str | None):
        """The national list and the province's own additions (a removed type stays for history)."""
        q = models.Q(province__isnull=True)
        if province_id:
            q |= models.Q(province_id=province_id)
        return self.filter(q)

    def active(self):
        return self.filter(active=True)


class DepartmentType(models.Model):
    """A kind of department (公安, 民政 …): national (no province) or added by a province. Removing
    one sets `active` off: accounts, owned criteria and answers keep it."""

    code = models.SlugField(_("Code"), max_length=40)
    name = models.CharField(_("Department"), max_length=60)
    province = optional_province()
    order = models.PositiveSmallIntegerField(_("Order"), default=100)
    active = models.BooleanField(_("In the list"), default=True)
    # One of the five ministries that issued the notice with the housing ministry: their national
    # accounts may read the national progress PDF.
    co_ministry = models.BooleanField(_("Co-issuing ministry"), default=False)

    objects = DepartmentTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Department type")
        verbose_name_plural = _("Department types")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "province"], name="department_type_code_unique"),
        ]

    def __str__(self):
        return self.name


class DepartmentProfile(models.Model):
    """What makes a department account one: its type (its level is the user's region)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_profile"
    )
    department_type = models.ForeignKey(
        DepartmentType, verbose_name=_("Department"), on_delete=models.PROTECT, related_name="profiles"
    )

    class Meta:
        verbose_name = _("Department account")
        verbose_name_plural = _("Department accounts")

    def __str__(self):
        return f"{self.user} · {self.department_type}"


class OwnedCriterionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Local standards' rows as the standards are seen: the province's staff and nationwide
        users, and the departments of that province (their own type's and the others')."""
        from apps.accounts.scoping import department_province_q

        department = department_province_q(user, "criterion__standard__")
        if department is NOTHING:
            return self.filter(province_scope_q(user, "criterion__standard__"))
        return self.filter(department)


class OwnedCriterion(models.Model):
    """The department type that checks (负责考核) one criterion of a local standard."""

    criterion = models.OneToOneField(
        "standards.Criterion", on_delete=models.CASCADE, related_name="department_owner"
    )
    department_type = models.ForeignKey(
        DepartmentType, verbose_name=_("Department"), on_delete=models.PROTECT, related_name="criteria"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("Set at"), auto_now=True)

    objects = OwnedCriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Criterion checked by a department")
        verbose_name_plural = _("Criteria checked by departments")

    def __str__(self):
        return f"{self.criterion_id} · {self.department_type}"


class CriterionOpinionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Opinions on assessments the caller sees (a department: only its own type's criteria)."""
        from apps.accounts.scoping import criterion_scope_q, region_scope_q

        return self.filter(
            region_scope_q(user, "assessment__", community_field="assessment__community_id"),
            criterion_scope_q(user, "criterion"),
        )


class CriterionOpinion(models.Model):
    """A department's opinion on one criterion of one assessment: reviewers read it beside the
    criterion; it is never a verdict."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="department_opinions"
    )
    criterion = models.ForeignKey("standards.Criterion", on_delete=models.PROTECT, related_name="+")
    department_type = models.ForeignKey(DepartmentType, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    department_name = models.CharField(_("Department"), max_length=100)
    text = models.TextField(_("Opinion"))
    created_at = models.DateTimeField(_("Given"), auto_now_add=True)

    objects = CriterionOpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Department opinion on a criterion")
        verbose_name_plural = _("Department opinions on criteria")
        ordering = ["assessment", "criterion__number", "created_at", "id"]

    def __str__(self):
        return f"{self.assessment_id} · {self.criterion_id} · {self.department_name}"


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The batch's provincial staff and nationwide users; a department: the consultations
        addressed to its type in its provincial unit (or nationwide, for national departments)."""
        from apps.accounts.scoping import department_province_q

        if not is_active_user(user):
            return self.none()
        department = department_province_q(user, "batch__")
        if department is NOTHING:
            return self.filter(province_scope_q(user, "batch__"))
        type_id = user.department_profile.department_type_id if hasattr(user, "department_profile") else None
        return self.filter(department, department_type_id=type_id)


class Consultation(models.Model):
    """One department (type, of the batch's provincial unit) asked for its opinion on a draft batch
    before the public notice, with a deadline. One answer: no objection, an objection (with the
    communities it concerns), or, by the deadline's end, lapsed (recorded once). An answer after
    the deadline is kept and marked late; it never holds or undoes anything."""

    batch = models.ForeignKey("naming.Batch", on_delete=models.CASCADE, related_name="consultations")
    department_type = models.ForeignKey(
        DepartmentType, verbose_name=_("Department"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("Answer by"))
    sent_at = models.DateTimeField(_("Sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(_("Reminded"), null=True, blank=True)
    answer = models.CharField(_("Answer"), max_length=10, choices=Answer.choices, blank=True)
    text = models.TextField(_("Opinion"), blank=True)
    answered_at = models.DateTimeField(_("Answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_name = models.CharField(_("Answered as"), max_length=100, blank=True)
    late = models.BooleanField(_("Late"), default=False)
    # When silence by the deadline was recorded as no objection (once; a late answer keeps it).
    lapsed_at = models.DateTimeField(_("Recorded as no answer"), null=True, blank=True)
    # When the department was told that the batch was named (once).
    named_notice_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Consultation of a department")
        verbose_name_plural = _("Consultations of departments")
        ordering = ["batch", "department_type__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "department_type"], name="consultation_one_per_type"),
        ]
        indexes = [models.Index(fields=["answer", "deadline"], name="consultation_answer_deadline")]

    def __str__(self):
        return f"{self.batch_id} · {self.department_type}"


class DepartmentObjection(models.Model):
    """A department's objection about one community of the batch: the entry is held until the
    province resolves it with a reason."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="objections")
    # Null once the province takes the entry out of the draft batch; the community's name stays.
    entry = models.ForeignKey("naming.BatchEntry", null=True, on_delete=models.SET_NULL, related_name="+")
    community_name = models.CharField(_("Community"), max_length=100)
    text = models.TextField(_("Objection"))
    late = models.BooleanField(_("Late"), default=False)
    outcome = models.CharField(
        _("Outcome"), max_length=10, choices=ObjectionOutcome.choices, default=ObjectionOutcome.OPEN
    )
    reason = models.TextField(_("Reason"), blank=True)
    resolved_at = models.DateTimeField(_("Resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Department objection")
        verbose_name_plural = _("Department objections")
        ordering = ["consultation", "id"]

    def __str__(self):
        return f"{self.consultation_id} · {self.entry_id}"


class ReportSignatureQuerySet(models.QuerySet):
    def visible_to(self, user):
        from apps.accounts.scoping import department_province_q

        if not is_active_user(user):
            return self.none()
        department = department_province_q(user, "report__")
        if department is NOTHING:
            return self.filter(province_scope_q(user, "report__"))
        return self.filter(department)


class ReportSignature(models.Model):
    """A department taking part in a provincial unit's annual evaluation (会同有关部门): it confirms
    the report, or comments on it, before the province submits it."""

    report = models.ForeignKey("reports.AnnualReport", on_delete=models.CASCADE, related_name="signatures")
    department_type = models.ForeignKey(
        DepartmentType, verbose_name=_("Department"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("State"), max_length=10, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    comment = models.TextField(_("Comment"), blank=True)
    signed_at = models.DateTimeField(_("Confirmed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_name = models.CharField(_("Confirmed as"), max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReportSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("Department confirmation of a report")
        verbose_name_plural = _("Department confirmations of reports")
        ordering = ["report", "department_type__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "department_type"], name="signature_one_per_type"),
        ]

    def __str__(self):
        return f"{self.report_id} · {self.department_type}"
