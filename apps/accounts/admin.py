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

    # Every change goes through apps.accounts.services, which appends it to the account history.

    def save_model(self, request, obj, form, change):
        from . import services

        before = None
        if change and obj.pk:
            stored = User.objects.select_related("region", "community").filter(pk=obj.pk).first()
            before = services.account_snapshot(stored) if stored else None
        services.account_save(actor=request.user, user=obj, before=before)

    def delete_model(self, request, obj):
        from . import services

        services.account_delete(actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        from . import services

        for user in queryset:
            services.account_delete(actor=request.user, user=user)

    def user_change_password(self, request, id, form_url=""):
        from . import services

        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.select_related("region", "community").filter(pk=id).first()
            if user is not None:
                services.account_password_reset(actor=request.user, user=user)
        return response
