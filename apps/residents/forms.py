from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_QUESTIONS
from .services import COMMENT_MAX

SCALE = [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]


class AnswerForm(forms.Form):
    """The survey: one 1–5 choice per question of the year's survey, a comment, and (where the
    province requires it) a phone and its code."""

    comment = forms.CharField(
        label=_("Anything else you want to tell (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        for i, text in enumerate(survey.questions, start=1):
            self.fields[f"q{i}"] = forms.TypedChoiceField(
                label=text,
                choices=SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose from 1 (not at all satisfied) to 5 (very satisfied).")},
            )
        if survey.sms_required:
            self.fields["phone"] = forms.CharField(
                label=_("Your mobile number (not stored)"),
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            )
            self.fields["code"] = forms.CharField(
                label=_("Code from the text message"),
                max_length=6,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
            )
        self.order_fields([*(f"q{i}" for i in range(1, len(survey.questions) + 1)), "comment"])

    def ratings(self) -> list[int]:
        return [self.cleaned_data[f"q{i}"] for i in range(1, len(self.survey.questions) + 1)]

    def question_fields(self):
        return [self[f"q{i}"] for i in range(1, len(self.survey.questions) + 1)]


class SurveyForm(forms.Form):
    questions = forms.CharField(
        label=_("Questions (one per line, rated 1–5)"),
        widget=forms.Textarea(attrs={"rows": MAX_QUESTIONS}),
        max_length=MAX_QUESTIONS * 210,
    )
    sms_required = forms.BooleanField(
        label=_("Require a text-message code before an answer counts"), required=False
    )
    gate_share_percent = forms.IntegerField(
        label=_("Gate: satisfied share at least (%)"), min_value=1, max_value=100, required=False
    )
    gate_min_answers = forms.IntegerField(
        label=_("Gate: with at least this many answers"), min_value=1, max_value=100000, required=False
    )
