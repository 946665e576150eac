from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("Annual reports")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from apps.core.versioned import drop_on_signal

        from .figures.compose import SNAPSHOTS_VERSION
        from .models import AnnualReport, NationalSnapshot
        from .selectors import REPORTS_VERSION

        # The dashboard's cached reads (report status, national trend) follow every save or delete
        # of what they read; bulk updates drop their version themselves (apps.core.versioned).
        for model, version in ((AnnualReport, REPORTS_VERSION), (NationalSnapshot, SNAPSHOTS_VERSION)):
            changed = drop_on_signal(version)
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{version}-saved")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{version}-deleted")
