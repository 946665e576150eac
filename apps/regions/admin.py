from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "province", "city", "county", "is_statistical_zone")
    list_filter = ("level", "is_statistical_zone")
    search_fields = ("code", "name")
    list_select_related = ("province", "city", "county")
    raw_id_fields = ("parent", "province", "city", "county")
