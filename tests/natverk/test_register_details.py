"""Register details: memberships and meetings by date, namesakes told apart, the same name elsewhere flagged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from natverk import services
from natverk.forms import MembershipForm
from natverk.models import Contact, Meeting, Membership, Network, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def sfi_network(municipalities):
    return Network.objects.create(name="Södertörns SFI-nätverk")


def test_a_later_membership_is_coming_and_not_yet_representation(sfi_network, municipalities, today, client_as):
    huddinge = municipalities["Huddinge"]
    anna = Contact.objects.create(name="Anna Lindqvist", municipality=huddinge)
    ended = Contact.objects.create(name="Per Gammal", municipality=huddinge)
    Membership.objects.create(
        network=sfi_network, contact=anna, municipality=huddinge, valid_from=today + datetime.timedelta(days=46)
    )
    Membership.objects.create(
        network=sfi_network,
        contact=ended,
        municipality=huddinge,
        valid_from=today - datetime.timedelta(days=400),
        valid_to=today - datetime.timedelta(days=1),
    )
    memberships = sfi_network.memberships.all()
    assert [m.contact for m in memberships.upcoming()] == [anna]
    assert [m.contact for m in memberships.past()] == [ended]
    assert not memberships.current().exists()
    assert huddinge in services.network_municipalities_without_representative(sfi_network)
    # Once it has started, it counts.
    later = today + datetime.timedelta(days=46)
    assert huddinge not in services.network_municipalities_without_representative(sfi_network, later)

    response = client_as("strateg").get(reverse("natverk:network_detail", args=[sfi_network.pk]))
    assert [m.contact for m in response.context["upcoming_members"]] == [anna]
    assert [m.contact for m in response.context["history"]] == [ended]
    assert "Kommande medlemmar" in response.content.decode()


def test_a_membership_ending_today_is_still_current(sfi_network, municipalities, today):
    contact = Contact.objects.create(name="Sista Dagen")
    Membership.objects.create(
        network=sfi_network, contact=contact, valid_from=today - datetime.timedelta(days=10), valid_to=today
    )
    assert sfi_network.memberships.current().count() == 1
    assert not sfi_network.memberships.past().exists() and not sfi_network.memberships.upcoming().exists()


def test_a_meeting_held_today_is_held_not_coming(sfi_network, today, client_as):
    held_today = Meeting.objects.create(network=sfi_network, date=today)
    tomorrow = Meeting.objects.create(network=sfi_network, date=today + datetime.timedelta(days=1))
    response = client_as("strateg").get(reverse("natverk:index"))
    assert list(response.context["upcoming"]) == [tomorrow]
    assert held_today in list(response.context["recent"])
    body = response.content.decode()
    assert "Hölls i dag" in body


def test_namesakes_are_told_apart_in_the_membership_dropdown(municipalities):
    huddinge, botkyrka = municipalities["Huddinge"], municipalities["Botkyrka"]
    sfi = Organisation.objects.create(name="SFI Huddinge", municipality=huddinge)
    af = Organisation.objects.create(name="Arbetsförmedlingen Botkyrka", municipality=botkyrka)
    first = Contact.objects.create(name="Anna Lindqvist", organisation=sfi, municipality=huddinge, email="a@h.se")
    second = Contact.objects.create(name="Anna Lindqvist", organisation=af, municipality=botkyrka)
    labels = {value.value: label for value, label in MembershipForm().fields["contact"].choices if value}
    assert labels[first.pk] == "Anna Lindqvist – SFI Huddinge, Huddinge, a@h.se"
    assert labels[second.pk] == "Anna Lindqvist – Arbetsförmedlingen Botkyrka, Botkyrka"


def test_the_same_name_at_another_organisation_is_flagged_as_perhaps_the_same_person(municipalities):
    huddinge = municipalities["Huddinge"]
    sfi = Organisation.objects.create(name="SFI Huddinge", municipality=huddinge)
    af = Organisation.objects.create(name="Arbetsförmedlingen", municipality=huddinge)
    earlier = Contact.objects.create(name="Åsa Berg-Lind", organisation=af)
    Contact.objects.create(name="Åsa Bergström", organisation=af)  # another person
    found = services.contact_find_duplicates("asa berg lind", organisation=sfi)
    assert [(contact, str(reason)) for contact, reason in found] == [
        (earlier, "Samma namn på en annan organisation: kanske samma person")
    ]
    # At the same organisation it is the similar-name warning, once.
    same_org = services.contact_find_duplicates("Åsa Berg-Lind", organisation=af)
    assert [contact for contact, _reason in same_org] == [earlier]
    assert services.contact_find_duplicates("Karin Alm", organisation=sfi) == []


def test_anonymisation_clears_organisation_municipality_and_role_and_says_why(municipalities, client_as):
    from natverk.models import AnonymisationLog

    nykvarn = municipalities["Nykvarn"]
    sfi = Organisation.objects.create(name="SFI Nykvarn", municipality=nykvarn)
    principal = Contact.objects.create(name="Rektor Ensam", title="Rektor SFI", organisation=sfi, municipality=nykvarn)
    network = Network.objects.create(name="Rektorsnätverket")
    membership = Membership.objects.create(
        network=network,
        contact=principal,
        municipality=nykvarn,
        role="Representant för SFI",
        valid_from=timezone.localdate() - datetime.timedelta(days=300),
    )
    response = client_as("strateg").post(
        reverse("natverk:contact_anonymise", args=[principal.pk]), {"reason": "request", "confirm": "on"}
    )
    assert response.status_code == 302
    principal.refresh_from_db()
    membership.refresh_from_db()
    assert (principal.organisation, principal.municipality, principal.title) == (None, None, "")
    assert membership.role == ""
    assert membership.municipality == nykvarn  # the network's history of representation stays
    log = AnonymisationLog.objects.get()
    assert "organisation" in log.generalised and "kommun" in log.generalised and "roll" in log.generalised
    assert "Nykvarn" not in log.generalised and "Rektor" not in log.generalised  # why, never the values
