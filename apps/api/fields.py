"""Request fields as strict as the server, and documented so (the schema is what clients are
generated from and what schemathesis checks).

DRF's fields are lenient where the services are not: a CharField takes 12 for "12" and strips
"  " to "", refusing it as blank; an IntegerField takes "5"; a DecimalField reads "٣" as 3. A
schema that says "string" or "integer" then promises less, or more, than the server does.
These fields accept exactly the JSON types and the patterns their schema declares, and text
refuses control characters with the message of apps.core.text.
"""

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from apps.core.campaign import FIRST_YEAR, campaign_year
from apps.core.text import LINE_CHAR, TEXT_CHAR, VISIBLE_CHAR, control_character_at, control_character_message


class _TextValidator(RegexValidator):
    """A RegexValidator (drf-spectacular writes its pattern into the schema) whose message names
    the control character and where it is."""

    def __init__(self, regex, *, label, multiline):
        super().__init__(regex, message=_("Enter some text."))
        self.label, self.multiline = label, multiline

    def __call__(self, value):
        index = control_character_at(str(value), multiline=self.multiline)
        if index is not None:
            raise serializers.ValidationError(
                control_character_message(self.label, str(value), index), code="control_character"
            )
        super().__call__(value)


class StrictCharField(serializers.CharField):
    """A string (never a number coerced to one)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class _Text(StrictCharField):
    multiline = False

    def __init__(self, *, label=None, **kwargs):
        kwargs.setdefault("allow_blank", False)
        char = TEXT_CHAR if self.multiline else LINE_CHAR
        # Blank allowed: "" is its own branch of the schema (drf-spectacular writes oneOf [pattern,
        # maxLength 0]), so the pattern takes one or more allowed characters. Otherwise one visible
        # character is needed (DRF strips whitespace, and "   " would be blank).
        regex = rf"^{char}+\Z" if kwargs["allow_blank"] else rf"^{char}*{VISIBLE_CHAR}{char}*\Z"
        validators = [
            *kwargs.pop("validators", []),
            _TextValidator(regex, label=label or "", multiline=self.multiline),
        ]
        super().__init__(validators=validators, label=label, **kwargs)
        # The text validator covers NUL and lone surrogates, with its own message.
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator)
        ]


class LineField(_Text):
    """One line of text: no control character at all (names, codes, captions, citations)."""


class TextField(_Text):
    """Multi-line text: tab, newline and carriage return allowed, no other control character."""

    multiline = True


class CodeField(StrictCharField):
    """A code of ASCII digits only, of the given lengths ("310104003" or "310104003000")."""

    def __init__(self, *, lengths=(12,), **kwargs):
        alternatives = "|".join(f"[0-9]{{{n}}}" for n in lengths)
        validators = [
            RegexValidator(
                rf"^(?:{alternatives})\Z",
                message=_("Enter a code of %(n)s digits.") % {"n": "/".join(map(str, lengths))},
            )
        ]
        kwargs.setdefault("max_length", max(lengths))
        super().__init__(validators=validators, trim_whitespace=False, **kwargs)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer (not "5", not true)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class CampaignYearField(StrictIntegerField):
    """A campaign year that exists: 2020 to the campaign year (read when the request is parsed,
    so the schema and the server move with the calendar)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", campaign_year())
        kwargs.setdefault("help_text", _("Campaign year, 2020 to the current campaign year"))
        super().__init__(**kwargs)


class VersionField(StrictIntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2_000_000_000)
        super().__init__(**kwargs)


PERCENT_PATTERN = r"^(?:100(?:\.0{1,2})?|[0-9]{1,2}(?:\.[0-9]{1,2})?)$"


@extend_schema_field({"type": "string", "pattern": PERCENT_PATTERN, "example": "45.5"})
class PercentField(serializers.DecimalField):
    """A percentage as a decimal string from "0" to "100" with at most two decimals ("45.5")."""

    def __init__(self, **kwargs):
        validators = [
            RegexValidator(
                PERCENT_PATTERN.replace("$", r"\Z"),
                message=_("The figure must be a number between 0 and 100."),
            )
        ]
        super().__init__(
            max_digits=5, decimal_places=2, min_value=0, max_value=100, validators=validators, **kwargs
        )

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        # The pattern first: Decimal() would read full-width or Arabic-Indic digits.
        for validator in self.validators:
            if isinstance(validator, RegexValidator):
                validator(data)
        return super().to_internal_value(data)


class BlankAsNullChoiceField(serializers.ChoiceField):
    """For responses: a choice not made yet ("" in the database) is null, not an empty string the
    enum does not list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None
