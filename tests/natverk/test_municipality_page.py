"""The municipality page and the links between the parts: every object links to its neighbours, both ways."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from insatsbasen.models import Insats
from natverk.models import Contact, Decision, Meeting, Membership, Network, Organisation
from tests.insatsbasen.conftest import make_insats  # noqa: F401  (fixture)
from uppdrag.models import ActionPoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def huddinge_world(make_insats, municipalities):  # noqa: F811
    huddinge, botkyrka = municipalities["Huddinge"], municipalities["Botkyrka"]
    today = timezone.localdate()
    organisation = Organisation.objects.create(name="Studieförbundet Mångfald", municipality=huddinge)
    contact = Contact.objects.create(name="Karin Holm", organisation=organisation, municipality=huddinge)
    Contact.objects.create(name="Bo Botkyrka", municipality=botkyrka)
    network = Network.objects.create(name="Södertörns SFI-nätverk")
    Membership.objects.create(
        network=network, contact=contact, municipality=huddinge, valid_from=today - datetime.timedelta(days=30)
    )
    fresh = make_insats("Samhällsorientering i Flemingsberg", provider=organisation, verified_days_ago=10)
    archived = make_insats("Gammal kurs", status=Insats.Status.ARCHIVED, provider=organisation)
    Insats.objects.filter(pk=fresh.pk).update(review_due_on=today - datetime.timedelta(days=3))
    shared = ActionPoint.objects.create(title="Följ upp SFI i Huddinge", due_date=today + datetime.timedelta(days=9))
    shared.municipalities.set([huddinge])
    meeting = Meeting.objects.create(network=network, date=today - datetime.timedelta(days=7))
    decision = Decision.objects.create(meeting=meeting, text="Strategen följer upp SFI i Huddinge.")
    shared.networks.set([network])
    shared.organisations.set([organisation])
    ActionPoint.objects.filter(pk=shared.pk).update(source_decision=decision)
    return locals()


def test_the_municipality_page_shows_its_neighbours_as_the_viewer_may_see_them(huddinge_world, client_as):
    world = huddinge_world
    url = reverse("natverk:municipality_detail", args=["0126"])
    body = client_as("admin-huddinge").get(url).content.decode()
    assert "<h1" in body and "Huddinge" in body
    assert reverse("natverk:contact_detail", args=[world["contact"].pk]) in body
    assert "Bo Botkyrka" not in body
    assert reverse("natverk:network_detail", args=[world["network"].pk]) in body  # representation
    assert reverse("insatsbasen:detail", args=[world["fresh"].pk]) in body
    assert "Förfallen" in body or "Försenad" in body or "Overdue" in body  # freshness shown
    assert reverse("uppdrag:actionpoint_detail", args=[world["shared"].pk]) in body
    # The reader has no municipality: Huddinge's action point is not theirs, nor are its KIS reports.
    reader = client_as("lasare").get(url)
    assert reverse("uppdrag:actionpoint_detail", args=[world["shared"].pk]) not in reader.content.decode()
    assert list(reader.context["reports"]) == []
    # Archived insatser: only for Huddinge's administrators.
    assert world["archived"].pk not in [insats.pk for insats in reader.context["insatser"]]


def test_an_unknown_municipality_is_404_and_anonymous_visitors_log_in(client_as, anonymous_client, municipalities):
    assert client_as("lasare").get(reverse("natverk:municipality_detail", args=["9999"])).status_code == 404
    response = anonymous_client.get(reverse("natverk:municipality_detail", args=["0126"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_municipality_list_links_every_municipality(client_as, municipalities):
    body = client_as("lasare").get(reverse("natverk:municipality_list")).content.decode()
    for municipality in municipalities.values():
        assert reverse("natverk:municipality_detail", args=[municipality.code]) in body


def test_an_organisation_lists_the_insatser_it_provides_and_an_insats_links_its_provider(huddinge_world, client_as):
    world = huddinge_world
    client = client_as("lasare")
    organisation_page = client.get(reverse("natverk:organisation_detail", args=[world["organisation"].pk]))
    body = organisation_page.content.decode()
    assert reverse("insatsbasen:detail", args=[world["fresh"].pk]) in body
    assert reverse("insatsbasen:detail", args=[world["archived"].pk]) not in body
    assert reverse("natverk:municipality_detail", args=["0126"]) in body
    insats_page = client.get(reverse("insatsbasen:detail", args=[world["fresh"].pk])).content.decode()
    assert reverse("natverk:organisation_detail", args=[world["organisation"].pk]) in insats_page
    assert reverse("natverk:municipality_detail", args=["0126"]) in insats_page


def test_an_action_point_links_its_network_decision_organisations_and_municipalities(huddinge_world, client_as):
    world = huddinge_world
    body = client_as("strateg").get(reverse("uppdrag:actionpoint_detail", args=[world["shared"].pk])).content.decode()
    assert reverse("natverk:network_detail", args=[world["network"].pk]) in body
    assert reverse("natverk:meeting_detail", args=[world["meeting"].pk]) + f"#decision-{world['decision'].pk}" in body
    assert reverse("natverk:organisation_detail", args=[world["organisation"].pk]) in body
    assert reverse("natverk:municipality_detail", args=["0126"]) in body


def test_the_contact_page_links_its_municipality(huddinge_world, client_as):
    body = client_as("lasare").get(reverse("natverk:contact_detail", args=[huddinge_world["contact"].pk]))
    assert reverse("natverk:municipality_detail", args=["0126"]) in body.content.decode()


def test_a_large_municipality_lists_the_first_ones_and_links_to_the_full_lists(make_insats, client_as, municipalities):  # noqa: F811
    from natverk.views import MUNICIPALITY_SHOWN

    huddinge = municipalities["Huddinge"]
    for number in range(MUNICIPALITY_SHOWN + 2):
        make_insats(f"Kurs {number:02}", languages=["sv"])
        Contact.objects.create(name=f"Person {number:02}", municipality=huddinge)
    response = client_as("strateg").get(reverse("natverk:municipality_detail", args=["0126"]))
    assert len(response.context["insatser"]) == MUNICIPALITY_SHOWN == len(response.context["contacts"])
    assert response.context["insatser_total"] == MUNICIPALITY_SHOWN + 2
    body = response.content.decode()
    assert f"Visa alla {MUNICIPALITY_SHOWN + 2} insatser i listan" in body
    assert f"Visa alla {MUNICIPALITY_SHOWN + 2} kontakter i listan" in body
    listed = client_as("strateg").get(reverse("insatsbasen:index"), {"municipality": huddinge.pk})
    assert listed.context["page"].paginator.count == MUNICIPALITY_SHOWN + 2


def test_representation_is_one_line_per_network_with_the_first_names_and_a_link_to_every_network(
    client_as, municipalities
):
    from natverk.views import MUNICIPALITY_SHOWN, REPRESENTATIVES_SHOWN

    huddinge, botkyrka = municipalities["Huddinge"], municipalities["Botkyrka"]
    today = timezone.localdate()
    networks = [Network.objects.create(name=f"Nätverk {number:02}") for number in range(MUNICIPALITY_SHOWN + 3)]
    for number in range(REPRESENTATIVES_SHOWN + 2):  # seven representatives of Huddinge in the first network
        contact = Contact.objects.create(name=f"Person {number:02}", municipality=huddinge)
        Membership.objects.create(network=networks[0], contact=contact, municipality=huddinge)
    lone = Contact.objects.create(name="Ensam Representant", municipality=huddinge)
    for network in networks[1:]:
        Membership.objects.create(network=network, contact=lone, municipality=huddinge)
    # Not Huddinge's representation: an ended membership, one not yet begun, one for Botkyrka.
    ended = Network.objects.create(name="Avslutat nätverk")
    Membership.objects.create(
        network=ended, contact=lone, municipality=huddinge, valid_to=today - datetime.timedelta(days=1)
    )
    Membership.objects.create(
        network=ended, contact=lone, municipality=huddinge, valid_from=today + datetime.timedelta(days=5)
    )
    Membership.objects.create(network=ended, contact=lone, municipality=botkyrka)

    client = client_as("lasare")
    response = client.get(reverse("natverk:municipality_detail", args=["0126"]))
    entries = response.context["representation"]
    assert [entry["network"].name for entry in entries] == [n.name for n in networks[:MUNICIPALITY_SHOWN]]
    first = entries[0]
    assert [m.contact.name for m in first["members"]] == [f"Person {n:02}" for n in range(REPRESENTATIVES_SHOWN)]
    assert first["more"] == 2 and all(entry["more"] == 0 for entry in entries[1:])
    assert response.context["representation_total"] == MUNICIPALITY_SHOWN + 3
    body = response.content.decode()
    assert "och 2 till" in body and "Avslutat nätverk" not in body
    link = f"{reverse('natverk:network_list')}?municipality={huddinge.pk}"
    assert f'href="{link}">Visa alla {MUNICIPALITY_SHOWN + 3} nätverk i listan' in body

    # The link: the networks where Huddinge is represented today, all of them, and nothing else.
    listed = client.get(reverse("natverk:network_list"), {"municipality": huddinge.pk})
    rest = client.get(reverse("natverk:network_list"), {"municipality": huddinge.pk, "sida": 2})
    assert listed.context["page"].paginator.count == len(networks)  # 28: 25 on the first page, 3 on the next
    assert [network.name for network, _count in listed.context["rows"] + rest.context["rows"]] == [
        n.name for n in networks
    ]
    assert "där Huddinge har en representant" in listed.content.decode()
    botkyrka_networks = client.get(reverse("natverk:network_list"), {"municipality": botkyrka.pk})
    assert [network.name for network, _count in botkyrka_networks.context["rows"]] == ["Avslutat nätverk"]
    # A stale or edited link filters nothing and is no error; the search text still applies.
    stale = client.get(reverse("natverk:network_list"), {"municipality": "99999", "q": "Nätverk 01"})
    assert stale.status_code == 200 and [n.name for n, _c in stale.context["rows"]] == ["Nätverk 01"]


def test_the_insats_count_has_each_owned_or_shared_insats_once(make_insats, client_as, municipalities):  # noqa: F811
    huddinge, botkyrka = municipalities["Huddinge"], municipalities["Botkyrka"]
    own = make_insats("Egen kurs")
    own.participating_municipalities.set([huddinge, botkyrka])  # owned and also listed as taking part: once
    shared = make_insats("Botkyrkas kurs tillsammans med Huddinge", municipality="Botkyrka")
    shared.participating_municipalities.set([huddinge])
    make_insats("Botkyrkas egen kurs", municipality="Botkyrka")
    make_insats("Arkiverad kurs", status=Insats.Status.ARCHIVED)
    response = client_as("lasare").get(reverse("natverk:municipality_detail", args=["0126"]))
    assert response.context["insatser_total"] == 2 == len(response.context["insatser"])


def test_the_municipality_pages_insatser_follow_every_change_at_once(make_insats, municipalities, client_as):  # noqa: F811
    """The first insatser and their total are kept per state of the catalogue: a new insats, a status change or a
    shared one shows on the very next view, never a figure of before."""
    huddinge, botkyrka = municipalities["Huddinge"], municipalities["Botkyrka"]
    url = reverse("natverk:municipality_detail", args=[huddinge.code])
    client = client_as("lasare")
    first = make_insats("Svenska i Flemingsberg")
    page = client.get(url)
    assert page.context["insatser_total"] == 1 and [i.name for i in page.context["insatser"]] == [first.name]

    second = make_insats("Föräldrastöd i Huddinge")
    shared = make_insats("Jobbspår Botkyrka", municipality="Botkyrka")
    shared.participating_municipalities.add(huddinge)
    shared.save()
    page = client.get(url)
    assert page.context["insatser_total"] == 3
    assert {i.name for i in page.context["insatser"]} == {first.name, second.name, shared.name}

    second.status = Insats.Status.ARCHIVED
    second.save()
    page = client.get(url)
    assert page.context["insatser_total"] == 2 and second.pk not in [i.pk for i in page.context["insatser"]]
    assert client.get(reverse("natverk:municipality_detail", args=[botkyrka.code])).context["insatser_total"] == 1
