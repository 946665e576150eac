from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamingConfig(AppConfig):
    name = "apps.naming"
    label = "naming"
    verbose_name = _("Naming")

    def ready(self):
        from apps.review.hooks import register_final_decision

        from .selectors import final_decision

        register_final_decision(final_decision)
