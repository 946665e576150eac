from django import forms
from django.utils.translation import gettext_lazy as _


class TargetForm(forms.Form):
    """Text fields: what was typed comes back as it was (full-width digits are the service's to read)."""

    participation = forms.CharField(label=_("Target share participating (%)"), required=False, max_length=20)
    meeting = forms.CharField(label=_("Target share meeting the requirements (%)"), max_length=20)
    pilots_per_street = forms.CharField(
        label=_("Pilot communities per street"), required=False, max_length=10
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))


class CreationListForm(forms.Form):
    codes = forms.CharField(
        label=_("Community codes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One 12-digit code per line (or separated by commas)"),
        required=False,
    )
    file = forms.FileField(label=_("Or a file of codes (.xlsx, first column)"), required=False)
