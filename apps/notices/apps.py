from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "apps.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Notice
        from .signals import notice_changed

        # The services drop the unread count's version themselves (bulk writes send no signal);
        # these catch any other save or delete of a notice (the admin, a deleted assessment's).
        post_save.connect(notice_changed, sender=Notice, dispatch_uid="notices-unread-saved")
        post_delete.connect(notice_changed, sender=Notice, dispatch_uid="notices-unread-deleted")
