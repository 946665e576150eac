"""django-filter sets of the API. They narrow querysets that are already scoped (visible_to)."""

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import extend_schema_field

from apps.assessments.models import Assessment, State
from apps.communities.models import Community
from apps.communities.selectors import community_search_q
from apps.core.campaign import FIRST_YEAR
from apps.regions.models import Region, RegionLevel
from apps.standards.models import StandardState, StandardVersion

EMPTY_MESSAGE = _("Give a value, or leave the parameter out.")


class _PresentMeansGiven:
    """A query parameter that is present must have a value: "?year=" is not "no year" but a
    request the schema (integer, enum, pattern) does not allow. (A missing one reaches the field
    as None, a present empty one as "".)"""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError(EMPTY_MESSAGE, code="empty")
        return super().clean(value)


class StrictIntegerFormField(_PresentMeansGiven, forms.IntegerField):
    """A whole number in ASCII digits: Django's IntegerField reads "٣" as 3 and "3.0" as 3, which a
    schema that says integer does not allow."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"-?[0-9]{1,18}", str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class StrictIntegerFilter(django_filters.NumberFilter):
    field_class = StrictIntegerFormField


YEAR_MAX = 9999


class YearFormField(StrictIntegerFormField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=FIRST_YEAR, max_value=YEAR_MAX, **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A year from 2020 (four digits); a year without rows is an empty list. The schema says so,
    with the filter's own help text (an override of the whole schema would drop it)."""

    field_class = YearFormField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schema = {"type": "integer", "minimum": FIRST_YEAR, "maximum": YEAR_MAX}
        if kwargs.get("help_text"):
            schema["description"] = kwargs["help_text"]
        set_override(self, "field", schema)


class UnitCodeFormField(_PresentMeansGiven, forms.RegexField):
    def __init__(self, *args, **kwargs):
        super().__init__(r"^(?:[0-9]{2}|[0-9]{12})\Z", *args, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(?:[0-9]{2}|[0-9]{12})$",
        "description": "省级单位:2 位代码前缀或 12 位代码 / Provincial unit: its 2-digit prefix or 12-digit code",
    }
)
class UnitCodeFilter(django_filters.CharFilter):
    """A provincial-level unit: its 2-digit prefix ("31") or its 12-digit code."""

    field_class = UnitCodeFormField

    def filter(self, qs, value):
        return super().filter(qs, value.ljust(12, "0") if value else value)


class CodeFormField(_PresentMeansGiven, forms.RegexField):
    def __init__(self, *args, **kwargs):
        super().__init__(r"^[0-9]{12}\Z", *args, **kwargs)


class CodeFilter(django_filters.CharFilter):
    """A 12-digit division or community code (ASCII digits)."""

    field_class = CodeFormField

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, help_text=help_text, **kwargs)
        # The schema: the pattern the form field checks, with this filter's description.
        set_override(
            self, "field", {"type": "string", "pattern": "^[0-9]{12}$", "description": str(help_text)}
        )


@extend_schema_field({"type": "string", "pattern": "^[^\\u0000]*$"})
class SearchFilter(django_filters.CharFilter):
    """Free text; Django refuses a NUL in it, and so does its schema."""


class StrictChoiceFormField(_PresentMeansGiven, django_filters.fields.ChoiceField):
    pass


class StrictChoiceFilter(django_filters.ChoiceFilter):
    """A choice from its enum; "?state=" is refused like any value outside it."""

    field_class = StrictChoiceFormField


class RegionFilter(django_filters.FilterSet):
    level = StrictChoiceFilter(choices=RegionLevel.choices, help_text=_("Level of the division"))
    parent = CodeFilter(field_name="parent_id", help_text=_("Code of the parent division"))
    province = UnitCodeFilter(field_name="province_id")

    class Meta:
        model = Region
        fields = ["level", "parent", "province"]


class CommunityFilter(django_filters.FilterSet):
    province = UnitCodeFilter(field_name="province_id")
    city = CodeFilter(field_name="city_id", help_text=_("City code"))
    county = CodeFilter(field_name="county_id", help_text=_("County code"))
    street = CodeFilter(field_name="street_id", help_text=_("Street (township) code"))
    search = SearchFilter(method="filter_search", help_text=_("Name contains, or code starts with (digits)"))

    class Meta:
        model = Community
        fields = ["province", "city", "county", "street", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(community_search_q(value))


class AssessmentFilter(django_filters.FilterSet):
    year = YearFilter(help_text=_("Campaign year"))
    state = StrictChoiceFilter(choices=State.choices, help_text=_("Workflow state"))
    province = UnitCodeFilter(field_name="province_id")
    city = CodeFilter(field_name="city_id", help_text=_("City code"))
    county = CodeFilter(field_name="county_id", help_text=_("County code"))
    community = CodeFilter(field_name="community_id", help_text=_("Community code"))

    class Meta:
        model = Assessment
        fields = ["year", "state", "province", "city", "county", "community"]


class StandardFilter(django_filters.FilterSet):
    province = UnitCodeFilter(
        method="filter_province", help_text=_("Provincial unit code (local standards of that province)")
    )
    year = YearFilter(field_name="year", help_text=_("Campaign year of a local standard"))
    state = django_filters.ChoiceFilter(choices=StandardState.choices, help_text=_("Draft or published"))
    # Strictly "true" or "false" (a null-boolean field would take "null" and ignore it).
    national = django_filters.TypedChoiceFilter(
        field_name="province",
        lookup_expr="isnull",
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        help_text=_("true: the national standard only; false: local standards only"),
    )

    class Meta:
        model = StandardVersion
        fields = ["province", "year", "state", "national"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(province_id=value.ljust(12, "0"))
