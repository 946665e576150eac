from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamingConfig(AppConfig):
    name = "apps.naming"
    label = "naming"
    verbose_name = _("Naming")
