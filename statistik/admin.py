from django.contrib import admin

from .models import CatalogueVersion, Form, Indicator, IndicatorChange, Period, Report, ReportEvent, Value


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "valid_from_year", "valid_from_half"]


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "version", "form", "kind", "unit", "breakdown"]
    list_filter = ["version", "form", "kind"]
    search_fields = ["code", "name"]


@admin.register(IndicatorChange)
class IndicatorChangeAdmin(admin.ModelAdmin):
    list_display = ["indicator", "user", "changed_at"]
    readonly_fields = ["indicator", "user", "changed_at", "changes", "reason"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "deadline"]


class ValueInline(admin.TabularInline):
    model = Value
    extra = 0
    readonly_fields = ["indicator", "key", "value"]
    can_delete = False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["municipality", "period", "status", "version"]
    list_filter = ["status", "period", "municipality"]
    inlines = [ValueInline]


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    list_display = ["report", "action", "user", "created_at"]
    readonly_fields = ["report", "action", "user", "created_at", "changes", "comment"]
