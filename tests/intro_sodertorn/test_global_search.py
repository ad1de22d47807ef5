"""Global search (/sok/ and the header box): every part of the portal, as the user may see it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from insatsbasen.models import Insats
from intro_sodertorn.search import clean_query, global_search, word_stems
from natverk.models import Contact, Decision, Meeting, Network, Organisation
from statistik.models import CatalogueVersion, Form, Indicator
from tests.insatsbasen.conftest import make_insats  # noqa: F401  (fixture)
from uppdrag.models import ActionPoint

pytestmark = pytest.mark.django_db

SEARCH = reverse("search")


@pytest.fixture
def world(make_insats, municipalities):  # noqa: F811
    huddinge, botkyrka = municipalities["Huddinge"], municipalities["Botkyrka"]
    organisation = Organisation.objects.create(name="Studieförbundet Mångfald", municipality=botkyrka)
    network = Network.objects.create(name="Mångfaldsnätverket", purpose="Samordning av föreningar")
    meeting = Meeting.objects.create(network=network, date=timezone.localdate() - datetime.timedelta(days=3))
    Decision.objects.create(meeting=meeting, text="Mångfald i styrelser ska kartläggas.")
    contact = Contact.objects.create(
        name="Ines Mångfaldsdotter",
        organisation=organisation,
        municipality=botkyrka,
        notes="Hemlig anteckning zebrafink",
    )
    open_point = ActionPoint.objects.create(title="Kartlägg mångfald i föreningslivet")
    huddinge_point = ActionPoint.objects.create(title="Mångfaldsplan för Huddinge")
    huddinge_point.municipalities.set([huddinge])
    insats = make_insats("Mångfald i arbetslivet", provider=organisation)
    archived = make_insats("Mångfaldsprojektet som lades ned", status=Insats.Status.ARCHIVED)
    version = CatalogueVersion.objects.order_by("-number").first()
    indicator = None
    if version is not None:
        form = Form.objects.order_by("pk").first()
        if form is not None:
            indicator = Indicator.objects.create(
                version=version, form=form, code="MF1", name="Deltagare i mångfaldsinsatser", definition="Antal."
            )
    return {
        "organisation": organisation,
        "network": network,
        "meeting": meeting,
        "contact": contact,
        "open_point": open_point,
        "huddinge_point": huddinge_point,
        "insats": insats,
        "archived": archived,
        "indicator": indicator,
    }


def kinds(response):
    return {group.kind.key: group for group in response.context["groups"]}


def test_anonymous_visitors_are_sent_to_log_in(anonymous_client):
    response = anonymous_client.get(SEARCH, {"q": "mångfald"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_reader_finds_every_kind_grouped_with_counts_and_links(world, client_as):
    response = client_as("lasare").get(SEARCH, {"q": "mångfald"})
    assert response.status_code == 200
    groups = kinds(response)
    assert {"insatser", "organisationer", "kontakter", "grupper", "moten", "atgardspunkter"} <= set(groups)
    assert groups["insatser"].count == 1  # the archived one is not the reader's
    assert groups["organisationer"].count == 1
    assert groups["kontakter"].count == 1
    assert groups["moten"].count == 1  # through its decision's text
    body = response.content.decode()
    for url in (
        reverse("insatsbasen:detail", args=[world["insats"].pk]),
        reverse("natverk:organisation_detail", args=[world["organisation"].pk]),
        reverse("natverk:contact_detail", args=[world["contact"].pk]),
        reverse("natverk:network_detail", args=[world["network"].pk]),
        reverse("natverk:meeting_detail", args=[world["meeting"].pk]),
        reverse("uppdrag:actionpoint_detail", args=[world["open_point"].pk]),
    ):
        assert f'href="{url}"' in body
    assert "Insatser" in body and "Organisationer" in body  # Swedish headings
    assert f'href="{reverse("natverk:organisation_list")}?q=m%C3%A5ngfald"' in body
    if world["indicator"]:
        assert groups["indikatorer"].count >= 1
        assert reverse("statistik:dashboard_indicator", args=["MF1"]) in body


def test_results_are_scoped_as_the_lists_are(world, client_as):
    reader = kinds(client_as("lasare").get(SEARCH, {"q": "mångfald"}))
    point_titles = {hit.title for hit in reader["atgardspunkter"].hits}
    # The reader has no municipality: the Huddinge point is not theirs, the point for everyone is.
    assert point_titles == {"Kartlägg mångfald i föreningslivet"}
    huddinge = kinds(client_as("admin-huddinge").get(SEARCH, {"q": "mångfald"}))
    assert {hit.title for hit in huddinge["atgardspunkter"].hits} == {
        "Kartlägg mångfald i föreningslivet",
        "Mångfaldsplan för Huddinge",
    }
    botkyrka = kinds(client_as("admin-botkyrka").get(SEARCH, {"q": "mångfaldsplan"}))
    assert "atgardspunkter" not in botkyrka
    # The archived insats: its own municipality's administrator only.
    assert huddinge["insatser"].count == 1  # archived insatser stay out of the search as out of the list
    assert (
        Insats.objects.visible_to(client_as("lasare").get(SEARCH).wsgi_request.user)
        .filter(pk=world["archived"].pk)
        .exists()
        is False
    )


def test_private_notes_are_not_searched(world, client_as):
    for username in ("lasare", "strateg"):
        response = client_as(username).get(SEARCH, {"q": "zebrafink"})
        assert response.context["groups"] == []
        assert "Ines" not in response.content.decode()


def test_swedish_stems_find_inflected_forms(world, client_as):
    assert word_stems("nätverken") == ["nätverk"]
    groups = kinds(client_as("lasare").get(SEARCH, {"q": "Mångfaldsnätverken föreningar"}))
    assert [hit.title for hit in groups["grupper"].hits] == ["Mångfaldsnätverket"]


def test_every_word_must_match(world, client_as):
    groups = kinds(client_as("lasare").get(SEARCH, {"q": "Ines Botkyrka"}))
    assert "kontakter" not in groups  # municipality is not a searched field of a contact: "Botkyrka" does not match
    groups = kinds(client_as("lasare").get(SEARCH, {"q": "Ines Mångfald"}))
    assert groups["kontakter"].count == 1


def test_a_big_group_shows_five_and_links_to_all(world, client_as, cast):
    for number in range(7):
        ActionPoint.objects.create(title=f"Mångfaldsdialog {number}")
    groups = global_search(cast["lasare"], "mångfaldsdialog")
    points = groups[0]
    assert points.kind.key == "atgardspunkter"
    assert points.count == 7 and len(points.hits) == 5
    assert points.more_url == f"{SEARCH}?q=mångfaldsdialog&typ=atgardspunkter".replace("å", "%C3%A5")
    response = client_as("lasare").get(SEARCH, {"q": "mångfaldsdialog", "typ": "atgardspunkter"})
    assert response.context["page"].paginator.count == 7
    assert len(response.context["hits"]) == 7
    assert "Visa alla 7" in client_as("lasare").get(SEARCH, {"q": "mångfaldsdialog"}).content.decode()


def test_the_show_all_link_of_insatser_gives_the_same_count_in_the_list(world, client_as):
    client = client_as("lasare")
    group = kinds(client.get(SEARCH, {"q": "mångfald"}))["insatser"]
    listing = client.get(group.more_url)
    assert listing.context["page"].paginator.count == group.count


def test_the_network_list_filters_by_the_query(world, client_as):
    Network.objects.create(name="Styrgruppen")
    response = client_as("lasare").get(reverse("natverk:network_list"), {"q": "mångfaldsnätverk"})
    assert [network.name for network, _count in response.context["rows"]] == ["Mångfaldsnätverket"]


@pytest.mark.parametrize(
    "query",
    ["", "   ", "\x00", "a\x00b", "x" * 5000, "' OR 1=1 --", "%_%", "<script>alert(1)</script>", "ÅÄÖ!!!", "*"],
)
def test_hostile_or_empty_queries_never_fail(world, client_as, query):
    response = client_as("lasare").get(SEARCH, {"q": query, "typ": "kontakter", "page": "x"})
    assert response.status_code == 200
    response = client_as("lasare").get(SEARCH, {"q": query, "typ": "nonsense"})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_clean_query_drops_control_characters_and_caps_length():
    assert clean_query("  a\x00b \n c ") == "ab c"
    assert len(clean_query("x" * 5000)) == 200


def test_the_header_has_the_search_box_for_logged_in_users_only(client_as, anonymous_client):
    assert 'id="portal-search-q"' in client_as("lasare").get(reverse("natverk:index")).content.decode()
    assert 'id="portal-search-q"' not in anonymous_client.get(reverse("katalog:index")).content.decode()


def test_the_query_budget_does_not_grow_with_the_hits(world, client_as, django_assert_max_num_queries):
    client = client_as("lasare")
    client.get(SEARCH, {"q": "mångfald"})
    with django_assert_max_num_queries(40):
        client.get(SEARCH, {"q": "mångfald"})
