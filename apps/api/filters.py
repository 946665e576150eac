"""django-filter sets of the API. They narrow querysets that are already scoped (visible_to)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.assessments.models import Assessment, State
from apps.communities.models import Community
from apps.regions.models import Region, RegionLevel
from apps.standards.models import StandardState, StandardVersion


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _search(queryset, name, value):
    value = (value or "").strip()
    if not value:
        return queryset
    return queryset.filter(Q(code__startswith=value) if value.isdigit() else Q(name__icontains=value))


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, help_text=_("Level of the division"))
    parent = django_filters.CharFilter(field_name="parent_id", help_text=_("Code of the parent division"))
    province = django_filters.CharFilter(field_name="province_id", help_text=_("Code of the provincial unit"))

    class Meta:
        model = Region
        fields = ["level", "parent", "province"]


class CommunityFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(field_name="province_id", help_text=_("Provincial unit code"))
    city = django_filters.CharFilter(field_name="city_id", help_text=_("City code"))
    county = django_filters.CharFilter(field_name="county_id", help_text=_("County code"))
    street = django_filters.CharFilter(field_name="street_id", help_text=_("Street (township) code"))
    search = django_filters.CharFilter(
        method="filter_search", help_text=_("Name contains, or code starts with (digits)")
    )

    class Meta:
        model = Community
        fields = ["province", "city", "county", "street", "search"]

    def filter_search(self, queryset, name, value):
        return _search(queryset, name, value)


class AssessmentFilter(django_filters.FilterSet):
    year = IntegerFilter(help_text=_("Campaign year"))
    state = django_filters.ChoiceFilter(choices=State.choices, help_text=_("Workflow state"))
    province = django_filters.CharFilter(field_name="province_id", help_text=_("Provincial unit code"))
    city = django_filters.CharFilter(field_name="city_id", help_text=_("City code"))
    county = django_filters.CharFilter(field_name="county_id", help_text=_("County code"))
    community = django_filters.CharFilter(field_name="community_id", help_text=_("Community code"))

    class Meta:
        model = Assessment
        fields = ["year", "state", "province", "city", "county", "community"]


class StandardFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(
        field_name="province_id", help_text=_("Provincial unit code (local standards of that province)")
    )
    year = IntegerFilter(field_name="year", help_text=_("Campaign year of a local standard"))
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
