"""A password change (own, reset by the level above, the admin, a reset link) or a deactivation
revokes every API token of the user. On the User model itself, so that every path is covered."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import services

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="api_tokens_note_credential_change")
def note_credential_change(sender, instance, raw=False, **kwargs):
    instance._revoke_api_tokens = False
    if raw or instance.pk is None:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login on every sign-in: no extra query
    stored = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password or (stored["is_active"] and not instance.is_active):
        instance._revoke_api_tokens = True


@receiver(post_save, sender=User, dispatch_uid="api_tokens_revoke_on_credential_change")
def revoke_on_credential_change(sender, instance, created=False, raw=False, **kwargs):
    if getattr(instance, "_revoke_api_tokens", False):
        instance._revoke_api_tokens = False
        services.revoke_all_tokens(instance)
