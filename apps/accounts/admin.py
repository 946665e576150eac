from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("role", "display_name", "region", "community")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "display_name", "region", "community")}),
    )
    list_display = ("username", "display_name", "role", "region", "community", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    list_select_related = ("region", "community")
    raw_id_fields = ("region", "community")
