"""Django admin of KIS for system administrators.

One write path (STYLE.md point 5): an indicator, a rule across indicators, a report's status and a
period are changed here through the same services as in the portal, so each change has its history
row (``IndicatorChange``, ``ReportEvent``) and tells the people concerned. History itself is read-only.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from natverk.versioning import VersionCheckedAdminForm

from . import services
from .models import (
    CatalogueVersion,
    Form,
    Indicator,
    IndicatorChange,
    IndicatorRule,
    Period,
    Report,
    ReportEvent,
    Value,
)

ADMIN = IndicatorChange.Source.ADMIN
READ_ONLY_DATES = ["submitted_at", "approved_at", "updated_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is written by the services only: it can be read here, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "valid_from_year", "valid_from_half"]

    def get_readonly_fields(self, request, obj=None):
        # The number follows the latest version; a new one is a copy of it (as in the portal).
        return ["number"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        version = services.catalogue_version_create(
            request.user, obj.name, obj.valid_from_year, obj.valid_from_half, notes=obj.notes
        )
        obj.pk, obj.number = version.pk, version.number


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


class IndicatorAdminForm(VersionCheckedAdminForm):
    change_reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )
    # The edit_version the change page was opened at (``version`` is the catalogue version): the form refuses a save
    # from an older one, and indicator_update checks it again under the row lock.
    version_attribute = "edit_version"

    class Meta:
        model = Indicator
        fields = [*services.INDICATOR_FIELDS]


class IndicatorRuleInline(admin.TabularInline):
    """The rules are shown beside the indicator; they are changed under "Indicator rules" (with history)."""

    model = IndicatorRule
    fk_name = "indicator"
    fields = ["kind", "other", "description"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorAdminForm
    list_display = ["code", "name", "version", "form", "kind", "unit", "breakdown"]
    list_filter = ["version", "form", "kind"]
    search_fields = ["code", "name"]
    inlines = [IndicatorRuleInline]

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "")
        if not change:
            services.indicator_create(request.user, obj, reason=reason, source=ADMIN)
            return
        # The form has already set the new values on ``obj``: the service compares with the stored row.
        stored = Indicator.objects.select_related("version").get(pk=obj.pk)
        data = {name: getattr(obj, name) for name in services.INDICATOR_FIELDS}
        services.indicator_update(
            stored,
            request.user,
            data,
            reason,
            source=ADMIN,
            fields=services.INDICATOR_FIELDS,
            expected_version=form.cleaned_data.get("expected_version") or 0,
        )
        obj.edit_version = stored.edit_version

    def delete_model(self, request, obj):
        services.indicator_delete(obj, request.user, source=ADMIN)

    def delete_queryset(self, request, queryset):
        for indicator in queryset.select_related("version"):
            services.indicator_delete(indicator, request.user, source=ADMIN)


@admin.register(IndicatorRule)
class IndicatorRuleAdmin(admin.ModelAdmin):
    list_display = ["indicator", "kind", "other"]
    list_filter = ["kind", "indicator__version"]
    autocomplete_fields = ["indicator", "other"]

    def save_model(self, request, obj, form, change):
        services.indicator_rule_save(obj, request.user, source=ADMIN)

    def delete_model(self, request, obj):
        services.indicator_rule_delete(obj, request.user, source=ADMIN)

    def delete_queryset(self, request, queryset):
        for rule in queryset.select_related("indicator__version", "other"):
            services.indicator_rule_delete(rule, request.user, source=ADMIN)


@admin.register(IndicatorChange)
class IndicatorChangeAdmin(ReadOnlyAdmin):
    list_display = ["subject", "action", "source", "user", "changed_at"]
    list_filter = ["action", "source"]
    readonly_fields = ["indicator", "subject", "action", "source", "user", "changed_at", "changes", "reason"]


class PeriodAdminForm(VersionCheckedAdminForm):
    """A change page opened before someone else's change (a deadline moved in the portal) cannot undo it."""

    class Meta:
        model = Period
        fields = ["year", "half", "status", "deadline"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    form = PeriodAdminForm
    list_display = ["__str__", "status", "deadline", "opened_at"]
    readonly_fields = ["opened_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            services.period_create(request.user, obj)
            return
        stored = Period.objects.get(pk=obj.pk)
        if "deadline" in form.changed_data:
            services.period_set_deadline(
                stored, request.user, obj.deadline, expected_version=form.cleaned_data.get("expected_version")
            )
        if {"year", "half"} & set(form.changed_data):
            stored.year, stored.half = obj.year, obj.half
            stored.save(update_fields=["year", "half"])
        if "status" in form.changed_data:
            services.period_set_status(stored, request.user, obj.status)


class ValueInline(admin.TabularInline):
    """The figures are read-only here; they change through the report form or its Excel upload."""

    model = Value
    extra = 0
    fields = ["indicator", "key", "value", "explanation"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReportAdminForm(forms.ModelForm):
    """Only the status changes here, along the workflow; a return or reopening needs the comment."""

    event_comment = forms.CharField(
        label=_("Comment to the municipality"),
        help_text=_("Needed when the report is returned or reopened; shown to the municipality."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    class Meta:
        model = Report
        fields = ["municipality", "period", "status"]

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if not self.instance.pk and period and not CatalogueVersion.objects.for_period(period):
            raise ValidationError(_("No catalogue version applies to this period."))
        if self.instance.pk and "status" in self.changed_data and cleaned.get("status"):
            try:
                services.report_transition_check(self.instance, cleaned["status"], cleaned.get("event_comment", ""))
            except ValidationError as error:
                self.add_error("status", error)
        return cleaned


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    form = ReportAdminForm
    list_display = ["municipality", "period", "status", "version"]
    list_filter = ["status", "period", "municipality"]
    inlines = [ValueInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["municipality", "period"]
        return [*self.get_readonly_fields(request, obj)[:3], "status", "comment", "event_comment", *READ_ONLY_DATES]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["municipality", "period", "version", "comment", *READ_ONLY_DATES]

    def save_model(self, request, obj, form, change):
        if not change:
            report = services.report_get_or_create(obj.municipality, obj.period, request.user)
            obj.pk = report.pk
            return
        if "status" in form.changed_data:
            stored = Report.objects.select_related("period").get(pk=obj.pk)
            services.report_set_status(stored, request.user, obj.status, form.cleaned_data.get("event_comment", ""))

    def has_delete_permission(self, request, obj=None):
        # A report is never deleted (its history and the region's review go with it): return it instead.
        return False


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ["report", "action", "user", "created_at"]
    list_filter = ["action"]
    readonly_fields = ["report", "action", "user", "created_at", "changes", "comment"]
