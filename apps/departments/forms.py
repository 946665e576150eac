from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Answer


class ConsultForm(forms.Form):
    department_types = forms.TypedMultipleChoiceField(label=_("Departments"), coerce=int, choices=())
    deadline = forms.DateField(
        label=_("Answer by"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department_types"].choices = [(t.pk, t.name) for t in types]
        self.fields["department_types"].error_messages["required"] = _("Choose at least one department.")
        self.fields["department_types"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["department_types"].choices
        )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[(Answer.NONE, Answer.NONE.label), (Answer.OBJECTION, Answer.OBJECTION.label)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("kept", _("Keep in the batch")), ("removed", _("Take out of the batch"))]
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}))


class AccountForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=40)
    display_name = forms.CharField(label=_("Department's name"), max_length=100)
    department_type = forms.TypedChoiceField(label=_("Department"), coerce=int, choices=())

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department_type"].choices = [(t.pk, t.name) for t in types]


def consult_draft_key(batch_pk: int) -> str:
    """The session key under which a refused consultation's typed values wait for the batch page."""
    return f"departments:consult:{batch_pk}"
