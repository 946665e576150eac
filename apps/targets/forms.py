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


class PlanForm(forms.Form):
    document_number = forms.CharField(label=_("Document number"), max_length=60)
    issued_on = forms.DateField(label=_("Date issued"), widget=forms.DateInput(attrs={"type": "date"}))
    co_issuers = forms.CharField(label=_("Co-issuing departments"), max_length=500, required=False)
    period_from = forms.IntegerField(label=_("Period from"), min_value=2020, max_value=2035)
    period_to = forms.IntegerField(label=_("Period to"), min_value=2020, max_value=2035)
    file = forms.FileField(label=_("The plan (PDF or Word)"))


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=(("accepted", _("Accept")), ("returned", _("Return with comments"))))
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
