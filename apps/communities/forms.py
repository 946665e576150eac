"""Forms of the registry pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Retirement


class RetireForm(forms.Form):
    """Retire a community: how, from when, and (merged or renamed) its successor."""

    kind = forms.ChoiceField(
        label=_("How the community leaves the registry"),
        choices=Retirement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the community leaves the registry.")},
    )
    effective_on = forms.DateField(
        label=_("Retired from (the first day it no longer exists)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the date from which the community no longer exists."),
            "invalid": _("The date cannot be read: write it as 2024-06-30."),
        },
    )
    successor_code = forms.CharField(
        label=_("Code of the community it was merged into, or its new code"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    successor_name = forms.CharField(
        label=_("Name under the new code (renamed, when the new code is not in the registry yet)"),
        required=False,
        max_length=100,
    )
    note = forms.CharField(label=_("Approval document or note"), required=False, max_length=200)
