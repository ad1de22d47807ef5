"""Forms of the network register. Each defines its crispy layout; templates say {% crispy form %}."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intro_sodertorn import access
from intro_sodertorn.forms import cap_text_fields
from intro_sodertorn.widgets import FastSelect

from .access import can_see_notes, is_register_admin
from .models import (
    AnonymisationLog,
    Attendance,
    Contact,
    Decision,
    Meeting,
    Membership,
    Municipality,
    Network,
    Organisation,
)
from .versioning import VERSION_LAYOUT, VersionedFormMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _limit_municipalities(form, user):
    """A municipal user may only place records in their own municipality (the field becomes required)."""
    if is_register_admin(user):
        return
    field = form.fields["municipality"]
    field.queryset = Municipality.objects.filter(pk__in=access.any_municipality_ids(user))
    field.required = True
    field.empty_label = None


def _attachable_organisations(user, current_id=None):
    """A municipal user places contacts in their own municipality's organisations or in one of no municipality.

    Another municipality's organisation is that municipality's to fill; the one already chosen stays.
    """
    qs = Organisation.objects.select_related("municipality")
    if is_register_admin(user):
        return qs
    allowed = Q(municipality__isnull=True) | Q(municipality_id__in=access.any_municipality_ids(user))
    return qs.filter(allowed | Q(pk=current_id) if current_id else allowed)


@cap_text_fields
class OrganisationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "municipality", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_municipalities(self, user)
        if not can_see_notes(user):
            del self.fields["notes"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            Row(Column("kind", css_class="col-md-6"), Column("municipality", css_class="col-md-6")),
            "website",
            *(["notes"] if "notes" in self.fields else []),
            *VERSION_LAYOUT,
            Submit("save", _("Save"), css_class="btn-primary"),
        )


@cap_text_fields
class ContactForm(VersionedFormMixin, forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        label=_("Create anyway: this is not the same person as the possible duplicates above"),
        required=False,
    )

    class Meta:
        model = Contact
        fields = ["name", "title", "organisation", "municipality", "email", "phone", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"email": _("Work e-mail only."), "phone": _("Work phone only.")}

    def __init__(self, *args, user, show_confirm=False, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_municipalities(self, user)
        self.fields["organisation"].queryset = _attachable_organisations(user, self.instance.organisation_id)
        if not can_see_notes(user):
            del self.fields["notes"]
        if not show_confirm:
            del self.fields["confirm_duplicate"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-6"), Column("title", css_class="col-md-6")),
            Row(Column("organisation", css_class="col-md-6"), Column("municipality", css_class="col-md-6")),
            Row(Column("email", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
            *(["notes"] if "notes" in self.fields else []),
            "is_active",
            *(
                [Div(Field("confirm_duplicate"), css_class="alert alert-warning")]
                if "confirm_duplicate" in self.fields
                else []
            ),
            *VERSION_LAYOUT,
            Submit("save", _("Save"), css_class="btn-primary"),
        )


@cap_text_fields
class NetworkFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or purpose"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality represented"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
        widget=FastSelect(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All")), *Network.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Active")), ("inactive", _("Inactive"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


@cap_text_fields
class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
        widget=FastSelect(attrs={"class": "form-select"}),
    )


@cap_text_fields
class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    # Several hundred organisations: only their names are read, and the options are written in one pass
    # (FastSelect; Django's Select renders a template per option, most of the list's time at 10,000 contacts).
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.only("pk", "name").order_by("name"),
        required=False,
        empty_label=_("All"),
        widget=FastSelect,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
        widget=FastSelect,
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Inactive"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-3"),
                Column("organisation", css_class="col-md-3"),
                Column("municipality", css_class="col-md-2"),
                Column("active", css_class="col-md-2"),
                Column(Submit("filter", _("Filter"), css_class="btn-primary mt-md-4"), css_class="col-md-2"),
            )
        )


@cap_text_fields
class NetworkForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Network
        fields = ["name", "kind", "purpose", "convenor", "is_active"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convenor"].queryset = Contact.objects.not_anonymised()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-8"), Column("kind", css_class="col-md-4")),
            "purpose",
            "convenor",
            "is_active",
            *VERSION_LAYOUT,
            Submit("save", _("Save"), css_class="btn-primary"),
        )


def contact_choice_label(contact):
    """'Anna Lindqvist – SFI Huddinge, Huddinge, anna.lindqvist@huddinge.se': a person told apart from namesakes."""
    details = [
        contact.organisation.name if contact.organisation_id else "",
        str(contact.municipality or ""),
        contact.email,
    ]
    details = [detail for detail in details if detail]
    return f"{contact.name} – {', '.join(details)}" if details else contact.name


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["contact", "role", "municipality", "valid_from"]
        widgets = {"valid_from": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.active().select_related("organisation", "municipality")
        # Namesakes told apart by organisation, municipality and e-mail.
        self.fields["contact"].label_from_instance = contact_choice_label
        self.fields["valid_from"].initial = timezone.localdate()
        self.fields["municipality"].help_text = _("Leave empty to use the contact's municipality.")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("contact", css_class="col-md-6"), Column("role", css_class="col-md-6")),
            Row(Column("municipality", css_class="col-md-6"), Column("valid_from", css_class="col-md-6")),
            Submit("save", _("Add member"), css_class="btn-primary"),
        )

    def clean(self):
        cleaned = super().clean()
        contact = cleaned.get("contact")
        if contact and not cleaned.get("municipality"):
            cleaned["municipality"] = contact.municipality
        return cleaned


class MembershipEndForm(VersionedFormMixin, forms.Form):
    valid_to = forms.DateField(label=_("Last day of membership"), widget=DateInput())

    def __init__(self, *args, membership, **kwargs):
        # The version check reads ``instance`` like a ModelForm's.
        self.membership = self.instance = membership
        super().__init__(*args, **kwargs)
        self.fields["valid_to"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "valid_to", *VERSION_LAYOUT, Submit("end", _("End membership"), css_class="btn-primary")
        )

    def extra_compared_values(self):
        # The field proposes today; what another person may have saved is the membership's own end date.
        return {"saved_valid_to": (_("Last day of membership"), self.membership.valid_to)}

    def clean_valid_to(self):
        day = self.cleaned_data["valid_to"]
        if self.membership.valid_from and day < self.membership.valid_from:
            raise forms.ValidationError(_("The last day cannot be before the membership started."))
        return day


# Present and excused first: those are what the secretary notes; "not noted" removes the person from the list.
ATTENDANCE_CHOICES = [*Attendance.Status.choices, ("", _("Not noted"))]


@cap_text_fields
class MeetingForm(VersionedFormMixin, forms.ModelForm):
    """The meeting itself plus one attendance choice per listed person.

    Listed are the members of the network on the meeting's day and everyone already recorded for the
    meeting (guests too), so that editing an old meeting shows its attendance list as it was recorded.
    Further guests are added through ``OtherAttendeeFormSet``.
    """

    class Meta:
        model = Meeting
        fields = ["date", "place", "agenda", "notes"]
        widgets = {
            "date": DateInput(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        existing = self.instance.attendances.select_related("contact__organisation") if self.instance.pk else []
        self.existing = {attendance.contact_id: attendance for attendance in existing}
        day = self.instance.date if self.instance.pk else timezone.localdate()
        members = network.memberships.current(day).select_related("contact__organisation", "municipality")
        rows = {}
        for membership in members.order_by("contact__name"):
            where = membership.municipality or membership.contact.organisation or "–"
            rows.setdefault(membership.contact_id, (membership.contact, f"{membership.contact.name} ({where})"))
        for contact_id, attendance in self.existing.items():
            if contact_id not in rows:
                contact = attendance.contact
                where = contact.organisation or contact.municipality
                rows[contact_id] = (contact, f"{contact.name} ({where})" if where else contact.name)
        self.listed_contacts = [contact for contact, _label in rows.values()]
        for contact, label in rows.values():
            existing_status = self.existing[contact.pk].status if contact.pk in self.existing else ""
            self.fields[f"attendance_{contact.pk}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=ATTENDANCE_CHOICES,
                initial=existing_status,
                widget=forms.RadioSelect,
            )
        if not self.instance.pk and not self.initial.get("date"):
            # The unsaved instance's empty date would win over a field initial: set the form's initial.
            self.initial["date"] = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("date", css_class="col-md-4"), Column("place", css_class="col-md-8")),
            "agenda",
            "notes",
            *VERSION_LAYOUT,
        )
        # The attendance list is rendered separately, inside its own fieldset of the page.
        self.attendance_helper = FormHelper()
        self.attendance_helper.form_tag = False
        self.attendance_helper.disable_csrf = True
        self.attendance_helper.form_show_errors = False
        self.attendance_helper.layout = Layout(
            Div(
                *[
                    InlineRadios(f"attendance_{contact.pk}", wrapper_class="attendance-row")
                    for contact in self.listed_contacts
                ],
                css_id="attendance-members",
            )
        )

    def extra_compared_values(self):
        """The decisions are a formset of their own: compared as one value, named "Decisions"."""
        if self.instance.pk is None:
            return {}
        texts = [f"{decision.position}. {decision.text}" for decision in self.instance.decisions.all()]
        return {"decisions": (_("Decisions"), " ".join(texts))}

    def attendance_statuses(self):
        """``{contact_id: status}`` of the listed people from the cleaned form ("not noted" left out)."""
        statuses = {}
        for contact in self.listed_contacts:
            status = self.cleaned_data.get(f"attendance_{contact.pk}")
            if status:
                statuses[contact.pk] = status
        return statuses


class OtherAttendeeForm(forms.Form):
    """One more attendee who is not listed: a guest, a substitute, a member who joined later."""

    # Not required: a row without a person is ignored (see has_changed); a row with one needs nothing more.
    contact = forms.ModelChoiceField(label=_("Person"), queryset=Contact.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Attendance"),
        required=False,
        choices=Attendance.Status.choices,
        initial=Attendance.Status.PRESENT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, listed_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Those listed above are chosen there; anonymised contacts are no longer chosen at all.
        self.fields["contact"].queryset = (
            Contact.objects.not_anonymised().exclude(pk__in=list(listed_ids)).select_related("organisation")
        )
        self.fields["contact"].label_from_instance = _contact_label
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("contact", css_class="col-md-7"),
                Column(InlineRadios("status"), css_class="col-md-5"),
            )
        )

    def has_changed(self):
        # A row without a chosen person is empty, whatever its status says (also a row removed in the browser).
        return bool(self.data.get(self.add_prefix("contact")))


def _contact_label(contact):
    return f"{contact.name} ({contact.organisation})" if contact.organisation else contact.name


class BaseOtherAttendeeFormSet(forms.BaseFormSet):
    def statuses(self):
        """``{contact_id: status}`` of the added attendees; the same person twice counts once (the last row)."""
        return {
            form.cleaned_data["contact"].pk: form.cleaned_data["status"] or Attendance.Status.PRESENT
            for form in self.forms
            if form.has_changed() and form.cleaned_data.get("contact")
        }


# Limits: without them Django builds up to 2,000 forms for a forged TOTAL_FORMS (seconds of work per request).
MAX_OTHER_ATTENDEES = 50
MAX_DECISIONS = 50

OtherAttendeeFormSet = forms.formset_factory(
    OtherAttendeeForm,
    formset=BaseOtherAttendeeFormSet,
    extra=1,
    max_num=MAX_OTHER_ATTENDEES,
    absolute_max=MAX_OTHER_ATTENDEES,
    validate_max=True,
)


@cap_text_fields
class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


# One empty box: more are added with the "Add a decision" button, or without JavaScript by "Save and add more".
DecisionFormSet = inlineformset_factory(
    Meeting,
    Decision,
    form=DecisionForm,
    extra=1,
    can_delete=True,
    max_num=MAX_DECISIONS,
    absolute_max=MAX_DECISIONS,
    validate_max=True,
)


class AnonymiseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=AnonymisationLog.Reason.choices)
    confirm = forms.BooleanField(
        label=_("I understand that the personal data is removed for good and cannot be restored."), required=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "reason", "confirm", Submit("anonymise", _("Anonymise the contact"), css_class="btn-danger")
        )
