"""Pages of the register that stay the same size however large it grows: the network list and the organisation list
a page at a time with their totals, the start page a bounded selection of networks, member counts made in SQL."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from natverk import views
from natverk.models import Attendance, Contact, Meeting, Network, Organisation

from . import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _names(response):
    return [network.name for network, _count in response.context["rows"]]


def test_member_counts_count_current_memberships_only(municipalities, client_as):
    today = timezone.localdate()
    botkyrka = municipalities["Botkyrka"]
    network = factories.network("Nätverk A")
    empty = factories.network("Nätverk B")
    people = [factories.contact(f"Person {n}") for n in range(6)]
    factories.member(network, people[0], botkyrka, valid_from=today - 400 * DAY)  # current
    factories.member(network, people[1], botkyrka, valid_from=today, valid_to=today)  # current, today only
    Network.objects.get(pk=network.pk).memberships.create(contact=people[2])  # current, no dates at all
    factories.member(network, people[3], botkyrka, valid_from=today - 400 * DAY, valid_to=today - DAY)  # ended
    factories.member(network, people[4], botkyrka, valid_from=today + DAY)  # not yet begun
    factories.member(empty, people[5], botkyrka, valid_from=today - 10 * DAY, valid_to=today - 5 * DAY)

    counted = {n.name: n.member_count for n in views.with_member_count(Network.objects.all())}
    assert counted == {"Nätverk A": 3, "Nätverk B": 0}
    response = client_as("lasare").get(reverse("natverk:network_list"))
    assert {n.name: count for n, count in response.context["rows"]} == counted
    start = client_as("lasare").get(reverse("natverk:index"))
    assert {n.name: count for n, count in start.context["rows"]} == counted


def test_the_network_list_is_paged_with_its_total_and_keeps_the_filters(client_as):
    for number in range(1, 31):
        kind = Network.Kind.NETWORK if number % 3 else Network.Kind.WORKING_GROUP
        factories.network(f"Nätverk {number:02}", kind=kind)
    Network.objects.filter(name__in=["Nätverk 01", "Nätverk 02"]).update(is_active=False)
    client = client_as("lasare")

    first = client.get(reverse("natverk:network_list"))
    assert _names(first) == [f"Nätverk {n:02}" for n in range(1, 26)]
    body = first.content.decode()
    assert "30 nätverk och grupper, 1–25 visas" in body and "Sida 1 av 2" in body
    second = client.get(reverse("natverk:network_list"), {"sida": 2})
    assert _names(second) == [f"Nätverk {n:02}" for n in range(26, 31)]

    working = client.get(reverse("natverk:network_list"), {"kind": Network.Kind.WORKING_GROUP})
    assert _names(working) == [f"Nätverk {n:02}" for n in range(3, 31, 3)]
    assert "10 nätverk och grupper" in working.content.decode()
    inactive = client.get(reverse("natverk:network_list"), {"status": "inactive"})
    assert _names(inactive) == ["Nätverk 01", "Nätverk 02"]
    active = client.get(reverse("natverk:network_list"), {"status": "active", "sida": 2})
    assert _names(active) == ["Nätverk 28", "Nätverk 29", "Nätverk 30"]
    assert "status=active&amp;sida=1" in active.content.decode()  # the pages keep the filter
    # A stale municipality in a link is no filter; the other fields still are.
    stale = client.get(reverse("natverk:network_list"), {"municipality": "99999", "status": "inactive"})
    assert stale.status_code == 200 and _names(stale) == ["Nätverk 01", "Nätverk 02"]
    none = client.get(reverse("natverk:network_list"), {"q": "finns inte"})
    assert _names(none) == [] and "Inget nätverk eller ingen grupp matchar sökningen." in none.content.decode()


def test_the_start_page_shows_the_networks_meeting_next_and_links_to_all(client_as):
    today = timezone.localdate()
    networks = [factories.network(f"Nätverk {n:02}") for n in range(1, 13)]
    Network.objects.filter(pk=factories.network("Avslutat nätverk").pk).update(is_active=False)
    Meeting.objects.create(network=networks[11], date=today + 3 * DAY)
    Meeting.objects.create(network=networks[11], date=today + 30 * DAY)
    Meeting.objects.create(network=networks[5], date=today + 10 * DAY)
    Meeting.objects.create(network=networks[0], date=today)  # held today: not a coming meeting
    Meeting.objects.create(network=networks[1], date=today - 5 * DAY)

    response = client_as("strateg").get(reverse("natverk:index"))
    assert _names(response) == ["Nätverk 12", "Nätverk 06"] + [f"Nätverk {n:02}" for n in (1, 2, 3, 4, 5, 7, 8, 9)]
    assert [n.next_meeting for n, _c in response.context["rows"][:3]] == [today + 3 * DAY, today + 10 * DAY, None]
    body = response.content.decode()
    assert "10 av 12 visas." in body and "Alla 12 aktiva nätverk och grupper" in body
    assert f"{reverse('natverk:network_list')}?status=active" in body


def test_the_start_page_shows_a_municipal_user_their_municipalitys_networks(municipalities, client_as):
    today = timezone.localdate()
    botkyrka, huddinge = municipalities["Botkyrka"], municipalities["Huddinge"]
    ours = factories.network("Botkyrkas nätverk")
    theirs = factories.network("Huddinges nätverk")
    ended = factories.network("Nätverk där Botkyrka slutat")
    closed = factories.network("Nedlagt nätverk")
    Network.objects.filter(pk=closed.pk).update(is_active=False)
    anna, bo, cia, dan = (factories.contact(name) for name in ("Anna", "Bo", "Cia", "Dan"))
    factories.member(ours, anna, botkyrka, valid_from=today - 100 * DAY)
    factories.member(ours, bo, huddinge, valid_from=today - 100 * DAY)
    factories.member(theirs, cia, huddinge, valid_from=today - 100 * DAY)
    factories.member(ended, dan, botkyrka, valid_from=today - 100 * DAY, valid_to=today - DAY)
    factories.member(closed, dan, botkyrka, valid_from=today - 100 * DAY)

    response = client_as("introchef-botkyrka").get(reverse("natverk:index"))
    assert [(n.name, count) for n, count in response.context["rows"]] == [("Botkyrkas nätverk", 2)]
    body = response.content.decode()
    assert "Din kommuns nätverk och grupper" in body
    assert f"?municipality={botkyrka.pk}&amp;status=active" in body
    listed = client_as("introchef-botkyrka").get(reverse("natverk:network_list"), {"municipality": botkyrka.pk})
    assert _names(listed) == ["Botkyrkas nätverk", "Nedlagt nätverk"]
    # A reader without a municipality sees every active network.
    assert _names(client_as("lasare").get(reverse("natverk:index"))) == [
        "Botkyrkas nätverk",
        "Huddinges nätverk",
        "Nätverk där Botkyrka slutat",
    ]


def test_the_organisation_list_is_paged_with_its_total_and_keeps_the_search(client_as):
    for number in range(1, 28):
        Organisation.objects.create(name=f"Skola {number:02}")
    Organisation.objects.create(name="Biblioteket")
    client = client_as("lasare")
    first = client.get(reverse("natverk:organisation_list"))
    assert len(first.context["page"].object_list) == 25
    assert "28 organisationer, 1–25 visas" in first.content.decode()
    searched = client.get(reverse("natverk:organisation_list"), {"q": "skola"})
    assert "27 organisationer" in searched.content.decode() and "q=skola&amp;sida=2" in searched.content.decode()
    last = client.get(reverse("natverk:organisation_list"), {"q": "skola", "sida": 2})
    assert [o.name for o in last.context["page"].object_list] == ["Skola 26", "Skola 27"]


def test_the_retention_review_reads_each_date_of_a_contact(register):
    """A contact is due only when its change, its recorded activity and its latest meeting are all two years old."""
    yusuf, mona, rolf = register["yusuf"], register["mona"], register["rolf"]
    now = timezone.now()
    long_ago = now - datetime.timedelta(days=800)
    Contact.objects.filter(pk=yusuf.pk).update(updated_at=long_ago, last_activity_at=long_ago)  # due
    Contact.objects.filter(pk=mona.pk).update(updated_at=long_ago, last_activity_at=now - 30 * DAY)  # active lately
    Contact.objects.filter(pk=rolf.pk).update(updated_at=now - 30 * DAY, last_activity_at=long_ago)  # changed lately
    due = set(Contact.objects.due_for_retention_review())
    assert yusuf in due and mona not in due and rolf not in due
    met = Meeting.objects.create(network=register["network"], date=timezone.localdate() - 30 * DAY)
    Attendance.objects.create(meeting=met, contact=yusuf)
    assert yusuf not in set(Contact.objects.due_for_retention_review())
    with time_machine.travel(now + datetime.timedelta(days=800), tick=False):
        assert {yusuf, mona, rolf} <= set(Contact.objects.due_for_retention_review())


def test_the_organisation_list_filters_by_municipality_and_the_municipality_page_links_to_it(municipalities, client_as):
    huddinge, botkyrka = municipalities["Huddinge"], municipalities["Botkyrka"]
    for number in range(views.MUNICIPALITY_SHOWN + 2):
        Organisation.objects.create(name=f"Huddinge enhet {number:02}", municipality=huddinge)
    Organisation.objects.create(name="Botkyrka enhet", municipality=botkyrka)
    client = client_as("lasare")

    page = client.get(reverse("natverk:municipality_detail", args=[huddinge.code]))
    assert [o.name for o in page.context["organisations"]] == [
        f"Huddinge enhet {n:02}" for n in range(views.MUNICIPALITY_SHOWN)
    ]
    assert page.context["organisations_total"] == views.MUNICIPALITY_SHOWN + 2
    link = f"{reverse('natverk:organisation_list')}?municipality={huddinge.pk}"
    assert f'href="{link}">Visa alla {views.MUNICIPALITY_SHOWN + 2} organisationer i listan' in page.content.decode()

    listed = client.get(reverse("natverk:organisation_list"), {"municipality": huddinge.pk})
    assert listed.context["page"].paginator.count == views.MUNICIPALITY_SHOWN + 2
    assert "Botkyrka enhet" not in listed.content.decode()
    both = client.get(reverse("natverk:organisation_list"), {"municipality": botkyrka.pk, "q": "enhet"})
    assert [o.name for o in both.context["page"].object_list] == ["Botkyrka enhet"]
    stale = client.get(reverse("natverk:organisation_list"), {"municipality": "99999", "q": "Botkyrka"})
    assert stale.status_code == 200 and [o.name for o in stale.context["page"].object_list] == ["Botkyrka enhet"]
