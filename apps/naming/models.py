import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import prefecture_city_id, province_scope_q
from apps.core.crypto import EncryptedTextField

from .procedure import BatchState, DayKind, EntryState, Namer, ObjectionSource, Outcome


def _who_did_it() -> models.ForeignKey:
    """The account that took a step (published, named, resolved ...): optional, kept empty when the
    account is deleted, no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class NamingProcedureQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_scope_q(user))


class NamingProcedure(models.Model):
    """What follows the last review level in one provincial unit for one campaign year
    (apps.naming.procedure). Frozen once the year's first batch is published."""

    province = models.ForeignKey(
        "regions.Region", verbose_name=_("Provincial unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    notice_days = models.PositiveSmallIntegerField(_("Length of the public notice (days)"), default=7)
    day_kind = models.CharField(_("Days"), max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR)
    namer = models.CharField(_("Who names"), max_length=10, choices=Namer.choices, default=Namer.PROVINCE)
    # The optional steps of procedure.STEPS the province uses, comma-separated.
    steps = models.CharField(_("Steps before the public notice"), max_length=200, blank=True)
    issuing_body = models.CharField(_("Issuing body"), max_length=100, blank=True)
    set_by = _who_did_it()
    set_at = models.DateTimeField(_("Set at"))

    objects = NamingProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("Naming procedure")
        verbose_name_plural = _("Naming procedures")
        ordering = ["province_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="naming_procedure_one_per_year")
        ]

    def __str__(self):
        return f"{self.province_id} {self.year}"


class BatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff of the provincial unit and nationwide users (the public reads published batches
        through apps.naming.selectors.public_batches); the department of a prefecture-level city
        sees the batches delegated to it: of a year whose procedure has the cities name, and whose
        communities are all of its city."""
        city = prefecture_city_id(user)
        if city is None:
            return self.filter(province_scope_q(user))
        delegated = NamingProcedure.objects.filter(
            province_id=models.OuterRef("province_id"), year=models.OuterRef("year"), namer=Namer.CITY
        )
        entries = BatchEntry.objects.filter(batch=models.OuterRef("pk"))
        return self.filter(
            models.Exists(delegated),
            models.Exists(entries.filter(assessment__city_id=city)),
            ~models.Exists(entries.exclude(assessment__city_id=city)),
            province_id=user.region.province_id,
        )


class Batch(models.Model):
    """A numbered batch (第N批) of proposed communities of one provincial unit and year: a draft,
    then published for public notice (公示), then named (命名) with a document number (文号)."""

    province = models.ForeignKey(
        "regions.Region", verbose_name=_("Provincial unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    number = models.PositiveSmallIntegerField(_("Batch number"))
    title = models.CharField(_("Title"), max_length=200)
    state = models.CharField(_("State"), max_length=10, choices=BatchState.choices, default=BatchState.DRAFT)
    notice_start = models.DateField(_("Public notice from"))
    notice_end = models.DateField(_("Public notice until"))
    notice_document_number = models.CharField(_("Document number of the notice"), max_length=60, blank=True)
    document_number = models.CharField(_("Document number (文号)"), max_length=60, blank=True)
    document_date = models.DateField(_("Document date"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("Created"), auto_now_add=True)
    published_at = models.DateTimeField(_("Published"), null=True, blank=True)
    published_by = _who_did_it()
    named_at = models.DateTimeField(_("Named"), null=True, blank=True)
    named_by = _who_did_it()

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("Batch")
        verbose_name_plural = _("Batches")
        ordering = ["province_id", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "number"], name="batch_number_unique")
        ]
        indexes = [models.Index(fields=["state", "notice_end"], name="batch_state_end")]

    def __str__(self):
        return self.title

    @property
    def ordinal(self) -> str:
        """第一批, 第二批 ..."""
        from .procedure import chinese_number

        return f"第{chinese_number(self.number)}批"


class BatchEntry(models.Model):
    """One proposed assessment in a batch. Left entries (upheld objection, retired community) stay
    with their note, so the published list can be read as it was."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="entries")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="batch_entries"
    )
    state = models.CharField(_("State"), max_length=10, choices=EntryState.choices, default=EntryState.LISTED)
    note = models.CharField(_("Note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Batch entry")
        verbose_name_plural = _("Batch entries")
        ordering = ["batch", "assessment__city_id", "assessment__county_id", "assessment__community_id"]
        constraints = [models.UniqueConstraint(fields=["batch", "assessment"], name="batch_entry_unique")]
        indexes = [models.Index(fields=["assessment", "state"], name="batch_entry_assessment_state")]

    def __str__(self):
        return f"{self.batch_id} · {self.assessment_id}"


class ObjectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff of the batch's provincial unit, and nationwide users."""
        return self.filter(province_scope_q(user, "batch__"))


class Objection(models.Model):
    """An objection to one community of a published batch. The objector's name and phone are
    encrypted at rest, shown only to staff of the batch's province, and erased
    settings.OBJECTION_CONTACT_DAYS after the batch is named."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(BatchEntry, on_delete=models.PROTECT, related_name="objections")
    criterion = models.ForeignKey(
        "standards.Criterion",
        verbose_name=_("Criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("Objection"))
    source = models.CharField(_("Received by"), max_length=10, choices=ObjectionSource.choices)
    objector_name = EncryptedTextField(_("Objector's name"), blank=True)
    objector_phone = EncryptedTextField(_("Objector's phone"), blank=True)
    contact_erased_at = models.DateTimeField(_("Contact erased"), null=True, blank=True)
    received_at = models.DateTimeField(_("Received"))
    entered_by = _who_did_it()
    outcome = models.CharField(_("Outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_reason = models.TextField(_("Reason"), blank=True)
    to_level = models.CharField(_("Back to review level"), max_length=10, blank=True)
    resolved_at = models.DateTimeField(_("Resolved"), null=True, blank=True)
    resolved_by = _who_did_it()

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Objection")
        verbose_name_plural = _("Objections")
        ordering = ["batch", "received_at", "id"]
        indexes = [models.Index(fields=["batch", "outcome"], name="objection_batch_outcome")]

    def __str__(self):
        return f"{self.batch_id} · {self.entry_id} · {self.outcome}"


def objection_file_path(instance, filename):
    # Server-made names only, as for evidence.
    return f"objections/{instance.objection.batch.year}/{instance.objection.batch_id}/{uuid.uuid4().hex}"


class ObjectionFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_scope_q(user, "objection__batch__"))


class ObjectionFile(models.Model):
    """Evidence attached to an objection (the same type and size rules as evidence)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=objection_file_path, max_length=200)
    original_name = models.CharField(_("File name"), max_length=255)
    kind = models.CharField(_("Type"), max_length=8)
    size = models.PositiveBigIntegerField(_("Size"))
    sha256 = models.CharField(max_length=64)

    objects = ObjectionFileQuerySet.as_manager()

    class Meta:
        ordering = ["objection", "id"]

    def __str__(self):
        return self.original_name
