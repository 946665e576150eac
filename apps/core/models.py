from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .history import AppendOnlyMixin, AppendOnlyQuerySet

NOTHING = Q(pk__in=[])


class TraceKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    REGISTRY = "registry", _("Community registry")


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


class TraceEventQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        """Account and registry history in the user's scope: the ministry and administrators see
        all, provincial staff their own provincial unit, nobody else anything."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.filter(NOTHING)
        if user.role in ("ministry", "admin") or user.is_superuser:
            return self
        if user.role == "province" and user.region_id:
            return self.filter(province_id=user.region_id)
        return self.filter(NOTHING)


class TraceEvent(AppendOnlyMixin, models.Model):
    """Append-only, hash-chained history of accounts and registry rows (one chain per kind)."""

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

    objects = TraceEventQuerySet.as_manager()

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
