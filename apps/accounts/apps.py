from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from axes.models import AccessAttempt
        from django.db.models.signals import post_delete

        def record_unlock(sender, instance, **kwargs):
            # An administrator lifted a lockout (admin delete or `axes_reset_username`): keep a trace.
            from django.conf import settings

            from .services import LIFTING_LOCKOUT, account_unlocked

            if LIFTING_LOCKOUT.get():
                return
            # Only a real lockout (a successful login also clears the failures, AXES_RESET_ON_SUCCESS).
            if instance.failures_since_start >= settings.AXES_FAILURE_LIMIT:
                account_unlocked(actor=None, username=instance.username or "", ip_address=instance.ip_address)

        post_delete.connect(
            record_unlock, sender=AccessAttempt, weak=False, dispatch_uid="accounts.record_unlock"
        )

        from .twofactor import connect_device_receivers

        connect_device_receivers()
