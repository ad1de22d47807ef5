"""Django admin of insatsbasen: every write goes through services, as from the portal and the import.

So a change made here gets the same history row (who, what, why), version bump, publishing gate and refreshed
search text and review date (tests/insatsbasen/test_admin.py walks every change form). Deleting an insats would take
its history with it: insatser are archived instead, here as in the portal. The history, the search counters and the
freshness snapshots are written by the portal only and are read-only here.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Category, FreshnessSnapshot, Insats, InsatsChange, Place, SearchLog, SearchWeek, TargetGroup


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the portal writes (history, counters, snapshots): shown, never changed here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "review_interval_months", "admin_side", "position"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        services.category_save(obj, request.user)


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        services.target_group_save(obj, request.user)


class PlaceInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """The publishing gate, here because only the places formset knows how many places the insats will have
        (Django admin builds it on the insats as the form changed it)."""
        super().clean()
        if any(self.errors):
            return
        gaps = (
            self.instance.publish_gaps(services.place_count(self, self.instance))
            if self.instance.status == Insats.Status.PUBLISHED
            else []
        )
        if gaps:
            raise forms.ValidationError(services.gate_message(gaps))


class PlaceInline(admin.TabularInline):
    model = Place
    formset = PlaceInlineFormSet
    extra = 0


class InsatsAdminForm(forms.ModelForm):
    """The model's fields, plus the version the form was opened at (optimistic lock) and a reason."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=300,
        help_text=_("Optional. Shown in the change history."),
    )

    class Meta:
        model = Insats
        fields = services.EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = Insats.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != expected:
                raise forms.ValidationError(
                    _("Someone else saved this insats after you opened the form. Nothing was saved. Reload the page.")
                )
        return cleaned


@admin.register(Insats)
class InsatsAdmin(admin.ModelAdmin):
    form = InsatsAdminForm
    list_display = ["name", "owner_municipality", "category", "status", "review_due_on"]
    list_filter = ["status", "category", "owner_municipality"]
    # As the list page (views.PAGE_SIZE); and no count of the whole table on every page, as a large table's
    # admin is set up (bench/list_throughput.py compares the list with this changelist).
    list_per_page = 25
    show_full_result_count = False
    search_fields = ["name"]
    inlines = [PlaceInline]
    readonly_fields = [
        "version",
        "last_verified_at",
        "last_verified_by",
        "review_due_on",
        "unverified_since",
        "updated_by",
    ]
    actions = ["publish_selected", "pause_selected", "archive_selected", "restore_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def has_delete_permission(self, request, obj=None):
        # An insats is archived, never deleted: deleting would take its change history with it.
        return False

    def save_model(self, request, obj, form, change):
        # Written in save_related, together with the places, through the service (one history for both).
        pass

    def save_related(self, request, form, formsets, change):
        places = next((formset for formset in formsets if formset.model is Place), None)
        reason = form.cleaned_data.get("reason") or gettext("Changed in Django admin")
        services.insats_save(
            form, request.user, expected_version=form.cleaned_data.get("expected_version"), reason=reason, places=places
        )

    def _set_status(self, request, queryset, status):
        done, refused = 0, []
        for insats in queryset.select_related("contact", "provider"):
            try:
                services.insats_set_status(insats, status, request.user, reason=gettext("Changed in Django admin"))
                done += 1
            except services.NotPublishable as refusal:
                refused.append(f"{insats.name}: {services.gate_message(refusal.gaps)}")
        if done:
            self.message_user(request, gettext("%(count)s insatser changed.") % {"count": done}, messages.SUCCESS)
        for text in refused:
            self.message_user(request, text, messages.ERROR)

    @admin.action(description=_("Publish the selected insatser"))
    def publish_selected(self, request, queryset):
        self._set_status(request, queryset, Insats.Status.PUBLISHED)

    @admin.action(description=_("Pause the selected insatser"))
    def pause_selected(self, request, queryset):
        self._set_status(request, queryset, Insats.Status.PAUSED)

    @admin.action(description=_("Archive the selected insatser"))
    def archive_selected(self, request, queryset):
        self._set_status(request, queryset, Insats.Status.ARCHIVED)

    @admin.action(description=_("Restore the selected insatser as drafts"))
    def restore_selected(self, request, queryset):
        self._set_status(request, queryset, Insats.Status.DRAFT)


@admin.register(InsatsChange)
class InsatsChangeAdmin(ReadOnlyAdmin):
    list_display = ["insats", "field", "changed_by", "changed_at"]


@admin.register(FreshnessSnapshot)
class FreshnessSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["day", "municipality", "maintained", "fresh", "unverified"]
    list_filter = ["municipality"]
    date_hierarchy = "day"


@admin.register(SearchLog)
class SearchLogAdmin(ReadOnlyAdmin):
    list_display = ["query", "week", "count"]


@admin.register(SearchWeek)
class SearchWeekAdmin(ReadOnlyAdmin):
    list_display = ["week", "searches", "zero_results"]
