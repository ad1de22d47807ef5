"""Django admin for system administrators: users with their roles, jobs and logs."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .login import ThrottledAdminAuthenticationForm
from .models import AccessibilityReport, AuditEvent, DemoData, ExportJob, ReminderLog, Role

User = get_user_model()

# The admin's own login page counts failures and refuses like the portal's.
admin.site.login_form = ThrottledAdminAuthenticationForm


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ["municipality"]


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "municipality", "side"]
    list_filter = ["kind", "municipality", "side"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "status", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "recipients", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["key", "recipients"]
    readonly_fields = ["key", "kind", "recipients", "subject", "sent_at"]


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_url", "email", "mailed"]
    list_filter = ["mailed"]


admin.site.register(DemoData)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the portal only, and deleted by its retention job."""

    list_display = ["at", "kind", "actor", "target", "username", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["username", "actor__username", "target__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
