from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "apps.departments"
    label = "departments"
    verbose_name = _("Other departments")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from apps.core.versioned import drop_on_signal

        from .models import ReportSignature
        from .selectors import SIGNATURES_VERSION

        # The ministry's co-signature counts (selectors.signature_summary) follow every save or
        # delete of a signature; the services drop the version themselves after bulk writes.
        changed = drop_on_signal(SIGNATURES_VERSION)
        post_save.connect(changed, sender=ReportSignature, weak=False, dispatch_uid="signatures-saved")
        post_delete.connect(changed, sender=ReportSignature, weak=False, dispatch_uid="signatures-deleted")

        # The departments' opinion before the public notice is an optional step of the naming.
        from apps.naming.procedure import Step, register_step

        from .consulting import consultation_ready

        register_step(Step(key="opinions", name=_("Other departments' opinions"), ready=consultation_ready))
