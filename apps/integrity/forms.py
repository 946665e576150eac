from django import forms
from django.utils.translation import gettext_lazy as _


class ExplainForm(forms.Form):
    note = forms.CharField(
        label=_("Why this is not a copy"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: a facility both communities share, the same photographer. Kept in the history."
        ),
    )


class YearForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2020, max_value=2100)
