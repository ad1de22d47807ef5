"""Writes and reads of the network register that span several models or touch personal data."""

import datetime
import difflib
import unicodedata

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AnonymisationLog, Attendance, Contact, Membership, Municipality

# Names at the same organisation at least this similar (0–1, difflib ratio on normalised names)
# are shown as possible duplicates: catches "Anna-Karin Berg" / "Anna Karin Berg" / "Ana Karin Berg",
# but not two colleagues such as "Karin Alm" and "Karin Ahl".
SIMILAR_NAME_RATIO = 0.9


def normalise_name(name):
    """Lower case, without accents, hyphens and extra spaces: 'Åsa  Berg-Lind' → 'asa berg lind'."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("-", " ").replace(".", " ").lower()
    return " ".join(text.split())


def contact_find_duplicates(name, email="", organisation=None, exclude_pk=None):
    """Contacts that are probably the same person: the same e-mail, or a similar name at the same organisation."""
    candidates = []
    seen = set()
    queryset = Contact.objects.not_anonymised().select_related("organisation", "municipality")
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    if email:
        for contact in queryset.filter(email__iexact=email.strip()):
            candidates.append((contact, _("The same e-mail address")))
            seen.add(contact.pk)
    if organisation is not None and name:
        wanted = normalise_name(name)
        for contact in queryset.filter(organisation=organisation).exclude(pk__in=seen):
            ratio = difflib.SequenceMatcher(None, wanted, normalise_name(contact.name)).ratio()
            if ratio >= SIMILAR_NAME_RATIO:
                candidates.append((contact, _("A similar name at the same organisation")))
                seen.add(contact.pk)
    if name and normalise_name(name):
        # The same name (normalised) elsewhere: people change jobs, so perhaps the same person.
        wanted = normalise_name(name)
        longest = max(wanted.split(), key=len)
        elsewhere = queryset.exclude(pk__in=seen)
        if organisation is not None:
            elsewhere = elsewhere.exclude(organisation=organisation)
        for contact in elsewhere.filter(name__icontains=longest[:3]):
            if normalise_name(contact.name) == wanted:
                candidates.append((contact, _("The same name at another organisation: perhaps the same person")))
    return candidates


def contact_touch(contact_ids, when=None):
    """Record activity (a meeting, a membership) so the retention review does not list the contacts."""
    Contact.objects.filter(pk__in=list(contact_ids)).update(last_activity_at=when or timezone.now())


def membership_add(network, contact, role="", municipality=None, valid_from=None):
    membership = Membership.objects.create(
        network=network,
        contact=contact,
        role=role,
        municipality=municipality,
        valid_from=valid_from or timezone.localdate(),
    )
    contact_touch([contact.pk])
    return membership


def membership_end(membership, day=None):
    """End a membership; it stays as history. The end date is never before the start date."""
    day = day or timezone.localdate()
    if membership.valid_from and day < membership.valid_from:
        day = membership.valid_from
    membership.valid_to = day
    membership.save(update_fields=["valid_to"])
    return membership


def network_municipalities_without_representative(network, day=None):
    """Current member municipalities that no current membership of the network represents."""
    day = day or timezone.localdate()
    represented = (
        network.memberships.current(day)
        .filter(Q(municipality__isnull=False) | Q(contact__municipality__isnull=False))
        .values_list("municipality_id", "contact__municipality_id")
    )
    ids = {municipality_id or contact_municipality_id for municipality_id, contact_municipality_id in represented}
    return Municipality.objects.members_on(day).exclude(pk__in=ids)


@transaction.atomic
def meeting_set_attendances(meeting, statuses):
    """Replace the attendance list of a meeting with ``{contact_id: status}`` and record the activity."""
    meeting.attendances.exclude(contact_id__in=statuses.keys()).delete()
    for contact_id, status in statuses.items():
        Attendance.objects.update_or_create(meeting=meeting, contact_id=contact_id, defaults={"status": status})
    when = timezone.make_aware(datetime.datetime.combine(meeting.date, datetime.time(12)))
    # Only move the activity forward: recording an old meeting must not hide a later one.
    Contact.objects.filter(pk__in=list(statuses), last_activity_at__lt=when).update(last_activity_at=when)
    Contact.objects.filter(pk__in=list(statuses), last_activity_at__isnull=True).update(last_activity_at=when)


@transaction.atomic
def meeting_save(meeting_form, statuses, decision_formset):
    """Save a meeting, its attendance list (``{contact_id: status}``) and its decisions: all or nothing."""
    meeting = meeting_form.save()
    meeting_set_attendances(meeting, statuses)
    decision_formset.instance = meeting
    decisions = decision_formset.save(commit=False)
    for decision in decision_formset.deleted_objects:
        decision.delete()
    # New decisions are numbered after the last kept one; the numbers of kept decisions never change.
    position = max((decision.position for decision in meeting.decisions.all()), default=0)
    for decision in decisions:
        if not decision.pk:
            position += 1
            decision.position = position
        decision.save()
    return meeting


# --- Personal data (GDPR) ------------------------------------------------------------------

PERSONAL_FIELDS = ("name", "title", "email", "phone", "notes")


# Bookkeeping a person cannot use: the optimistic-lock counter of a row.
EXTRACT_HIDDEN_FIELDS = {"version"}


def _plain(obj, field):
    """A value as the person reads it: the label of a choice, Ja/Nej, a Swedish date, a name instead of a code."""
    from django.utils.formats import date_format

    value = getattr(obj, field.name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if hasattr(value, "pk"):
        return str(value)
    return value


def _row(obj):
    return {
        str(field.verbose_name).capitalize(): _plain(obj, field)
        for field in obj._meta.concrete_fields
        if field.name not in EXTRACT_HIDDEN_FIELDS
    }


def extract_explanation():
    return _(
        "This is everything the network register of Introduktion Södertörn holds about you: your contact details, "
        "and every record that names you, such as memberships of networks, meetings you attended and tasks you are "
        "responsible for. The register is kept so the municipalities can work together on the reception of "
        "newcomers. Ask the strategist of Introduktion Södertörn if something is wrong or if you want it erased."
    )


def contact_extract(contact):
    """Everything the portal holds about one contact: its own fields and every row that points at it.

    The reverse relations are read from ``Contact._meta.related_objects`` so that a relation added
    later by another part of the portal (e.g. action points owned in uppdrag) is included without
    changing this function.
    """
    data = {
        "contact": _row(contact),
        "organisation": str(contact.organisation) if contact.organisation else None,
        "municipality": str(contact.municipality) if contact.municipality else None,
        "related": {},
    }
    for relation in Contact._meta.related_objects:
        model = relation.related_model
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if relation.many_to_many:
            accessor = relation.get_accessor_name()
            rows = list(getattr(contact, accessor).all())
        else:
            rows = list(model._default_manager.filter(**{relation.field.name: contact}))
        data["related"][label] = {
            "title": str(model._meta.verbose_name_plural),
            "rows": [_row(row) for row in rows],
        }
    return data


def contact_extract_for_person(contact):
    """The register extract as the person reads it: Swedish headings, an explanation, readable values."""
    from django.utils.formats import date_format

    data = contact_extract(contact)
    document = {
        _("About this extract"): extract_explanation(),
        _("Made on"): date_format(timezone.localtime(), "j F Y, H:i"),
        _("Your contact details"): data["contact"],
        _("Organisation"): data["organisation"] or "",
        _("Municipality"): data["municipality"] or "",
    }
    for section in data["related"].values():
        document.setdefault(section["title"].capitalize(), []).extend(section["rows"])
    return document


@transaction.atomic
def contact_anonymise(contact, user, reason=AnonymisationLog.Reason.REQUEST):
    """Remove a contact's personal data; memberships and meeting history stay, pointing at the anonymous row.

    The name, e-mail and phone are also erased from every other table and from the export files that hold
    them (natverk/erasure.py), all in this transaction (files are deleted once it commits). The returned
    log carries ``removed_exports``: the export jobs whose files were removed, to tell the user.
    """
    from .erasure import contact_erase_traces

    now = timezone.now()
    name, email, phone = contact.name, contact.email, contact.phone
    contact.name = _("Anonymised contact #%(id)s") % {"id": contact.pk}
    contact.title = ""
    contact.email = ""
    contact.phone = ""
    contact.notes = ""
    # Organisation, municipality and role together point out one person ("the SFI principal of Nykvarn"):
    # cleared on the contact, and the role cleared on their memberships. The memberships keep the
    # municipality they represented (the network's history of representation) but no longer say who or as what.
    generalised = []
    if contact.organisation_id:
        generalised.append(_("organisation"))
    if contact.municipality_id:
        generalised.append(_("municipality"))
    contact.organisation = None
    contact.municipality = None
    roles_cleared = contact.memberships.exclude(role="").update(role="", version=F("version") + 1)
    if roles_cleared:
        generalised.append(_("role in %(count)s membership(s)") % {"count": roles_cleared})
    contact.is_active = False
    contact.anonymised_at = now
    contact.save()
    contact.memberships.current().filter(valid_to__isnull=True).update(
        valid_to=timezone.localdate(), version=F("version") + 1
    )
    removed = contact_erase_traces(contact, name, email, phone)
    log = AnonymisationLog.objects.create(
        contact_id_anonymised=contact.pk,
        performed_by=user,
        reason=reason,
        generalised=(
            _("Cleared: %(fields)s. Together with the municipality and role they could point out the person.")
            % {"fields": ", ".join(str(item) for item in generalised)}
            if generalised
            else ""
        ),
    )
    log.removed_exports = removed
    return log
