from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "apps.targets"
    verbose_name = _("Targets and creation lists")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.reports.columns import register_export_columns
        from apps.standards.hooks import register_forecast

        from .exports import figures_export_columns
        from .whatif import forecast_against_result, standard_whatif

        register_export_columns(figures_export_columns)
        register_forecast(forecast=standard_whatif, against_result=forecast_against_result)
