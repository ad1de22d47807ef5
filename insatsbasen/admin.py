from django.contrib import admin

from .models import Category, FreshnessSnapshot, Insats, InsatsChange, Place, SearchLog, SearchWeek, TargetGroup


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "review_interval_months", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}


class PlaceInline(admin.TabularInline):
    model = Place
    extra = 0


@admin.register(Insats)
class InsatsAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_municipality", "category", "status", "review_due_on"]
    list_filter = ["status", "category", "owner_municipality"]
    # As the list page (views.PAGE_SIZE); and no count of the whole table on every page, as a large table's
    # admin is set up (bench/list_throughput.py compares the list with this changelist).
    list_per_page = 25
    show_full_result_count = False
    search_fields = ["name"]
    inlines = [PlaceInline]
    readonly_fields = ["version", "last_verified_at", "last_verified_by", "review_due_on", "unverified_since"]

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)


@admin.register(InsatsChange)
class InsatsChangeAdmin(admin.ModelAdmin):
    list_display = ["insats", "field", "changed_by", "changed_at"]
    readonly_fields = ["insats", "field", "old_value", "new_value", "reason", "changed_by", "changed_at"]


@admin.register(FreshnessSnapshot)
class FreshnessSnapshotAdmin(admin.ModelAdmin):
    list_display = ["day", "municipality", "maintained", "fresh", "unverified"]
    list_filter = ["municipality"]
    date_hierarchy = "day"


admin.site.register(SearchLog)
admin.site.register(SearchWeek)
