from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "apps.communities"
    label = "communities"
    verbose_name = _("Community registry")

    def ready(self):
        from apps.accounts.history_text import register_value_text
        from apps.core.models import TraceKind

        from .models import Retirement

        # The history page reads a retirement by its name, not by its key.
        register_value_text(
            kind=TraceKind.REGISTRY,
            key="retirement",
            text=lambda value: str(dict(Retirement.choices).get(value, value)),
        )
