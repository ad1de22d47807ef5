from django.contrib import admin

from .models import AnonymisationLog, Contact, Meeting, Membership, Municipality, Network, Organisation
from .versioning import VersionCheckedAdminForm


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "member_from", "member_to"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = VersionCheckedAdminForm
    list_display = ["name", "kind", "municipality"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    form = VersionCheckedAdminForm
    list_display = ["name", "organisation", "municipality", "is_active", "anonymised_at"]
    list_filter = ["is_active", "municipality"]
    search_fields = ["name", "email"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["contact"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    form = VersionCheckedAdminForm
    list_display = ["name", "kind", "is_active"]
    inlines = [MembershipInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    form = VersionCheckedAdminForm
    list_display = ["network", "date", "place"]
    list_filter = ["network"]


@admin.register(AnonymisationLog)
class AnonymisationLogAdmin(admin.ModelAdmin):
    list_display = ["contact_id_anonymised", "performed_by", "performed_at", "reason"]

    # The log is append-only: written by the anonymise service, never edited by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
