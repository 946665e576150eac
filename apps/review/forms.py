"""Forms of the review pages: the queue's filters and the reviewers' decisions.

Decision forms carry the assessment's version as a hidden field; the service compares it and
refuses (ConflictError) a decision taken on a page that is no longer current.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.assessments.models import State, Verdict
from apps.core.campaign import FIRST_YEAR, campaign_year
from apps.standards.selectors import national_numbers

from . import workflow
from .selectors import (
    QueueFilters,
    home_province_of,
    picks_city,
    review_cities,
    review_counties,
    review_provinces,
    review_streets,
    reviewer_level,
)


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    level = forms.ChoiceField(label=_("Waiting at"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    province = forms.ChoiceField(label=_("Provincial unit"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)
    street = forms.ChoiceField(label=_("Street"), required=False)
    not_met = forms.ChoiceField(label=_("Criterion rated not met"), required=False)
    score = forms.ChoiceField(
        label=_("Score"),
        required=False,
        choices=[("", _("Any")), ("below", _("Below the pass mark"))],
    )
    q = forms.CharField(label=_("Community name or code"), required=False, max_length=60)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("submitted", _("Submitted, oldest first")),
            ("-submitted", _("Submitted, newest first")),
            ("score", _("Score, lowest first")),
            ("-score", _("Score, highest first")),
        ],
    )

    def __init__(self, data, *, user):
        # Without any parameter, the queue opens on the work waiting for the caller, this year.
        if not data:
            data = {"state": "waiting" if reviewer_level(user) else "", "year": str(campaign_year())}
        super().__init__(data)
        labels = dict(State.choices)
        self.fields["state"].choices = [
            ("", _("All")),
            ("waiting", _("Waiting for your decision")),
            *[(s, labels[s]) for s in workflow.REVIEWED],
        ]
        self.fields["level"].choices = [("", _("Any")), *[(lv.key, lv.name) for lv in workflow.LEVELS]]
        self.fields["year"].choices = [("", _("All"))] + [
            (y, str(y)) for y in range(campaign_year(), FIRST_YEAR - 1, -1)
        ]
        # Region pickers cascade province → city → county → street (static/js/cascade.js fetches
        # the children of a choice): a picker lists only the children of the level above, never
        # every county of the country at once.
        provinces = review_provinces(user=user)
        if provinces:
            self.fields["province"].choices = [("", _("All")), *provinces]
        else:
            del self.fields["province"]
        province = data.get("province") or (provinces[0][0] if len(provinces) == 1 else "")
        if not provinces:
            province = home_province_of(user)
        if picks_city(user):
            self.fields["city"].choices = [("", _("All")), *review_cities(user=user, province=province)]
        else:
            del self.fields["city"]
        city = data.get("city") or ""
        counties = review_counties(user=user, province=province, city=city)
        self.fields["county"].choices = [("", _("All")), *counties]
        county = data.get("county") or (counties[0][0] if len(counties) == 1 else "")
        streets = (
            review_streets(user=user, county=county, counties={code for code, _name in counties})
            if county
            else []
        )
        self.fields["street"].choices = [("", _("All")), *streets]
        self.fields["not_met"].choices = [("", _("Any")), ("any", _("At least one"))] + [
            (str(n), _("Criterion %(n)s") % {"n": n}) for n in national_numbers()
        ]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "select")

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return QueueFilters(
            state=data.get("state") or "",
            level=data.get("level") or "",
            year=data.get("year"),
            province=data.get("province") or "",
            city=data.get("city") or "",
            county=data.get("county") or "",
            street=data.get("street") or "",
            not_met=data.get("not_met") or "",
            score=data.get("score") or "",
            search=data.get("q") or "",
            sort=data.get("sort") or "submitted",
        )


# The text a decision cannot go without: the page's script (static/js/review.js) asks for it before
# the confirmation, as the service would refuse it. The approval's reason carries it only below
# the pass mark (set by the view).
REQUIRED_TEXT = {"data-required-text": ""}


class VersionForm(forms.Form):
    """A decision with nothing to say but "yes": recommend, approve."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, assessment) -> dict:
        """What the form starts from on the review page: the assessment's current version."""
        return {"expected_version": assessment.version}


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for return"),
        widget=forms.Textarea(attrs={"rows": 3, **REQUIRED_TEXT}),
        help_text=_(
            "Shown to the community. The comments on criteria marked not confirmed are shown next to each criterion."
        ),
        max_length=2000,
    )


class ApproveForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for approving below the pass mark"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required only when the confirmed total is below the pass mark; kept in the history."),
        max_length=2000,
    )

    def ask_reason(self, needed: bool) -> None:
        """The reason box only where the score that stands is below the pass mark, marked required
        for the page's script; otherwise no box."""
        if needed:
            self.fields["reason"].widget.attrs.update(REQUIRED_TEXT)
        else:
            self.fields.pop("reason", None)

    def add_prefix(self, field_name):
        # On the province's review page this box sits in the one review form next to the return's
        # reason: its own name (and id), so that each decision reads its own text.
        return "approve_reason" if field_name == "reason" else super().add_prefix(field_name)


class RevokeForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 3, **REQUIRED_TEXT}),
        max_length=2000,
    )


class DesignateForm(VersionForm):
    citation = forms.CharField(
        label=_("Citation"),
        max_length=300,
        help_text=_("A short citation, published on the public page."),
        widget=forms.Textarea(attrs={"rows": 2, **REQUIRED_TEXT}),
    )

    @classmethod
    def initial_for(cls, assessment) -> dict:
        """A designated community's form starts from its citation (to change it)."""
        demonstration = getattr(assessment, "demonstration", None)
        citation = {"citation": demonstration.citation} if demonstration is not None else {}
        return super().initial_for(assessment) | citation


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect, required=True
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Scored standards: the score this level confirms or corrects (kept as typed; parsed and bounded
    # by the service). Ignored for a criterion without points.
    score = forms.CharField(
        label=_("Confirmed score"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )


DECISION_FORMS = {
    "recommend": VersionForm,
    "return": ReturnForm,
    "approve": ApproveForm,
    "revoke": RevokeForm,
    "designate": DesignateForm,
}


class ChainForm(forms.Form):
    """The review levels of a campaign year, bottom-up; the province always decides last."""

    year = forms.IntegerField(widget=forms.HiddenInput)
    levels = forms.MultipleChoiceField(
        label=_("Review levels"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(level.key, level.name) for level in workflow.LEVELS],
        help_text=_(
            "Tick the levels that review, from the bottom up. The provincial department always decides last."
        ),
    )

    def clean_levels(self):
        # As posted (order and repeats kept): the service says what is wrong with a chain.
        return self.data.getlist("levels") if hasattr(self.data, "getlist") else self.cleaned_data["levels"]

    def proposed_levels(self) -> list[str]:
        raw = self.data.getlist("levels") if hasattr(self.data, "getlist") else []
        return [key for key in raw if key in workflow.LEVEL]
