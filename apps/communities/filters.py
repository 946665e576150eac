import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.capabilities import is_province_staff
from apps.accounts.scoping import is_nationwide, region_tree
from apps.core import campaign
from apps.regions.models import RegionLevel
from apps.regions.selectors import picker_choices, picker_regions, provincial_unit_names

from .models import Community
from .selectors import community_search_q

REGION_PICKERS = ("province", "city", "county", "street")


def region_picker(label):
    # Codes from the region tree's cached lists (set per user below); a code out of the caller's
    # scope is refused with the message a picker of regions from the database gave.
    return django_filters.ChoiceFilter(
        label=label,
        choices=[],
        empty_label=_("All"),
        error_messages={"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]},
    )


class CommunityFilter(django_filters.FilterSet):
    """Search and region filters of the community list. Choices are limited to the caller's scope."""

    q = django_filters.CharFilter(label=_("Name or code"), method="filter_search")
    province = region_picker(_("Provincial unit"))
    city = region_picker(_("City"))
    county = region_picker(_("County"))
    street = region_picker(_("Street"))
    status = django_filters.ChoiceFilter(
        label=_("In the registry"),
        choices=[("retired", _("Retired")), ("all", _("All, retired included"))],
        empty_label=_("Existing today"),
        method="filter_status",
    )

    class Meta:
        model = Community
        fields = ["q", "province", "city", "county", "street", "status"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        # The options come from the region tree's cached lists (no database read per view), kept
        # to the caller's scope here (apps.accounts.scoping.region_tree).
        tree = region_tree(user)

        def options(level, column, parent):
            if not parent:
                return []
            return picker_choices(
                r for r in picker_regions(level=level, column=column, parent=parent) if tree.allows(r)
            )

        data = data or {}
        province = data.get("province") or (user.region.province_id if user and user.region_id else None)
        choices = {
            # Only a nationwide caller picks a province (the others' is fixed: dropped below).
            "province": provincial_unit_names() if tree.column is None else [],
            "city": options(RegionLevel.CITY, "province_id", province),
        }
        county_parent = data.get("city")
        if county_parent:
            choices["county"] = options(RegionLevel.COUNTY, "city_id", county_parent)
        else:
            choices["county"] = options(RegionLevel.COUNTY, "province_id", province)
        # A city without counties (东莞市) is its own county: its streets hang under the city.
        county = (
            data.get("county")
            or (user.region_id if user and user.region_id and user.region.level == "county" else None)
            or data.get("city")
        )
        choices["street"] = options(RegionLevel.STREET, "county_id", county)
        for name, region_choices in choices.items():
            self.filters[name].extra["choices"] = region_choices
        self._drop_fixed_levels(user)

    def _drop_fixed_levels(self, user):
        """Filters above the user's own level are fixed by their scope: do not show them."""
        if user is None:
            return
        drop = set()
        if not is_nationwide(user):
            drop.add("province")
        if user.region_id and user.region.level in ("city", "county", "street"):
            drop.add("city")
        if user.region_id and user.region.level in ("county", "street"):
            drop.add("county")
        if user.region_id and user.region.level == "street":
            drop.add("street")
        if is_province_staff(user) and not self.filters["city"].extra["choices"]:
            drop.add("city")  # municipalities: districts hang directly under the province
        for name in drop:
            del self.filters[name]

    def filter_status(self, queryset, name, value):
        """Existing today by default; the retired ones, or everything, when asked."""
        if value == "all":
            return queryset
        today = campaign.today()
        if value == "retired":
            return queryset.filter(retired_on__lte=today)
        return queryset.filter(Q(retired_on__isnull=True) | Q(retired_on__gt=today))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = self.filter_status(queryset, "status", "")  # a method filter skips empty values
        return queryset

    def filter_search(self, queryset, name, value):
        return queryset.filter(community_search_q(value))

    @property
    def form(self):
        # The region pickers cascade province → city → county → street (static/js/cascade.js fills
        # a picker with the children of the choice above, in the caller's scope); without
        # JavaScript, the server narrows them on each search. The other pickers reload the list.
        form = super().form
        for name, field in form.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "select")
                if name not in REGION_PICKERS:
                    field.widget.attrs.setdefault("data-autosubmit", "1")
        return form
