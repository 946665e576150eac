"""Sign-in with a one-time password (apps.accounts.onetime): after Django's ModelBackend, for the
accounts whose password is not usable yet. The session then must choose a new password. A one-time
password signs in once: the sign-in page marks it used (services.account_one_time_sign_in), and a
used one is refused here like an expired one."""

from django.contrib.auth.backends import ModelBackend

from . import onetime
from .models import User


class OneTimePasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_active or not onetime.matches(user, password):
            return None
        if onetime.is_expired(user) or onetime.is_used(user):
            return None
        return user
