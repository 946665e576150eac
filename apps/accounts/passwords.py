"""The password rules of AUTH_PASSWORD_VALIDATORS where Django's own do not speak Chinese."""

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's rule with a message that has its Chinese: Django 5.2 changed the msgid to "%d" and
    its own zh_Hans catalogue has no translation of the new one (users read English)."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
