from django.contrib import admin

from .models import Category, Criterion, StandardVersion


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    raw_id_fields = ("national_criterion",)


@admin.register(StandardVersion)
class StandardVersionAdmin(admin.ModelAdmin):
    list_display = ("code", "title_zh", "province", "year", "version", "state", "published_at")
    list_filter = ("state",)
    inlines = [CategoryInline, CriterionInline]
    raw_id_fields = ("province", "parent", "copied_from", "created_by", "published_by")
