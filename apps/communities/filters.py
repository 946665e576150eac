import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.capabilities import is_province_staff
from apps.accounts.scoping import is_nationwide, region_tree_q
from apps.core import campaign
from apps.regions.models import Region, RegionLevel

from .models import Community
from .selectors import community_search_q

# Counties, and the cities without counties (东莞市, 中山市, 儋州市) that are their own county.
COUNTY_LIKE = Q(level=RegionLevel.COUNTY) | Q(level=RegionLevel.CITY, county_id=F("code"))
REGION_PICKERS = ("province", "city", "county", "street")


class CommunityFilter(django_filters.FilterSet):
    """Search and region filters of the community list. Choices are limited to the caller's scope."""

    q = django_filters.CharFilter(label=_("Name or code"), method="filter_search")
    province = django_filters.ModelChoiceFilter(
        label=_("Provincial unit"), queryset=Region.objects.none(), empty_label=_("All")
    )
    city = django_filters.ModelChoiceFilter(
        label=_("City"), queryset=Region.objects.none(), empty_label=_("All")
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County"), queryset=Region.objects.none(), empty_label=_("All")
    )
    street = django_filters.ModelChoiceFilter(
        label=_("Street"), queryset=Region.objects.none(), empty_label=_("All")
    )
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
        scoped = Region.objects.filter(region_tree_q(user)).only("code", "name")
        data = data or {}
        province = data.get("province") or (user.region.province_id if user and user.region_id else None)
        f = self.filters
        f["province"].queryset = scoped.filter(level=RegionLevel.PROVINCE)
        f["city"].queryset = (
            scoped.filter(level=RegionLevel.CITY, province_id=province) if province else Region.objects.none()
        )
        county_parent = data.get("city")
        if county_parent:
            f["county"].queryset = scoped.filter(COUNTY_LIKE, city_id=county_parent)
        elif province:
            f["county"].queryset = scoped.filter(COUNTY_LIKE, province_id=province)
        else:
            f["county"].queryset = Region.objects.none()
        # A city without counties (东莞市) is its own county: its streets hang under the city.
        county = (
            data.get("county")
            or (user.region_id if user and user.region_id and user.region.level == "county" else None)
            or data.get("city")
        )
        f["street"].queryset = (
            scoped.filter(level=RegionLevel.STREET, county_id=county) if county else Region.objects.none()
        )
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
        if is_province_staff(user) and not self.filters["city"].queryset.exists():
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
