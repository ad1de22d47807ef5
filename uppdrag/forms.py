"""Forms of uppdrag, each with its crispy layout."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from insatsbasen.models import Insats
from intro_sodertorn.forms import cap_text_fields
from natverk.models import Contact, Municipality, Network, Organisation
from natverk.versioning import VERSION_LAYOUT, VersionedFormMixin

from .models import ActionPoint, Assignment, Commitment, Health, JournalNote, ReminderSetting, StrategicArea

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]
# Long checkbox lists get a filter box from uppdrag/checkbox_filter.js; without JS they stay plain checkboxes.
FILTERABLE = "checkbox-filter"
COLUMNS = "checkbox-columns"


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area):
        return f"{'— ' * area.depth}{area.number} {area.title}"


def _submit(label):
    return Submit("submit", label, css_class="btn btn-primary")


@cap_text_fields
class ActionPointForm(VersionedFormMixin, forms.ModelForm):
    """The strategist's full form for an action point."""

    owner_user = UserChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username"),
        required=False,
        label=_("Owner (user)"),
        empty_label=_("(no user)"),
    )
    area = AreaChoiceField(
        queryset=StrategicArea.objects.none(), required=False, label=_("Strategic area"), empty_label=_("(no area)")
    )
    expected_month = forms.DateField(
        label=_("Expected month"),
        required=False,
        input_formats=MONTH_FORMATS,
        widget=MonthInput(),
        help_text=_("For a watch item: the month something is expected, for example 2026-08."),
    )

    class Meta:
        model = ActionPoint
        fields = [
            "title",
            "description",
            "kind",
            "status",
            "priority",
            "commitment",
            "area",
            "owner_user",
            "owner_contact",
            "due_date",
            "expected_month",
            "expected_text",
            "municipalities",
            "organisations",
            "networks",
            "insatser",
            "completion_note",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "completion_note": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
            "municipalities": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
            "networks": forms.CheckboxSelectMultiple,
            "insatser": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, assignment=None, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment is not None:
            self.fields["commitment"].queryset = assignment.commitments.all()
            areas = StrategicArea.objects.filter(assignment=assignment).in_tree_order()
            self.fields["area"].queryset = StrategicArea.objects.filter(pk__in=[area.pk for area in areas])
            # A ModelChoiceField iterates its queryset; keep the tree order for the choices.
            self.fields["area"].choices = [("", _("(no area)"))] + [
                (area.pk, self.fields["area"].label_from_instance(area)) for area in areas
            ]
        else:
            self.fields["commitment"].queryset = self.fields["commitment"].queryset.none()
        self.fields["owner_contact"].queryset = Contact.objects.filter(is_active=True)
        self.fields["owner_contact"].empty_label = _("(no contact)")
        self.fields["commitment"].empty_label = _("(no commitment)")
        self.fields["municipalities"].queryset = Municipality.objects.all()
        self.fields["organisations"].queryset = Organisation.objects.all()
        self.fields["networks"].queryset = Network.objects.filter(is_active=True)
        self.fields["insatser"].queryset = Insats.objects.active().order_by("name")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("The action point"),
                "title",
                "description",
                Row(
                    Column("kind", css_class="col-md-4"),
                    Column("status", css_class="col-md-4"),
                    Column("priority", css_class="col-md-4"),
                ),
                Row(Column("commitment", css_class="col-md-6"), Column("area", css_class="col-md-6")),
            ),
            Fieldset(
                _("Owner and time"),
                Row(Column("owner_user", css_class="col-md-6"), Column("owner_contact", css_class="col-md-6")),
                Row(
                    Column("due_date", css_class="col-md-4"),
                    Column("expected_month", css_class="col-md-4"),
                    Column("expected_text", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Related to"),
                Field("municipalities", wrapper_class=COLUMNS),
                Row(
                    Column(Field("organisations", wrapper_class=FILTERABLE), css_class="col-md-6"),
                    Column(Field("networks", wrapper_class=FILTERABLE), css_class="col-md-6"),
                ),
                Field("insatser", wrapper_class=FILTERABLE),
            ),
            "completion_note",
            *VERSION_LAYOUT,
            _submit(submit_label or _("Save")),
        )

    def clean_expected_month(self):
        value = self.cleaned_data.get("expected_month")
        return value.replace(day=1) if value else value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("owner_user") and cleaned.get("owner_contact"):
            self.add_error("owner_contact", _("Choose either a user or a contact as owner, not both."))
        if cleaned.get("kind") == ActionPoint.Kind.WATCH and not (
            cleaned.get("due_date") or cleaned.get("expected_month")
        ):
            self.add_error("expected_month", _("A watch item needs a due date or an expected month."))
        return cleaned


@cap_text_fields
class StatusForm(forms.Form):
    """The owner's and the strategist's quick status change."""

    status = forms.ChoiceField(label=_("New status"), choices=ActionPoint.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Written in the journal; when you close the point it becomes the completion note."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "status-form"
        self.helper.layout = Layout("status", "note", _submit(_("Change status")))


@cap_text_fields
class JournalNoteForm(forms.ModelForm):
    class Meta:
        model = JournalNote
        fields = ["date", "text"]
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "note-form"
        self.helper.layout = Layout("date", "text", _submit(_("Add note")))


class HealthForm(VersionedFormMixin, forms.Form):
    health = forms.ChoiceField(label=_("Health"), choices=Health.choices)
    health_note = forms.CharField(label=_("Explanation"), required=False, max_length=500)

    def __init__(self, *args, item, **kwargs):
        # The commitment or area whose health is set; the version check reads it as ``instance``.
        self.instance = item
        kwargs.setdefault("initial", {"health": item.health, "health_note": item.health_note})
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("health", "health_note", *VERSION_LAYOUT, _submit(_("Save health status")))


@cap_text_fields
class ReportForm(forms.Form):
    """Choose the period and write the introduction of a steering-group report."""

    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())
    introduction = forms.CharField(
        label=pgettext_lazy("report", "Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    activities = forms.CharField(
        label=_("Activities in the period"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The report opens with this numbered list. It starts from the period's meetings; "
            "add visits, conferences and other work, or remove lines."
        ),
    )

    NARRATIVE_HELP = _(
        "What happened under this commitment, in your words. A blank line starts a new paragraph; "
        "lines starting with “- ” make a bulleted list, “1. ” a numbered list; **text** is bold."
    )

    def __init__(self, *args, commitments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.commitments = list(commitments)
        for commitment in self.commitments:
            self.fields[f"narrative_{commitment.pk}"] = forms.CharField(
                label=_("Narrative for commitment %(number)s. %(title)s")
                % {"number": commitment.number, "title": commitment.title},
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=self.NARRATIVE_HELP,
            )
        self.helper = FormHelper()
        self.helper.form_id = "report-form"
        narratives = [f"narrative_{commitment.pk}" for commitment in self.commitments]
        self.helper.layout = Layout(
            "title",
            Row(Column("period_start", css_class="col-md-6"), Column("period_end", css_class="col-md-6")),
            "introduction",
            "activities",
            *([Fieldset(_("The commitments in your words"), *narratives)] if narratives else []),
            Submit("preview", _("Show report"), css_class="btn btn-outline-primary me-2"),
            Submit("save", _("Save as snapshot"), css_class="btn btn-primary"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its first day."))
        return cleaned

    def narratives(self):
        """Commitment pk → the narrative written for it (stripped)."""
        return {
            commitment.pk: (self.cleaned_data.get(f"narrative_{commitment.pk}") or "").strip()
            for commitment in self.commitments
        }


class ReminderSettingForm(forms.ModelForm):
    class Meta:
        model = ReminderSetting
        fields = ["days_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days_before"].max_value = 60
        self.fields["days_before"].widget.attrs["max"] = 60
        self.helper = FormHelper()
        self.helper.layout = Layout("days_before", _submit(_("Save")))

    def clean_days_before(self):
        days = self.cleaned_data["days_before"]
        if days > 60:
            raise forms.ValidationError(_("At most 60 days."))
        return days


@cap_text_fields
class AssignmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["title", "description", "period_start", "period_end"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "period_start": DateInput(),
            "period_end": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            "description",
            Row(Column("period_start", css_class="col-md-6"), Column("period_end", css_class="col-md-6")),
            *VERSION_LAYOUT,
            _submit(_("Save")),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its first day."))
        return cleaned


@cap_text_fields
class CommitmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["position", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.helper = FormHelper()
        self.helper.layout = Layout("position", "title", "description", *VERSION_LAYOUT, _submit(_("Save")))

    def clean_position(self):
        position = self.cleaned_data["position"]
        taken = Commitment.objects.filter(assignment=self.assignment, position=position).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another commitment already has this number."))
        return position


@cap_text_fields
class StrategicAreaForm(VersionedFormMixin, forms.ModelForm):
    parent = AreaChoiceField(
        queryset=StrategicArea.objects.none(),
        required=False,
        label=_("Part of"),
        help_text=_("Empty for a main area. Choose a main area for a sub-area, or a sub-area for a point."),
    )

    class Meta:
        model = StrategicArea
        fields = ["parent", "position", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.assignment = assignment
        # Only main areas and sub-areas can have children; an area never goes under its own branch.
        own_branch = set(self.instance.descendant_ids()) if self.instance.pk else set()
        candidates = [
            area
            for area in StrategicArea.objects.filter(assignment=assignment).in_tree_order()
            if area.depth < StrategicArea.MAX_DEPTH - 1 and area.pk not in own_branch
        ]
        self.fields["parent"].queryset = StrategicArea.objects.filter(pk__in=[area.pk for area in candidates])
        self.fields["parent"].choices = [("", _("(main area)"))] + [
            (area.pk, self.fields["parent"].label_from_instance(area)) for area in candidates
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("parent", css_class="col-md-8"), Column("position", css_class="col-md-4")),
            "title",
            "description",
            *VERSION_LAYOUT,
            _submit(_("Save")),
        )

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if self.instance.pk:
            # Moving an area moves everything under it: the whole branch must still fit in three levels.
            height = 0
            if self.instance.children.exists():
                height = 2 if StrategicArea.objects.filter(parent__parent=self.instance).exists() else 1
            depth = parent.depth + 1 if parent else 0
            if depth + height >= StrategicArea.MAX_DEPTH:
                self.add_error("parent", _("An area can have at most three levels: main area, sub-area, point."))
        return cleaned
