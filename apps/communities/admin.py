from django.contrib import admin

from .models import Community


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "street", "county", "city", "province")
    search_fields = ("code", "name")
    list_select_related = ("street", "county", "city", "province")
    raw_id_fields = ("street", "county", "city", "province")
    show_full_result_count = False
