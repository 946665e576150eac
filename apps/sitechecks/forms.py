from django import forms
from django.utils.translation import gettext_lazy as _

from apps.review import workflow

from .models import Rule


class PlanForm(forms.Form):
    rule = forms.ChoiceField(label=_("Sampling rule"), choices=Rule.choices)
    value = forms.CharField(label=_("Percentage or number per district"), max_length=5)
    min_one = forms.BooleanField(label=_("At least one per district"), required=False)
    district_rules = forms.CharField(
        label=_("Per-district rules"),
        required=False,
        max_length=2000,
        help_text=_("code:rule:number, separated by semicolons, e.g. 310104:count:2"),
    )
    force_objections = forms.BooleanField(
        label=_("Always include communities with an objection"), required=False
    )
    force_demonstration = forms.BooleanField(
        label=_("Always include demonstration candidates"), required=False
    )
    force_flagged = forms.BooleanField(
        label=_("Always include assessments with an unexplained flag"), required=False
    )
    margin = forms.CharField(
        label=_("Always include confirmed totals within this margin of the pass mark"),
        required=False,
        max_length=8,
    )
    flag_weight = forms.CharField(label=_("Weight per integrity flag"), required=False, max_length=8)
    seed = forms.CharField(label=_("Seed"), required=False, max_length=40)
    return_level = forms.ChoiceField(
        label=_("A failed check goes back to"), choices=[(lv.key, lv.name) for lv in workflow.LEVELS]
    )


class ExpertForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=_("Name"), max_length=100)
    organisation = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    work_county = forms.CharField(
        label=_("Code of the district where the expert works"), max_length=12, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group"), max_length=60)

    def __init__(self, *args, experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(e.user_id, str(e)) for e in experts]
        self.fields["leader"] = forms.TypedChoiceField(label=_("Leader"), choices=choices, coerce=int)
        self.fields["members"] = forms.TypedMultipleChoiceField(
            label=_("Members"), choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple
        )


class SignOffForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed: release to the public notice")), ("0", _("Failed: back to review"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("Conflict of interest"), max_length=300)
