"""Forms of the standards page: they turn what was typed into values (with a message next to the
field for anything that is not a plain number) and hand over to the services, which own the rules."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Category, Criterion, CriterionKind

# Full-width digits, point, minus and percent sign (０-９ ． － ％), as typed with a Chinese IME.
FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff0e\uff0d\uff05]")


def _reject_full_width(value):
    if isinstance(value, str) and FULL_WIDTH.search(value):
        raise ValidationError(
            _("Type the number with half-width digits (for example 30), not full-width ones (３０)."),
            code="full_width",
        )


class PlainDecimalField(forms.DecimalField):
    """A number typed as plain half-width digits, with Chinese messages for anything else. A text
    input (not type=number, which would silently drop what the browser cannot parse), so that
    whatever was typed comes back with its message."""

    widget = forms.TextInput

    default_error_messages = {
        "invalid": _("Enter a number, for example 30 or 12.5."),
        "max_decimal_places": _("At most %(max)s digits after the decimal point."),
        "max_digits": _("The number is too long."),
        "max_whole_digits": _("The number is too long."),
    }

    def to_python(self, value):
        _reject_full_width(value)
        return super().to_python(value.strip() if isinstance(value, str) else value)


class PlainIntegerField(forms.IntegerField):
    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a whole number, for example 17."),
        "min_value": _("Give a number between 1 and 999."),
        "max_value": _("Give a number between 1 and 999."),
    }

    def to_python(self, value):
        _reject_full_width(value)
        return super().to_python(value.strip() if isinstance(value, str) else value)


def plain(value):
    """A stored decimal as typed (100, 12.5), not as stored (100.00)."""
    return None if value is None else f"{value.normalize():f}"


class StandardForm(forms.Form):
    """The standard's own fields and the revision the page was read at (optimistic lock)."""

    title_zh = forms.CharField(label=_("Name"), max_length=120, required=False)
    title_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    total_points = PlainDecimalField(
        label=_("Total points"),
        required=False,
        max_digits=6,
        decimal_places=2,
        help_text=_("Leave empty for a standard without points (rating only)."),
    )
    pass_mark = PlainDecimalField(
        label=_("Pass mark"),
        required=False,
        max_digits=6,
        decimal_places=2,
        help_text=_("The confirmed total an assessment needs."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def standard_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "revision"}


class CriterionForm(forms.Form):
    """One criterion's row on the standards page (prefix c<id>)."""

    number = PlainIntegerField(label=_("No."), min_value=1, max_value=999)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    national_criterion = forms.TypedChoiceField(
        label=_("Counts under national criterion"), coerce=int, empty_value=None, required=False
    )
    text_zh = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    text_en = forms.CharField(
        label=_("English text"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    kind = forms.ChoiceField(label=_("Answer"), choices=CriterionKind.choices)
    figure_label_zh = forms.CharField(label=_("Figure"), max_length=120, required=False)
    threshold = PlainDecimalField(
        label=_("Threshold for met"), required=False, max_digits=7, decimal_places=2
    )
    points = PlainDecimalField(label=_("Points"), required=False, max_digits=6, decimal_places=2)
    requires_evidence = forms.BooleanField(label=_("Requires evidence"), required=False)

    def __init__(
        self, *args, criterion: Criterion, categories: list[Category], national: list[Criterion], **kwargs
    ):
        kwargs.setdefault("prefix", f"c{criterion.pk}")
        if not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    "number": criterion.number,
                    "category": criterion.category_id,
                    "national_criterion": criterion.national_criterion_id,
                    "text_zh": criterion.text_zh,
                    "text_en": criterion.text_en,
                    "kind": criterion.kind,
                    "figure_label_zh": criterion.figure_label_zh,
                    "threshold": plain(criterion.threshold),
                    "points": plain(criterion.points),
                    "requires_evidence": criterion.requires_evidence,
                },
            )
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.fields["category"].choices = [(c.pk, f"{c.order}. {c.name}") for c in categories]
        self.fields["national_criterion"].choices = [("", _("— not mapped —"))] + [
            (n.pk, f"{n.number}. {n.text[:28]}{'…' if len(n.text) > 28 else ''}") for n in national
        ]
        for name in ("threshold", "points", "number"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "class": "std-num"})
        self.fields["number"].widget.attrs["inputmode"] = "numeric"


class StartForm(forms.Form):
    """Start a year's local standard from a source standard (ids offered by the page)."""

    year = forms.TypedChoiceField(label=_("Campaign year"), coerce=int)
    source = forms.TypedChoiceField(label=_("Start as a copy of"), coerce=int)

    def __init__(self, *args, years: list[int], sources: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["source"].choices = sources
