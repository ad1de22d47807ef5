"""Forms of the network register. Each defines its crispy layout; templates say {% crispy form %}."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from intro_sodertorn import access

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


class OrganisationForm(forms.ModelForm):
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
            Submit("save", _("Save"), css_class="btn-primary"),
        )


class ContactForm(forms.ModelForm):
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
        self.fields["organisation"].queryset = Organisation.objects.select_related("municipality")
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
            Submit("save", _("Save"), css_class="btn-primary"),
        )


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False, empty_label=_("All")
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), required=False, empty_label=_("All")
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


class NetworkForm(forms.ModelForm):
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
            Submit("save", _("Save"), css_class="btn-primary"),
        )


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["contact", "role", "municipality", "valid_from"]
        widgets = {"valid_from": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.active().select_related("organisation")
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


class MembershipEndForm(forms.Form):
    valid_to = forms.DateField(label=_("Last day of membership"), widget=DateInput())

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["valid_to"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.layout = Layout("valid_to", Submit("end", _("End membership"), css_class="btn-primary"))

    def clean_valid_to(self):
        day = self.cleaned_data["valid_to"]
        if self.membership.valid_from and day < self.membership.valid_from:
            raise forms.ValidationError(_("The last day cannot be before the membership started."))
        return day


class MeetingForm(forms.ModelForm):
    """The meeting itself plus its attendance list: one choice per current member, and other attendees."""

    NOT_NOTED = ""

    others_present = forms.ModelMultipleChoiceField(
        label=_("Other attendees (present)"),
        queryset=Contact.objects.none(),
        required=False,
        help_text=_("Guests and others who are not members of the network."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Meeting
        fields = ["date", "place", "agenda", "notes"]
        widgets = {
            "date": DateInput(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        current = self.instance.attendances.all() if self.instance.pk else []
        self.existing = {attendance.contact_id: attendance.status for attendance in current}
        members = network.memberships.current().select_related("contact", "municipality")
        self.member_contacts = []
        for membership in members:
            contact = membership.contact
            if contact.pk in {c.pk for c in self.member_contacts}:
                continue
            self.member_contacts.append(contact)
            label = f"{contact.name} ({membership.municipality or contact.organisation or '–'})"
            self.fields[f"attendance_{contact.pk}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[(self.NOT_NOTED, _("Not noted")), *Attendance.Status.choices],
                initial=self.existing.get(contact.pk, self.NOT_NOTED),
            )
        member_ids = [contact.pk for contact in self.member_contacts]
        # Those already recorded stay choosable even if anonymised since, so editing keeps the history.
        self.fields["others_present"].queryset = (
            Contact.objects.filter(Q(anonymised_at__isnull=True) | Q(pk__in=list(self.existing)))
            .exclude(pk__in=member_ids)
            .select_related("organisation")
        )
        self.fields["others_present"].initial = [pk for pk in self.existing if pk not in member_ids]
        if not self.instance.pk:
            self.fields["date"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        attendance_fields = [
            Column(f"attendance_{contact.pk}", css_class="col-md-6 col-lg-4") for contact in self.member_contacts
        ]
        self.helper.layout = Layout(
            Row(Column("date", css_class="col-md-4"), Column("place", css_class="col-md-8")),
            "agenda",
            HTML(format_html('<h3 class="h6 mt-3">{}</h3>', _("Attendance of current members"))),
            Div(*attendance_fields, css_class="row", css_id="attendance-members"),
            "others_present",
            "notes",
        )

    def attendance_statuses(self):
        """``{contact_id: status}`` from the cleaned form."""
        statuses = {}
        for contact in self.member_contacts:
            status = self.cleaned_data.get(f"attendance_{contact.pk}")
            if status:
                statuses[contact.pk] = status
        for contact in self.cleaned_data.get("others_present") or []:
            statuses.setdefault(contact.pk, self.existing.get(contact.pk, Attendance.Status.PRESENT))
        return statuses


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


DecisionFormSet = inlineformset_factory(Meeting, Decision, form=DecisionForm, extra=2, can_delete=True)


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
