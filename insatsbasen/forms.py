"""Forms and the list filter of insatsbasen."""

import re

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from intro_sodertorn import access
from intro_sodertorn.forms import cap_text_fields
from intro_sodertorn.widgets import FastSelect
from intro_sodertorn.xlsx import WorkbookError, check_upload
from natverk.models import Contact, Municipality, Organisation

from .models import (
    LANGUAGES,
    PUBLISH_INSTRUCTIONS,
    Category,
    Funding,
    Insats,
    InsatsText,
    Place,
    TargetGroup,
    ordered_languages,
)
from .services import EDITABLE_FIELDS


def administered_municipalities(user):
    """Municipalities the user may own insatser for: their own as insats admin; all for the strategist."""
    qs = Municipality.objects.order_by("name")
    if access.is_system_admin(user) or access.is_strategist(user):
        return qs
    return qs.filter(pk__in=access.insats_admin_municipality_ids(user))


def attachable_contacts(user, current_id=None):
    """Contacts an administrator may name on an insats: their own municipality's and those of no municipality.

    Another municipality's contacts are theirs to keep; the region names anyone. The contact already
    on the insats stays a choice, so the form can be saved unchanged.
    """
    qs = Contact.objects.filter(is_active=True)
    if not (access.is_system_admin(user) or access.is_strategist(user)):
        allowed = Q(municipality__isnull=True) | Q(municipality_id__in=access.insats_admin_municipality_ids(user))
        qs = qs.filter(allowed | Q(pk=current_id) if current_id else allowed)
    return qs.order_by("name")


