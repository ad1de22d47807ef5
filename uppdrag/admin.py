from django.contrib import admin

from .models import ActionPoint, Assignment, Commitment, JournalNote, ReminderSetting, ReportSnapshot, StrategicArea


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "period_start", "period_end"]
    inlines = [CommitmentInline]


@admin.register(StrategicArea)
class StrategicAreaAdmin(admin.ModelAdmin):
    list_display = ["__str__", "parent", "position", "health"]
    list_filter = ["assignment", "health"]


class JournalNoteInline(admin.TabularInline):
    model = JournalNote
    extra = 0


@admin.register(ActionPoint)
class ActionPointAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "kind", "due_date", "expected_month", "owner_user", "owner_contact"]
    list_filter = ["status", "kind", "priority"]
    search_fields = ["title", "description"]
    autocomplete_fields = []
    raw_id_fields = ["source_decision", "owner_contact"]
    inlines = [JournalNoteInline]


@admin.register(ReminderSetting)
class ReminderSettingAdmin(admin.ModelAdmin):
    list_display = ["user", "days_before"]


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    list_display = ["title", "period_start", "period_end", "created_at", "created_by"]
    readonly_fields = ["data"]
