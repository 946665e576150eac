"""Forms of the community's self-assessment pages. They only carry and re-display what the user
typed; the rules (statement required, figure against rating, file checks) live in services.py."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Rating


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Not validated here: evidence_add checks each file (size, content)
    after the text is saved, so that one bad file never costs the typed text."""

    def clean(self, data, initial=None):
        return None


# {name}, {size} and {limit} (MB) are filled in by the page's script.
TOO_LARGE = _("{name} is too large ({size} MB); each file may be at most {limit} MB. It was not added.")


class CriterionForm(forms.Form):
    """One criterion's answer and new evidence files. Each criterion has its own form on the page."""

    rating = forms.ChoiceField(
        label=_("Self-rating"), choices=Rating.choices, required=False, widget=forms.RadioSelect
    )
    statement = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for met and largely met: what was done, when, with whom, with what result."),
    )
    figure = forms.CharField(
        label=_("Figure (%)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    files = MultipleFileField(
        label=_("Add evidence files"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": ".jpg,.jpeg,.png,.heic,.heif,.pdf,.docx,.xlsx,image/*,application/pdf"}
        ),
    )
    caption = forms.CharField(
        label=_("Caption (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"data-draft-skip": ""}),  # goes with the files, not the autosave
    )

    def __init__(self, *args, criterion, **kwargs):
        kwargs.setdefault("auto_id", f"c{criterion.number}_%s")
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        # A file over the limit is refused when chosen, before the upload (static/js/site.js).
        self.fields["files"].widget.attrs.update(
            {"data-max-bytes": settings.EVIDENCE_MAX_BYTES, "data-too-large": TOO_LARGE}
        )
        if criterion.kind == "percent":
            self.fields["figure"].label = _("%(label)s (%%)") % {"label": criterion.figure_label}
            self.fields["figure"].widget.attrs["placeholder"] = "0–100"
        else:
            del self.fields["figure"]
        if criterion.points is not None:
            # Scored standard: the self-score, kept as typed (services.scores parses and bounds it).
            self.fields["self_score"] = forms.CharField(
                label=_("Self-score"),
                required=False,
                max_length=12,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
            )


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
