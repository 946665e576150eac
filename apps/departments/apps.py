from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "apps.departments"
    label = "departments"
    verbose_name = _("Other departments")

    def ready(self):
        # The departments' opinion before the public notice is an optional step of the naming.
        from apps.naming.procedure import Step, register_step

        from .consulting import consultation_ready

        register_step(Step(key="opinions", name=_("Other departments' opinions"), ready=consultation_ready))
