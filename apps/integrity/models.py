"""Fingerprints of submitted statements and photos, their index rows, and the flags shown to reviewers.

Fingerprints exist for assessments that left draft only: nothing a community has not submitted is
compared. A flag is a finding shown to a person, never a decision: a reviewer explains it (with a
note, in the assessment's history) and it stays explained whatever is recomputed later.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import region_scope_q


def _printed(model: str) -> models.OneToOneField:
    """The row a print is the fingerprint of: its primary key, without a database constraint."""
    return models.OneToOneField(
        model, primary_key=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )


def _printed_assessment() -> models.ForeignKey:
    """The assessment of a print, without a database constraint (indexed by the model's Meta)."""
    return models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )


class StatementPrint(models.Model):
    """The fingerprint of one criterion's statement (apps.integrity.fingerprints.statement_print)."""

    # No database constraints on the prints (written by COPY a million at a time: the deferred
    # per-row checks were a sixth of the backfill); Django's cascade still deletes them with their
    # response or assessment. The assessment is indexed once, by Meta.indexes.
    response = _printed("assessments.Response")
    assessment = _printed_assessment()
    # Copied from the assessment so that candidate pairs need no join to tell communities apart.
    community_id = models.CharField(max_length=12)
    text_hash = models.CharField(max_length=64)
    length = models.PositiveIntegerField()
    # NUM_PERM big-endian uint32 values; null: too short to compare (boilerplate).
    signature = models.BinaryField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["assessment"], name="integrity_stmt_assessment")]

    def __str__(self):
        return f"statement {self.response_id}"


class StatementBand(models.Model):
    """One LSH band of a statement's MinHash: candidate pairs are rows with an equal (band_no,
    band_hash), found by index lookup."""

    # No database constraint: these are index rows written 16 a statement by COPY (a per-row
    # foreign-key check would double the backfill); Django's cascade still deletes them.
    statement = models.ForeignKey(
        StatementPrint, on_delete=models.CASCADE, related_name="band_rows", db_constraint=False
    )
    band_no = models.PositiveSmallIntegerField()
    band_hash = models.BigIntegerField()

    class Meta:
        # statement_id included: a bucket is read by an index-only scan, not one heap fetch a row.
        indexes = [
            models.Index(
                fields=["band_no", "band_hash"], include=["statement_id"], name="integrity_band_lookup"
            )
        ]

    def __str__(self):
        return f"{self.statement_id}/{self.band_no}"


class CommonBucket(models.Model):
    """A band bucket known to be common (a model text shared by many communities): lookups skip it
    without reading it. Only ever grows (statements are never fewer in a bucket than when it was
    found full), so a stale list only costs a lookup, never a wrong flag."""

    band_no = models.PositiveSmallIntegerField()
    band_hash = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["band_no", "band_hash"], name="integrity_common_bucket")
        ]

    def __str__(self):
        return f"{self.band_no}/{self.band_hash}"


class PhotoStatus(models.TextChoices):
    OK = "ok", _("Compared")
    NOT_COMPARABLE = "not_comparable", _("Not comparable")
    MISSING = "missing", _("File missing")


class PhotoPrint(models.Model):
    """The perceptual hash of one evidence image next to its SHA-256, split into four 16-bit bands
    for exact index lookups."""

    # No database constraints, as StatementPrint.
    evidence = _printed("assessments.Evidence")
    assessment = _printed_assessment()
    community_id = models.CharField(max_length=12)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=PhotoStatus.choices)
    phash = models.BigIntegerField(null=True)
    band0 = models.IntegerField(null=True)
    band1 = models.IntegerField(null=True)
    band2 = models.IntegerField(null=True)
    band3 = models.IntegerField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["assessment"], name="integrity_photo_assessment"),
            models.Index(fields=["sha256"], name="integrity_photo_sha256"),
            models.Index(fields=["band0"], name="integrity_photo_band0"),
            models.Index(fields=["band1"], name="integrity_photo_band1"),
            models.Index(fields=["band2"], name="integrity_photo_band2"),
            models.Index(fields=["band3"], name="integrity_photo_band3"),
        ]

    def __str__(self):
        return f"photo {self.evidence_id}"


class FlagKind(models.TextChoices):
    STATEMENT = "statement", _("Similar statement")
    PHOTO = "photo", _("Photo also submitted elsewhere")
    OLD_PHOTO = "old_photo", _("Photo taken before the campaign year")
    NOT_COMPARABLE = "not_comparable", _("Photo not comparable")


# The kinds that count in the flagged share (docs/figures.md).
COUNTED_KINDS = (FlagKind.STATEMENT, FlagKind.PHOTO, FlagKind.OLD_PHOTO)


class FlagQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Flags of assessments in the caller's scope (scoped like the assessment)."""
        return self.filter(region_scope_q(user, "assessment__", community_field="assessment__community_id"))

    def unexplained(self):
        return self.filter(explained_at__isnull=True)


class Flag(models.Model):
    """A finding about one criterion of one assessment: its statement resembles another community's,
    one of its photos was also submitted by another community, a photo was taken before the
    campaign year, or a photo could not be decoded. Identified by `key`, so recomputing finds the
    same flag again and an explained flag stays explained."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="integrity_flags"
    )
    response = models.ForeignKey("assessments.Response", on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(
        "assessments.Evidence", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("Kind"), max_length=16, choices=FlagKind.choices)
    key = models.CharField(max_length=80, unique=True)
    other_assessment = models.ForeignKey(
        "assessments.Assessment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    other_response = models.ForeignKey(
        "assessments.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    other_evidence = models.ForeignKey(
        "assessments.Evidence", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Statements: estimated Jaccard similarity of their shingles (0..1); photos: Hamming distance.
    similarity = models.FloatField(null=True, blank=True)
    distance = models.PositiveSmallIntegerField(null=True, blank=True)
    captured_on = models.DateField(null=True, blank=True)
    found_at = models.DateTimeField(_("Found"), auto_now_add=True)
    explained_at = models.DateTimeField(_("Explained"), null=True, blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explanation = models.TextField(_("Explanation"), blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("Integrity flag")
        verbose_name_plural = _("Integrity flags")
        ordering = ["assessment", "response", "kind", "-similarity", "distance", "id"]
        indexes = [models.Index(fields=["assessment", "kind"], name="integrity_flag_assessment")]

    def __str__(self):
        return self.key

    @property
    def is_explained(self) -> bool:
        return self.explained_at is not None
