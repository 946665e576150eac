from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "apps.regions"
    label = "regions"
    verbose_name = _("Administrative divisions")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from apps.core.versioned import drop_on_signal

        from .models import Region
        from .selectors import REGIONS_VERSION

        changed = drop_on_signal(REGIONS_VERSION)
        post_save.connect(changed, sender=Region, weak=False, dispatch_uid="regions-saved")
        post_delete.connect(changed, sender=Region, weak=False, dispatch_uid="regions-deleted")
