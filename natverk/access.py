"""Access helpers of the network register: one per protected model, 404 if unseen, 403 if read-only.

Decision on personal data (documented here because every view relies on it):
- every logged-in user reads names, titles, organisations, municipalities, roles and the WORK e-mail
  and phone of contacts: they are work data, and colleagues need them to reach each other;
- notes on contacts and organisations are shown only to the strategist (and system administrators),
  because free text may hold judgements about people;
- the strategist changes everything; a municipal user (any municipal role) changes the contacts and
  organisations of their own municipality; networks, memberships and meetings are the strategist's;
- register extracts, anonymisation and the retention review are the strategist's only.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from intro_sodertorn import access

from .models import Contact, Meeting, Membership, Network, Organisation


def is_register_admin(user):
    """The strategist (or a system administrator): all writes, notes and personal-data tools."""
    return access.is_strategist(user) or access.is_system_admin(user)


def can_see_notes(user):
    return is_register_admin(user)


def can_create_contacts(user):
    return is_register_admin(user) or bool(access.any_municipality_ids(user))


def _get(request, queryset, pk, write):
    obj = get_object_or_404(queryset.visible_to(request.user), pk=pk)
    if write and not queryset.editable_by(request.user).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def get_organisation_for_user(request, pk, write=False):
    return _get(request, Organisation.objects.select_related("municipality"), pk, write)


def get_contact_for_user(request, pk, write=False):
    return _get(request, Contact.objects.select_related("organisation", "municipality"), pk, write)


def get_network_for_user(request, pk, write=False):
    return _get(request, Network.objects.select_related("convenor"), pk, write)


def get_meeting_for_user(request, pk, write=False):
    return _get(request, Meeting.objects.select_related("network"), pk, write)


def get_membership_for_user(request, pk, write=False):
    membership = get_object_or_404(Membership.objects.select_related("network", "contact"), pk=pk)
    get_network_for_user(request, membership.network_id, write=write)
    return membership
