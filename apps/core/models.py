from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .history import AppendOnlyMixin, AppendOnlyQuerySet


class TraceKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    REGISTRY = "registry", _("Community registry")
    CHAIN = "chain", _("Review chain")
    STANDARD = "standard", _("Local standard")
    NAMING = "naming", _("Naming procedure")


class TraceAction(models.TextChoices):
    # accounts
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    ROLE_CHANGED = "role_changed", _("Role or scope changed")
    DEACTIVATED = "deactivated", _("Deactivated")
    REACTIVATED = "reactivated", _("Reactivated")
    PASSWORD_RESET = "password_reset", _("Password reset by an administrator")
    DELETED = "deleted", _("Deleted")
    UNLOCKED = "unlocked", _("Login lockout lifted")
    # registry
    ADDED = "added", _("Community added")
    RENAMED = "renamed", _("Community renamed")
    MOVED = "moved", _("Community moved to another street")
    IMPORTED = "imported", _("Registry imported")
    RETIRED = "retired", _("Community retired")
    # review chains
    CHAIN_SET = "chain_set", _("Review chain set")
    # local standards
    STANDARD_DRAFTED = "standard_drafted", _("Local standard draft started")
    STANDARD_PUBLISHED = "standard_published", _("Local standard published")
    STANDARD_DISCARDED = "standard_discarded", _("Local standard draft discarded")
    # naming procedures and batches (apps.naming)
    PROCEDURE_SET = "procedure_set", _("Naming procedure set")
    BATCH_PUBLISHED = "batch_published", _("Batch published for public notice")
    BATCH_NAMED = "batch_named", _("Batch named")


class TraceEvent(AppendOnlyMixin, models.Model):
    """Append-only, hash-chained history of accounts, registry rows and provincial settings (one chain
    per kind). Read through apps.accounts.scoping.province_scope_q."""

    kind = models.CharField(_("Kind"), max_length=10, choices=TraceKind.choices)
    at = models.DateTimeField(_("Time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(_("Role"), max_length=12, blank=True)
    action = models.CharField(_("Action"), max_length=20, choices=TraceAction.choices)
    # What the entry is about: a user id, a community code, or "" for an import.
    subject = models.CharField(_("Subject"), max_length=150, blank=True)
    subject_label = models.CharField(_("Name"), max_length=200, blank=True)
    # Who may read it (provincial staff of this unit); None: ministry and administrators only.
    province = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()
    # One chain per kind, appended one at a time under a lock: id order.
    chain_key = "kind"
    chain_order = ("kind", "id")

    class Meta:
        verbose_name = _("History entry")
        verbose_name_plural = _("Account and registry history")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["kind", "-id"], name="trace_kind_id"),
            models.Index(fields=["province", "kind", "-id"], name="trace_province_kind_id"),
        ]

    def __str__(self):
        return f"{self.kind} {self.action} {self.subject}"

    def hash_values(self) -> list:
        return [
            self.prev_hash,
            self.kind,
            self.at.isoformat(),
            self.actor_id,
            self.actor_role,
            self.action,
            self.subject,
            self.subject_label,
            self.province_id,
            self.data,
        ]
