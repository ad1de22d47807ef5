"""The action point list's filters and sorting (django-filter)."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from natverk.models import Municipality

from .models import ActionPoint, Commitment, StrategicArea

# The area filter's choice for the points without an area (the areas page links to it).
NO_AREA = "none"


class ActionPointFilter(django_filters.FilterSet):
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="filter_mine", widget=forms.CheckboxInput())
    overdue = django_filters.BooleanFilter(
        label=_("Only overdue"), method="filter_overdue", widget=forms.CheckboxInput()
    )
    area = django_filters.ChoiceFilter(
        label=_("Strategic area (with everything under it)"), empty_label=_("All areas"), method="filter_area"
    )
    commitment = django_filters.ModelChoiceFilter(
        label=_("Commitment"), queryset=Commitment.objects.all(), empty_label=_("All commitments")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        field_name="municipalities",
        distinct=True,
        empty_label=_("All municipalities"),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=ActionPoint.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    kind = django_filters.ChoiceFilter(
        label=pgettext_lazy("action point", "Kind"), choices=ActionPoint.Kind.choices, empty_label=_("All kinds")
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Due date (default)"),
        fields=(("due_date", "due_date"), ("priority", "priority"), ("title", "title"), ("status", "status")),
        # Both directions named in words: django-filter's own "(descending)" is not translated.
        field_labels={
            "due_date": _("Due date"),
            "-due_date": _("Due date, latest first"),
            "priority": _("Priority"),
            "-priority": _("Priority, lowest first"),
            "title": _("Title"),
            "-title": _("Title, Ö–A"),
            "status": _("Status"),
            "-status": _("Status, in reverse order"),
        },
    )

    class Meta:
        model = ActionPoint
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        areas = StrategicArea.objects.all().in_tree_order()
        # Tree order with the seed's numbering, so "1." comes before "1.A" before "1.A.1".
        self.filters["area"].extra["choices"] = [
            (str(area.pk), f"{'— ' * area.depth}{area.number} {area.title}"[:90]) for area in areas
        ] + [(NO_AREA, _("Without an area"))]

    def filter_mine(self, queryset, name, value):
        return queryset.owned_by(self.user) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_area(self, queryset, name, value):
        if value == NO_AREA:
            return queryset.filter(area__isnull=True)
        area = StrategicArea.objects.filter(pk=value).first() if value else None
        return queryset.filter(area_id__in=area.descendant_ids()) if area else queryset