@cap_text_fields
class InsatsForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    funding = forms.MultipleChoiceField(
        label=_("Funding"), choices=Funding.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=300,
        help_text=_("Optional. Shown in the change history."),
    )

    class Meta:
        model = Insats
        fields = EDITABLE_FIELDS
        widgets = {
            "short_description": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "how_to_apply": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
            "target_groups": forms.CheckboxSelectMultiple,
            "participating_municipalities": forms.CheckboxSelectMultiple,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Server-side scoping: you cannot move an insats to a municipality you do not administer.
        self.fields["owner_municipality"].queryset = administered_municipalities(user)
        self.fields["participating_municipalities"].queryset = Municipality.objects.order_by("name")
        self.fields["provider"].queryset = Organisation.objects.order_by("name")
        self.fields["contact"].queryset = attachable_contacts(user, self.instance.contact_id)
        # Archiving is its own action, with a confirmation; the form never archives.
        self.fields["status"].choices = [c for c in Insats.Status.choices if c[0] != Insats.Status.ARCHIVED]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @cached_property
    def helper(self):
        # Built when a page renders the form, not for every form: an import validates 5,000 and renders none.
        helper = FormHelper()
        helper.layout = Layout(
            Field("version"),
            Fieldset(_("The insats"), "name", "short_description", "description", "category", "plan_part", "status"),
            Fieldset(
                _("For whom"),
                "target_groups",
                Div(Div("age_min", css_class="col-sm-6"), Div("age_max", css_class="col-sm-6"), css_class="row"),
                "eligibility",
                "languages",
            ),
            Fieldset(
                _("Who runs it"), "owner_municipality", "participating_municipalities", "provider", "provider_type"
            ),
            Fieldset(
                _("When and how much"),
                Div(Div("start_date", css_class="col-sm-6"), Div("end_date", css_class="col-sm-6"), css_class="row"),
                "intake",
                "intake_dates",
                "hours",
                "capacity",
                "participant_cost",
                "funding",
            ),
            Fieldset(
                _("Contact and application"),
                "contact",
                "contact_is_public",
                "function_email",
                "function_phone",
                "how_to_apply",
                "web_link",
            ),
            Fieldset(_("Internal"), "internal_notes", "review_interval_months", "reason"),
            # Right above the places formset (form.html): either a place or this.
            Fieldset(_("Where"), "is_remote"),
        )
        # The places formset sits between these fields and the buttons, inside the same <form> (form.html).
        helper.form_tag = False
        return helper

    def clean_languages(self):
        return ordered_languages(self.cleaned_data["languages"])

    def add_gate_errors(self, gaps):
        """Show the publishing gate's refusal: one sentence naming everything missing, and a mark at each field."""
        count = len(gaps)
        self.add_error(
            None,
            ngettext(
                "It cannot be published yet: %(count)s thing a newcomer needs is missing (marked below). "
                "Add it, or choose the status Draft to save the insats without publishing it.",
                "It cannot be published yet: %(count)s things a newcomer needs are missing (marked below). "
                "Add them, or choose the status Draft to save the insats without publishing it.",
                count,
            )
            % {"count": count},
        )
        for key, field_name, _message in gaps:
            if field_name in self.fields:
                self.add_error(field_name, PUBLISH_INSTRUCTIONS[key])

    # Insats's check constraints that clean() checks in Python (the database still enforces them): Django's own
    # validation would ask the database once per constraint and form, 2.6 ms a row of an import (bench/import_rate.py).
    CHECKED_IN_CLEAN = frozenset({"insats_age_range_ordered", "insats_period_ordered"})

    def validate_constraints(self):
        exclude = self._get_validation_exclusions()
        errors = {}
        for constraint in self.instance._meta.constraints:
            if constraint.name in self.CHECKED_IN_CLEAN:
                continue
            try:
                constraint.validate(Insats, self.instance, exclude=exclude)
            except forms.ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            self._update_errors(forms.ValidationError(errors))

    def clean(self):
        cleaned = super().clean()
        age_min, age_max = cleaned.get("age_min"), cleaned.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error("age_max", _("The upper age must not be below the lower age."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return cleaned


POSTAL_CODE = re.compile(r"^(\d{3}) ?(\d{2})$")


class PlaceForm(forms.ModelForm):
    """One place of an insats, edited on the insats form (a row of the places formset)."""

    class Meta:
        model = Place
        fields = ["name", "street_address", "postal_code", "city", "municipality"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")
        self.fields["name"].help_text = _("E.g. Flemingsbergs vägledningscentrum.")

    def clean_postal_code(self):
        value = " ".join(self.cleaned_data["postal_code"].split())
        if not value:
            return value
        match = POSTAL_CODE.match(value)
        if not match:
            raise forms.ValidationError(_("Write the postal code as five digits, e.g. 141 52."))
        return f"{match.group(1)} {match.group(2)}"


class BasePlaceFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this place")

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("street_address", "").lower(), form.cleaned_data.get("city", "").lower())
            if key in seen:
                raise forms.ValidationError(_("The same address is given twice."))
            seen.add(key)


MAX_PLACES = 20

PlaceFormSet = forms.inlineformset_factory(
    Insats,
    Place,
    form=PlaceForm,
    formset=BasePlaceFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_PLACES,
    # Without it Django builds up to max_num + 1000 forms for a forged TOTAL_FORMS: a minute of work per request.
    absolute_max=MAX_PLACES,
    validate_max=True,
)


def place_formset(data, insats, prefix="places"):
    """The places formset of an insats (a new, unsaved one has none yet)."""
    return PlaceFormSet(data, instance=insats or Insats(), prefix=prefix)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


SORTS = [
    ("relevance", _("Relevance")),
    ("name", _("Name")),
    ("-updated_at", _("Last changed")),
    ("review_due_on", pgettext_lazy("sort order", "Review due")),
    ("start_date", _("Start date")),
]


class InsatsFilter(django_filters.FilterSet):
    """The list's filters; every value lives in the query string so a search can be shared."""

    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        method="filter_municipality",
        widget=FastSelect,
    )
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.all(), widget=FastSelect)
    target_group = django_filters.ModelChoiceFilter(
        label=_("Target group"), queryset=TargetGroup.objects.all(), field_name="target_groups", widget=FastSelect
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=LANGUAGES, method="filter_language", widget=FastSelect
    )
    provider = django_filters.ModelChoiceFilter(
        label=_("Provider"),
        # EXISTS probes the provider index once per organisation; a join with DISTINCT read every insats on every
        # page view (a third of the list's time at 20,000 insatser, bench/list_throughput.py). Only the name is
        # drawn: several hundred organisations are loaded for the options on every page view.
        queryset=Organisation.objects.filter(Exists(Insats.objects.filter(provider=OuterRef("pk"))))
        .only("pk", "name")
        .order_by("name"),
        widget=FastSelect,
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Insats.Status.choices, widget=FastSelect)
    review = django_filters.ChoiceFilter(
        label=_("To keep correct"),
        choices=[("due", _("Mine due for review")), ("incomplete", _("Mine published but incomplete"))],
        method="filter_review",
        widget=FastSelect,
    )
    open_from = django_filters.DateFilter(
        label=_("Open from"), method="filter_open", widget=forms.DateInput(attrs={"type": "date"})
    )
    open_to = django_filters.DateFilter(
        label=_("Open until"), method="filter_open", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Insats
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None or not (
            access.is_system_admin(user) or access.is_strategist(user) or access.insats_admin_municipality_ids(user)
        ):
            # "Mine to review" means nothing to a reader.
            self.filters.pop("review")
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field.widget, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_municipality(self, queryset, name, value):
        return queryset.for_municipality(value)

    def filter_review(self, queryset, name, value):
        """The user's own lists: exactly what the home page counts (``answered_by``); the region sees every
        municipality's."""
        user = self.user
        if user is None:
            return queryset.none()
        if access.is_system_admin(user) or access.is_strategist(user):
            mine = Insats.objects.all()
        else:
            mine = Insats.objects.answered_by(user)
        mine = mine.due_for_review(timezone.localdate()) if value == "due" else mine.failing_publish_gate()
        return queryset.filter(pk__in=mine.values("pk"))

    def filter_language(self, queryset, name, value):
        return queryset.offering_language(value)

    def filter_open(self, queryset, name, value):
        start = self.form.cleaned_data.get("open_from")
        end = self.form.cleaned_data.get("open_to")
        # Both dates are handled in one go; the second call must not filter again.
        if name == "open_to" and start:
            return queryset
        return queryset.open_during(start, end)


class ImportForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = administered_municipalities(user)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout("municipality", "file", Submit("check", _("Check the file (dry run)")))

    def clean_file(self):
        """What costs nothing in the request: size, name and the first bytes (the import's job reads the rest)."""
        file = self.cleaned_data["file"]
        try:
            check_upload(file)
        except WorkbookError as error:
            raise forms.ValidationError(str(error)) from None
        return file


@cap_text_fields
class InsatsTextForm(forms.ModelForm):
    """An insats's texts in one public language (all optional; empty everywhere removes the translation)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = InsatsText
        fields = ["summary", "for_whom", "how_to_apply"]
        labels = {
            "summary": _("Short description"),
            "for_whom": _("For whom"),
            "how_to_apply": _("How to apply"),
        }
        help_texts = {
            "summary": _("One or two sentences: what the insats is, in plain words."),
            "for_whom": _("Who may take part, e.g. “Adults newly arrived, 18–64 years”."),
            "how_to_apply": _("What the person does to take part: whom to call or where to go."),
        }
        widgets = {"how_to_apply": forms.Textarea(attrs={"rows": 4})}
