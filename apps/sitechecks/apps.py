from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitechecksConfig(AppConfig):
    name = "apps.sitechecks"
    label = "sitechecks"
    verbose_name = _("Site checks")

    def ready(self):
        from apps.naming.procedure import Step, register_step
        from apps.review.hooks import register_queue_rows

        from .selectors import attach_site_totals, batch_ready

        register_step(Step(key="site_checks", name=_("Site checks on a sample"), ready=batch_ready))
        register_queue_rows(attach_site_totals)
