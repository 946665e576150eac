from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "apps.targets"
    verbose_name = _("Targets and creation lists")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from apps.core.versioned import drop_on_signal

        from .models import Target
        from .selectors import TARGETS_VERSION

        changed = drop_on_signal(TARGETS_VERSION)
        post_save.connect(changed, sender=Target, weak=False, dispatch_uid="targets-saved")
        post_delete.connect(changed, sender=Target, weak=False, dispatch_uid="targets-deleted")

        from apps.reports.columns import register_export_columns
        from apps.standards.hooks import register_forecast

        from .exports import figures_export_columns
        from .whatif import forecast_against_result, standard_whatif

        register_export_columns(figures_export_columns)
        register_forecast(forecast=standard_whatif, against_result=forecast_against_result)
