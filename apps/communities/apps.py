from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "apps.communities"
    label = "communities"
    verbose_name = _("Community registry")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from apps.accounts.history_text import register_value_text
        from apps.core.models import TraceKind

        from .counts import registry_changed
        from .models import Community, Retirement

        # Any save or delete of a community changes the registry's cached counts (counts.py).
        post_save.connect(registry_changed, sender=Community, dispatch_uid="communities-registry-saved")
        post_delete.connect(registry_changed, sender=Community, dispatch_uid="communities-registry-deleted")

        # The history page reads a retirement by its name, not by its key.
        register_value_text(
            kind=TraceKind.REGISTRY,
            key="retirement",
            text=lambda value: str(dict(Retirement.choices).get(value, value)),
        )
