from django import forms
from django.utils.translation import gettext_lazy as _

from .procedure import DayKind, Namer, ObjectionSource, Outcome, step_choices


class ProcedureForm(forms.Form):
    notice_days = forms.IntegerField(label=_("Length of the public notice (days)"), min_value=1, max_value=99)
    day_kind = forms.ChoiceField(label=_("Days"), choices=DayKind.choices, widget=forms.RadioSelect)
    namer = forms.ChoiceField(label=_("Who names"), choices=Namer.choices, widget=forms.RadioSelect)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=100, required=False)
    steps = forms.MultipleChoiceField(
        label=_("Steps before the public notice"),
        choices=step_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BatchForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    notice_start = forms.DateField(
        label=_("Public notice from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    assessments = forms.TypedMultipleChoiceField(label=_("Communities"), coerce=int, choices=())

    def __init__(self, *args, proposed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessments"].choices = [(a.pk, a.community.name) for a in proposed]


class NameForm(forms.Form):
    document_number = forms.CharField(label=_("Document number (文号)"), max_length=60)
    document_date = forms.DateField(
        label=_("Document date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(Outcome.DISMISSED, _("Dismiss")), (Outcome.UPHELD, _("Uphold"))]
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    to_level = forms.CharField(label=_("Back to review level"), required=False)


class ObjectionForm(forms.Form):
    """The objection form of the public batch page (and, with `source`, the staff's entry form)."""

    community = forms.CharField(label=_("Community"))
    criterion = forms.CharField(label=_("Criterion (optional)"), required=False)
    text = forms.CharField(
        label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    name = forms.CharField(label=_("Your name"), max_length=60, required=False)
    phone = forms.CharField(label=_("Your phone"), max_length=30, required=False)

    def objection_input(self, uploads) -> dict:
        """The arguments of objections.objection_submit that the valid form gives, with `uploads`."""
        data = self.cleaned_data
        return {
            "assessment_id": data["community"],
            "criterion_number": data["criterion"],
            "text": data["text"],
            "name": data["name"],
            "phone": data["phone"],
            "uploads": uploads,
        }


class StaffObjectionForm(ObjectionForm):
    source = forms.ChoiceField(
        label=_("Received by"), choices=[c for c in ObjectionSource.choices if c[0] != ObjectionSource.PUBLIC]
    )
    name = forms.CharField(label=_("Objector's name"), max_length=60, required=False)
    phone = forms.CharField(label=_("Objector's phone"), max_length=30, required=False)
