from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "apps.residents"
    label = "residents"
    verbose_name = _("Residents' voice")

    def ready(self):
        from apps.review.hooks import register_approval_check

        from .services import approval_gate

        register_approval_check(approval_gate)
