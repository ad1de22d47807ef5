"""Pages of the network register (/natverk/). Permissions: see natverk/access.py."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intro_sodertorn import access
from intro_sodertorn.exports import export_start
from intro_sodertorn.search import CONTACT_FIELDS, clean_query, word_filter

from . import services
from .access import (
    can_create_contacts,
    can_see_notes,
    get_contact_for_user,
    get_meeting_for_user,
    get_membership_for_user,
    get_network_for_user,
    get_organisation_for_user,
    is_register_admin,
)
from .forms import (
    AnonymiseForm,
    ContactFilterForm,
    ContactForm,
    DecisionFormSet,
    MeetingForm,
    MembershipEndForm,
    MembershipForm,
    NetworkFilterForm,
    NetworkForm,
    OrganisationFilterForm,
    OrganisationForm,
    OtherAttendeeFormSet,
)
from .models import AnonymisationLog, Contact, Meeting, Membership, Municipality, Network, Organisation
from .versioning import EditConflict, refuse_stale, save_checked


def _strategist_only(request):
    if not is_register_admin(request.user):
        raise PermissionDenied


def _reverse_or_none(name, **kwargs):
    # The uppdrag part is built in parallel: until its views exist the link is simply not shown.
    try:
        return reverse(name, **kwargs)
    except NoReverseMatch:
        return None


def _save_or_refuse(request, form, save, fresh_form, what):
    """``(saved object, None)``, or ``(None, conflict)`` when someone else saved since the form was opened.

    ``fresh_form()`` builds the unbound form of the row as it is now; ``what`` names it in the message.
    """
    try:
        return save_checked(form, save), None
    except EditConflict:
        return None, refuse_stale(request, form, fresh_form(), what)


def _decision_rows(decisions):
    rows = []
    for decision in decisions:
        action_point = getattr(decision, "action_point", None)
        rows.append(
            {
                "decision": decision,
                "action_point": action_point,
                "action_point_url": action_point
                and _reverse_or_none("uppdrag:actionpoint_detail", args=[action_point.pk]),
                "create_url": None
                if action_point
                else _reverse_or_none("uppdrag:actionpoint_from_decision", kwargs={"decision_pk": decision.pk}),
            }
        )
    return rows


@login_required
@require_GET
def index(request):
    today = timezone.localdate()
    own_ids = access.any_municipality_ids(request.user)
    active = Network.objects.visible_to(request.user).filter(is_active=True)
    context = {
        **_start_networks(active, own_ids, today),
        "active_count": active.count(),
        "organisation_count": Organisation.objects.visible_to(request.user).count(),
        "contact_count": Contact.objects.visible_to(request.user).active().count(),
        # A meeting of today is held (the register has no time of day): it is no longer "coming".
        "upcoming": Meeting.objects.visible_to(request.user).filter(date__gt=today).select_related("network")[:5],
        "recent": Meeting.objects.visible_to(request.user).filter(date__lte=today).select_related("network")[:5],
        "today": today,
        "is_admin": is_register_admin(request.user),
        "own_municipalities": Municipality.objects.filter(pk__in=own_ids),
    }
    # "All N networks where Botkyrka is represented" for a user of one municipality that has any, else all networks.
    own = list(context["own_municipalities"])
    context["all_for"] = own[0] if len(own) == 1 and context["networks_total"] else None
    return render(request, "natverk/index.html", context)


# Networks on the start page; the network list has them all, 25 to a page.
START_NETWORKS_SHOWN = 10


def _start_networks(active, own_ids, today):
    """The start page's networks: for a user with a municipality the active networks where it has a current
    representative, for others every active network; those meeting next first, then by name, at most
    START_NETWORKS_SHOWN of them with their current members counted in SQL. ``own_networks`` says which kind."""
    networks = active
    if own_ids:
        represented = Membership.objects.current(today).filter(municipality__in=own_ids).values("network_id")
        networks = networks.filter(pk__in=represented)
    coming = Meeting.objects.filter(network=OuterRef("pk"), date__gt=today).order_by("date").values("date")[:1]
    networks = with_member_count(networks.annotate(next_meeting=Subquery(coming)), today).order_by(
        F("next_meeting").asc(nulls_last=True), "name", "pk"
    )
    shown = list(networks[:START_NETWORKS_SHOWN])
    total = len(shown) if len(shown) < START_NETWORKS_SHOWN else networks.count()
    return {
        "rows": [(network, network.member_count) for network in shown],
        "networks_shown": len(shown),
        "networks_total": total,
        "own_networks": bool(own_ids),
    }


# --- Organisations ---------------------------------------------------------------------------


@login_required
@require_GET
def organisation_list(request):
    organisations = Organisation.objects.visible_to(request.user).select_related("municipality")
    form = OrganisationFilterForm(request.GET or None)
    form.is_valid()  # an unknown municipality (a stale link) is no filter; the search text still applies
    municipality = getattr(form, "cleaned_data", {}).get("municipality")
    query = clean_query(request.GET.get("q"))
    if query:
        organisations = word_filter(organisations, query, ["name"])
    if municipality:
        organisations = organisations.filter(municipality=municipality)
    # The active contacts of the organisations on the page only: a correlated count PostgreSQL works out after the
    # sort and LIMIT, where a join with GROUP BY counted every contact of every organisation first.
    active = Contact.objects.filter(organisation=OuterRef("pk"), is_active=True).order_by()
    organisations = organisations.annotate(
        contact_count=Coalesce(Subquery(active.values("organisation").annotate(n=Count("organisation")).values("n")), 0)
    ).order_by("name", "pk")
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("sida"))
    can_create = is_register_admin(request.user) or can_create_contacts(request.user)
    params = request.GET.copy()
    params.pop("sida", None)
    context = {
        "page": page,
        "form": form,
        "q": query,
        "municipality": municipality,
        "query": params.urlencode(),
        "can_create": can_create,
    }
    return render(request, "natverk/organisation_list.html", context)


ORGANISATIONS_PER_PAGE = 25


@login_required
@require_GET
def organisation_detail(request, pk):
    organisation = get_organisation_for_user(request, pk)
    context = {
        "organisation": organisation,
        "contacts": organisation.contacts.visible_to(request.user).select_related("municipality"),
        "insatser": _provided_insatser(request.user, organisation),
        "can_edit": Organisation.objects.editable_by(request.user).filter(pk=pk).exists(),
        "show_notes": can_see_notes(request.user),
    }
    return render(request, "natverk/organisation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    if not can_create_contacts(request.user):
        raise PermissionDenied
    return _organisation_form(request, Organisation())


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    return _organisation_form(request, get_organisation_for_user(request, pk, write=True))


def _organisation_form(request, organisation):
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_or_refuse(
            request,
            form,
            form.save,
            lambda: OrganisationForm(instance=Organisation.objects.get(pk=organisation.pk), user=request.user),
            _("this organisation"),
        )
        if saved:
            messages.success(request, _("The organisation was saved."))
            return redirect("natverk:organisation_detail", pk=saved.pk)
    if organisation.pk:
        heading = _("Edit %(name)s") % {"name": organisation.name}
        back_url = reverse("natverk:organisation_detail", args=[organisation.pk])
    else:
        heading, back_url = _("New organisation"), reverse("natverk:organisation_list")
    context = {"form": form, "heading": heading, "back_url": back_url, "conflict": conflict}
    return render(request, "natverk/form.html", context)


# --- Contacts --------------------------------------------------------------------------------


@login_required
@require_GET
def contact_list(request):
    contacts = Contact.objects.visible_to(request.user).select_related("organisation", "municipality")
    form = ContactFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if clean_query(data["q"]):
            contacts = word_filter(contacts, clean_query(data["q"]), CONTACT_FIELDS)
        if data["organisation"]:
            contacts = contacts.filter(organisation=data["organisation"])
        if data["municipality"]:
            contacts = contacts.filter(municipality=data["municipality"])
        if data["active"]:
            contacts = contacts.filter(is_active=data["active"] == "1")
    page = Paginator(contacts, 50).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "can_create": can_create_contacts(request.user),
        "is_admin": is_register_admin(request.user),
    }
    return render(request, "natverk/contact_list.html", context)


def _owned_action_points(request, contact):
    """Action points in uppdrag this contact owns, as far as the user may see them (uppdrag is optional)."""
    if not any(rel.get_accessor_name() == "owned_action_points" for rel in Contact._meta.related_objects):
        return []
    model = Contact._meta.get_field("owned_action_points").related_model
    points = model.objects.visible_to(request.user).filter(owner_contact=contact).order_by("-pk")[:20]
    return [(point, _reverse_or_none("uppdrag:actionpoint_detail", args=[point.pk])) for point in points]


@login_required
@require_GET
def contact_detail(request, pk):
    contact = get_contact_for_user(request, pk)
    context = {
        "contact": contact,
        "memberships": contact.memberships.select_related("network", "municipality").order_by("-valid_from"),
        "attendances": contact.attendances.select_related("meeting__network").order_by("-meeting__date"),
        "convened": contact.convened_networks.all(),
        "action_points": _owned_action_points(request, contact),
        "can_edit": Contact.objects.editable_by(request.user).filter(pk=pk).exists(),
        "show_notes": can_see_notes(request.user),
        "is_admin": is_register_admin(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "natverk/contact_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    if not can_create_contacts(request.user):
        raise PermissionDenied
    initial = {"organisation": request.GET.get("organisation")} if request.GET.get("organisation") else None
    if request.method != "POST":
        form = ContactForm(initial=initial, user=request.user)
        return render(request, "natverk/contact_form.html", {"form": form, "object": Contact()})
    form = ContactForm(request.POST, user=request.user, show_confirm=True)
    candidates = []
    if form.is_valid():
        data = form.cleaned_data
        candidates = services.contact_find_duplicates(data["name"], data["email"], data["organisation"])
        if not candidates or data["confirm_duplicate"]:
            contact = form.save()
            services.contact_touch([contact.pk])
            messages.success(request, _("The contact was saved."))
            return redirect("natverk:contact_detail", pk=contact.pk)
        messages.warning(request, _("There may already be a contact for this person. Check the list below."))
    form = ContactForm(request.POST, user=request.user, show_confirm=bool(candidates))
    form.is_valid()
    return render(request, "natverk/contact_form.html", {"form": form, "object": Contact(), "candidates": candidates})


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    contact = get_contact_for_user(request, pk, write=True)
    if contact.is_anonymised:
        messages.error(request, _("An anonymised contact cannot be changed."))
        return redirect("natverk:contact_detail", pk=pk)
    form = ContactForm(request.POST or None, instance=contact, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_or_refuse(
            request,
            form,
            form.save,
            lambda: ContactForm(instance=Contact.objects.get(pk=pk), user=request.user),
            _("this contact"),
        )
        if saved:
            messages.success(request, _("The contact was saved."))
            return redirect("natverk:contact_detail", pk=pk)
        contact = Contact.objects.get(pk=pk)
        if contact.is_anonymised:
            messages.error(request, _("An anonymised contact cannot be changed."))
            return redirect("natverk:contact_detail", pk=pk)
    return render(request, "natverk/contact_form.html", {"form": form, "object": contact, "conflict": conflict})


# --- Personal data (GDPR): the strategist only -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact_extract(request, pk):
    """GET: the register extract as a JSON download. POST: the same as Excel via My exports."""
    _strategist_only(request)
    contact = get_contact_for_user(request, pk)
    if request.method == "POST":
        title = _("Register extract: %(name)s") % {"name": contact.name}
        export_start(request.user, "natverk.extract", title, {"contact_id": contact.pk})
        messages.success(request, _("The register extract is being made. You will find it under My exports."))
        return redirect("exports")
    data = services.contact_extract_for_person(contact)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="registerutdrag-kontakt-{contact.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def contact_anonymise(request, pk):
    _strategist_only(request)
    contact = get_contact_for_user(request, pk)
    if contact.is_anonymised:
        messages.info(request, _("The contact is already anonymised."))
        return redirect("natverk:contact_detail", pk=pk)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        log = services.contact_anonymise(contact, request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The contact was anonymised. The meeting history is kept."))
        if log.removed_exports:
            titles = "; ".join(
                _("“%(title)s”, asked for by %(user)s")
                % {"title": job.title, "user": job.user.get_full_name() or job.user.username}
                for job in log.removed_exports
            )
            messages.info(
                request,
                _("Export files that held the person were deleted (%(count)s): %(titles)s.")
                % {"count": len(log.removed_exports), "titles": titles},
            )
        return redirect("natverk:contact_detail", pk=pk)
    return render(request, "natverk/contact_anonymise.html", {"contact": contact, "form": form})


@login_required
@require_GET
def retention_review(request):
    _strategist_only(request)
    contacts = (
        Contact.objects.visible_to(request.user)
        .due_for_retention_review()
        .select_related("organisation", "municipality")
        .order_by("latest_activity", "pk")
    )
    # Oldest activity first, 50 to a page: years of a register can leave hundreds to look at.
    page = Paginator(contacts, 50).get_page(request.GET.get("sida"))
    log = AnonymisationLog.objects.select_related("performed_by")[:20]
    return render(request, "natverk/retention_review.html", {"page": page, "contacts": page, "log": log})


# --- Networks and memberships ----------------------------------------------------------------


@login_required
@require_GET
def network_list(request):
    networks = Network.objects.visible_to(request.user).select_related("convenor")
    form = NetworkFilterForm(request.GET or None)
    # An unknown municipality (a stale or edited link) is no filter, not an error; the search text still applies.
    query = clean_query(request.GET.get("q"))
    form.is_valid()  # each valid field filters, an invalid one (a stale municipality) is left out
    data = getattr(form, "cleaned_data", {})
    municipality, kind, status = data.get("municipality"), data.get("kind", ""), data.get("status", "")
    if query:
        networks = word_filter(networks, query, ["name", "purpose"])
    if municipality:
        # The networks where the municipality has a current representative (the municipality page's "Visa alla").
        represented = Membership.objects.current().filter(municipality=municipality).values("network_id")
        networks = networks.filter(pk__in=represented)
    if kind:
        networks = networks.filter(kind=kind)
    if status:
        networks = networks.filter(is_active=status == "active")
    # Members counted for the networks on the page only (a correlated count after the sort and LIMIT).
    networks = with_member_count(networks).order_by("name", "pk")
    page = Paginator(networks, NETWORKS_PER_PAGE).get_page(request.GET.get("sida"))
    params = request.GET.copy()
    params.pop("sida", None)
    context = {
        "page": page,
        "rows": [(network, network.member_count) for network in page],
        "form": form,
        "q": query,
        "query": params.urlencode(),
        "municipality": municipality,
        "filtered": bool(query or municipality or kind or status),
        "is_admin": is_register_admin(request.user),
    }
    return render(request, "natverk/network_list.html", context)


NETWORKS_PER_PAGE = 25


def with_member_count(networks, day=None):
    """``networks`` annotated with ``member_count``: their current memberships, counted in SQL per network."""
    current = Membership.objects.current(day).filter(network=OuterRef("pk")).order_by().values("network")
    return networks.annotate(member_count=Coalesce(Subquery(current.annotate(n=Count("network")).values("n")), 0))


@login_required
@require_GET
def network_detail(request, pk):
    network = get_network_for_user(request, pk)
    memberships = network.memberships.select_related("contact__organisation", "municipality")
    current = memberships.current()
    context = {
        "network": network,
        "current": current.order_by("municipality__name", "contact__name"),
        "upcoming_members": memberships.upcoming().order_by("valid_from", "contact__name"),
        "history": memberships.past().order_by("-valid_to", "contact__name"),
        "meetings": network.meetings.annotate(decision_count=Count("decisions"))[:20],
        "is_admin": is_register_admin(request.user),
        "missing": services.network_municipalities_without_representative(network)
        if request.GET.get("saknas")
        else None,
    }
    return render(request, "natverk/network_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def network_create(request):
    _strategist_only(request)
    return _network_form(request, Network())


@login_required
@require_http_methods(["GET", "POST"])
def network_edit(request, pk):
    return _network_form(request, get_network_for_user(request, pk, write=True))


def _network_form(request, network):
    form = NetworkForm(request.POST or None, instance=network)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_or_refuse(
            request,
            form,
            form.save,
            lambda: NetworkForm(instance=Network.objects.get(pk=network.pk)),
            _("this network or group"),
        )
        if saved:
            messages.success(request, _("The network was saved."))
            return redirect("natverk:network_detail", pk=saved.pk)
    if network.pk:
        heading = _("Edit %(name)s") % {"name": network.name}
        back_url = reverse("natverk:network_detail", args=[network.pk])
    else:
        heading, back_url = _("New network or group"), reverse("natverk:network_list")
    context = {"form": form, "heading": heading, "back_url": back_url, "conflict": conflict}
    return render(request, "natverk/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def membership_add(request, pk):
    network = get_network_for_user(request, pk, write=True)
    form = MembershipForm(request.POST or None, initial={"contact": request.GET.get("kontakt")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.membership_add(network, data["contact"], data["role"], data["municipality"], data["valid_from"])
        messages.success(request, _("%(name)s was added to the network.") % {"name": data["contact"].name})
        return redirect("natverk:network_detail", pk=pk)
    context = {
        "form": form,
        "heading": _("Add a member to %(name)s") % {"name": network.name},
        "back_url": reverse("natverk:network_detail", args=[pk]),
    }
    return render(request, "natverk/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def membership_end(request, pk):
    membership = get_membership_for_user(request, pk, write=True)
    form = MembershipEndForm(request.POST or None, membership=membership)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_or_refuse(
            request,
            form,
            lambda: services.membership_end(membership, form.cleaned_data["valid_to"]),
            lambda: MembershipEndForm(membership=Membership.objects.get(pk=membership.pk)),
            _("this membership"),
        )
        if saved:
            messages.success(request, _("The membership was ended. It stays in the history."))
            return redirect("natverk:network_detail", pk=membership.network_id)
    context = {
        "conflict": conflict,
        "form": form,
        "heading": _("End the membership of %(name)s in %(network)s")
        % {"name": membership.contact.name, "network": membership.network.name},
        "back_url": reverse("natverk:network_detail", args=[membership.network_id]),
    }
    return render(request, "natverk/form.html", context)


@login_required
@require_POST
def network_export(request, pk):
    network = get_network_for_user(request, pk)
    title = _("Members of %(network)s") % {"network": network.name}
    export_start(request.user, "natverk.members", title, {"network_id": network.pk})
    messages.success(request, _("The list of members is being made. You will find it under My exports."))
    return redirect("exports")


# --- Meetings --------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request, pk)
    attendances = meeting.attendances.select_related("contact__organisation").order_by("status", "contact__name")
    context = {
        "meeting": meeting,
        "attendances": attendances,
        "decision_rows": _decision_rows(meeting.decisions.all()),
        "is_admin": is_register_admin(request.user),
    }
    return render(request, "natverk/meeting_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    network = get_network_for_user(request, pk, write=True)
    return _meeting_form(request, network, Meeting(network=network, created_by=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_meeting_for_user(request, pk, write=True)
    return _meeting_form(request, meeting.network, meeting)


def _meeting_form(request, network, meeting):
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, instance=meeting, network=network)
    listed_ids = [contact.pk for contact in form.listed_contacts]
    others = OtherAttendeeFormSet(data, prefix="others", form_kwargs={"listed_ids": listed_ids})
    decisions = DecisionFormSet(data, instance=meeting, prefix="decisions")
    conflict = None
    if data is not None:
        # Validate all three, so every error is shown at once.
        valid = [form.is_valid(), others.is_valid(), decisions.is_valid()]
        if all(valid):
            saved, conflict = _save_or_refuse(
                request,
                form,
                lambda: services.meeting_save(form, {**form.attendance_statuses(), **others.statuses()}, decisions),
                lambda: MeetingForm(instance=Meeting.objects.get(pk=meeting.pk), network=network),
                _("this meeting"),
            )
            if saved:
                messages.success(request, _("The meeting was saved."))
                if "save_and_add" in data:
                    return redirect(reverse("natverk:meeting_edit", args=[saved.pk]) + "#decisions")
                return redirect("natverk:meeting_detail", pk=saved.pk)
        if not valid[1]:
            form.add_error(None, _("Check the other attendees: choose a person from the list."))
    context = {
        "form": form,
        "others": others,
        "formset": decisions,
        "network": network,
        "meeting": meeting,
        "conflict": conflict,
    }
    return render(request, "natverk/meeting_form.html", context)


# --- Municipalities --------------------------------------------------------------------------


@login_required
@require_GET
def municipality_list(request):
    today = timezone.localdate()
    # Each municipality's current contacts counted from contact_municipality_now_idx (a correlated count), where
    # a join with GROUP BY read every contact of the register.
    current = Contact.objects.filter(municipality=OuterRef("pk"), is_active=True, anonymised_at__isnull=True)
    counted = current.order_by().values("municipality").annotate(n=Count("municipality")).values("n")
    municipalities = Municipality.objects.annotate(contact_count=Coalesce(Subquery(counted), 0))
    return render(request, "natverk/municipality_list.html", {"municipalities": municipalities, "today": today})


@login_required
@require_GET
def municipality_detail(request, code):
    """One municipality and its neighbours in every part of the portal, each as the viewer may see it."""
    municipality = get_object_or_404(Municipality, code=code)
    context = {"municipality": municipality, "today": timezone.localdate(), "shown": MUNICIPALITY_SHOWN}
    for name, found in _municipality_neighbours(request.user, municipality).items():
        if name == "representation":
            context["representation"], context["representation_total"] = _representation_by_network(found)
            continue
        if name == "insatser":
            context["insatser_total"], context["insatser"] = _first_insatser(request.user, municipality, found)
            continue
        if name in ("contacts", "organisations", "action_points"):
            # A large municipality has thousands: the page shows the first ones and links to the full list.
            context[f"{name}_total"] = found.count()
            found = found[:MUNICIPALITY_SHOWN]
        context[name] = found
    return render(request, "natverk/municipality_detail.html", context)


# How many contacts, insatser, networks and open action points the municipality page lists before "Visa alla N".
MUNICIPALITY_SHOWN = 25
# Representatives named per network on the municipality page; the network's page lists them all.
REPRESENTATIVES_SHOWN = 5


def _first_insatser(user, municipality, insatser):
    """``(how many, the first MUNICIPALITY_SHOWN)`` of the municipality's insatser on the page, chosen once per state
    of the catalogue (``insatsbasen.counts.per_state``: the key changes with every change that could add, remove or
    move one, and holds the user's scope and the day), where every view read thousands of the municipality's insatser
    to count them and to find the first in review order. The rows themselves are read fresh by their ids."""
    from insatsbasen.counts import catalogue_state, per_state

    state = catalogue_state()
    total = per_state("municipality-insatser", insatser.order_by(), lambda: _insats_total(user, municipality), state)
    first = insatser.values("pk")[:MUNICIPALITY_SHOWN]
    ids = per_state("municipality-first-insatser", first, lambda: [row["pk"] for row in first], state)
    shown = ("pk", "name", "status", "last_verified_at", "created_at", "review_due_on")  # what the table shows
    rows = insatser.model.objects.only(*shown).in_bulk(ids)
    return total, [rows[pk] for pk in ids if pk in rows]


def _insats_total(user, municipality):
    """How many of the insatser on the page's list there are (``for_municipality``, active, visible to the user),
    counted as owned + run together with it but owned by another: two counts an index answers, where one count over
    "owned OR shared" reads every insats."""
    from insatsbasen.models import Insats

    active = Insats.objects.visible_to(user).active()
    owned = active.filter(owner_municipality=municipality).count()
    shared = active.filter(participating_municipalities=municipality).exclude(owner_municipality=municipality).count()
    return owned + shared


def _representation_by_network(memberships):
    """The municipality's current representation, one entry per network: ``([{"network", "members", "more"}], the
    number of networks)``. At most MUNICIPALITY_SHOWN networks and REPRESENTATIVES_SHOWN names in each are read (a
    window function numbers the members per network), however many memberships a large municipality has."""
    per_network = memberships.values("network_id").annotate(n=Count("id")).order_by()
    counts = {row["network_id"]: row["n"] for row in per_network}
    networks = list(
        Network.objects.filter(pk__in=counts).order_by("name", "pk").only("pk", "name")[:MUNICIPALITY_SHOWN]
    )
    place = Window(RowNumber(), partition_by=F("network_id"), order_by=[F("contact__name").asc(), F("pk").asc()])
    first = (
        memberships.filter(network__in=networks)
        .annotate(place=place)
        .filter(place__lte=REPRESENTATIVES_SHOWN)
        .select_related(None)
        .select_related("contact")
        # Only what the line shows: a contact's notes and other details are not read for each representative.
        .only("id", "network_id", "contact_id", "role", "valid_from", "contact__id", "contact__name")
        .order_by("contact__name", "pk")
    )
    members = {}
    for membership in first:
        members.setdefault(membership.network_id, []).append(membership)
    entries = [
        {
            "network": network,
            "members": members.get(network.pk, []),
            "more": counts[network.pk] - len(members.get(network.pk, [])),
        }
        for network in networks
    ]
    return entries, len(counts)


def _municipality_neighbours(user, municipality):
    """Contacts, representatives, insatser, KIS reports and action points of a municipality, scoped to the user.

    insatsbasen, statistik and uppdrag are optional parts: each is asked only if installed."""
    from django.apps import apps

    contacts = (
        Contact.objects.visible_to(user)
        .filter(municipality=municipality, is_active=True, anonymised_at__isnull=True)
        .select_related("organisation")
        .order_by("name")
    )
    representation = (
        Membership.objects.current()
        .filter(municipality=municipality, network__in=Network.objects.visible_to(user))
        .select_related("network", "contact")
        .order_by("network__name", "contact__name")
    )
    found = {
        "contacts": contacts,
        "representation": representation,
        "organisations": Organisation.objects.visible_to(user).filter(municipality=municipality).order_by("name"),
    }
    if apps.is_installed("insatsbasen"):
        from insatsbasen.models import Insats

        found["insatser"] = (
            Insats.objects.visible_to(user)
            .for_municipality(municipality)
            .active()
            .select_related("category")
            .order_by("review_due_on", "name")
        )
    if apps.is_installed("statistik"):
        from statistik.models import Report

        found["reports"] = (
            Report.objects.visible_to(user)
            .filter(municipality=municipality)
            .select_related("period")
            .order_by("-period__year", "-period__half")[:10]
        )
    if apps.is_installed("uppdrag"):
        from uppdrag.models import ActionPoint

        found["action_points"] = (
            ActionPoint.objects.visible_to(user)
            .for_municipalities([municipality.pk])
            .open()
            .order_by(F("due_date").asc(nulls_last=True), "title")
        )
    return found


def _provided_insatser(user, organisation):
    """The insatser the organisation provides, as far as the user may see them (insatsbasen is optional)."""
    from django.apps import apps

    if not apps.is_installed("insatsbasen"):
        return None
    from insatsbasen.models import Insats

    return (
        Insats.objects.visible_to(user)
        .filter(provider=organisation)
        .exclude(status=Insats.Status.ARCHIVED)
        .select_related("owner_municipality")
        .order_by("name")
    )
