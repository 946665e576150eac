from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "apps.review"
    label = "review"
    verbose_name = _("Review")

    def ready(self):
        from apps.accounts.history_text import ARROW, register_value_text
        from apps.core.models import TraceKind

        from . import workflow

        def chain(value) -> str:
            return ARROW.join(str(workflow.level_name(key)) for key in str(value).split(",") if key)

        # The history page reads a chain as its levels' names ("街道办事处 → …"), not as keys.
        for key in ("before", "after"):
            register_value_text(kind=TraceKind.CHAIN, key=key, text=chain)
