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


# --- Bounded counts, best hits first, short words ------------------------------------------------------------


def test_a_group_counts_up_to_a_hundred_and_says_more_beyond(world, client_as):
    ActionPoint.objects.bulk_create(ActionPoint(title=f"Mångfaldsdialog {number:03}") for number in range(100))
    client = client_as("lasare")
    response = client.get(SEARCH, {"q": "mångfaldsdialog"})
    points = kinds(response)["atgardspunkter"]
    assert points.count == 100 and not points.more
    body = response.content.decode()
    assert "fler än" not in body and "Fler än" not in body
    assert "Visa alla 100 åtgärdspunkter" in body

    ActionPoint.objects.create(title="Mångfaldsdialog 100")
    response = client.get(SEARCH, {"q": "mångfaldsdialog"})
    points = kinds(response)["atgardspunkter"]
    assert points.more and points.shown_count == 100
    assert [hit.title for hit in points.hits] == [f"Mångfaldsdialog {number:03}" for number in range(5)]
    body = response.content.decode()
    assert "Åtgärdspunkter (fler än 100)" in body
    assert "Fler än 100 träffar för ”mångfaldsdialog”." in body
    assert "Visa alla åtgärdspunkter" in body and "Visa alla 101" not in body
    # The page of the kind still counts them all (up to a thousand).
    response = client.get(SEARCH, {"q": "mångfaldsdialog", "typ": "atgardspunkter"})
    assert response.context["page"].paginator.count == 101


def test_the_total_adds_the_groups_and_says_more_when_one_has_more(world, client_as):
    Organisation.objects.bulk_create(Organisation(name=f"Mångfaldsförening {number}") for number in range(101))
    response = client_as("lasare").get(SEARCH, {"q": "mångfald"})
    groups = kinds(response)
    total = sum(group.shown_count for group in groups.values())
    assert groups["organisationer"].more and response.context["total_more"]
    assert f"Fler än {total} träffar för ”mångfald”." in response.content.decode()


@pytest.fixture
def sfi_contacts():
    """Contacts matching "sfi" in each tier: name starting with it, name holding it, another field only."""
    teachers = Organisation.objects.create(name="Vuxenutbildningen")
    names = {
        "Aaron Ek": {"title": "SFI-lärare"},  # first by name, but "sfi" is only in the title
        "Anna Sfisdotter": {},
        "Sfiaho Bo": {},
        "Berit Ståhl": {"email": "berit.sfi@exempel.se"},
        "Sfi Andersson": {},
        "Örjan Sfinxson": {},
        "Cecilia Lund": {"title": "Rektor, sfi"},
        "Bo Nilsson": {"title": "Vaktmästare"},  # no match
    }
    for name, fields in names.items():
        Contact.objects.create(name=name, organisation=teachers, **fields)
    return names


def test_contacts_whose_name_starts_with_the_query_come_first_then_names_holding_it(sfi_contacts, cast):
    from intro_sodertorn.search import KIND_BY_KEY, first_hits

    queryset = KIND_BY_KEY["kontakter"].queryset(cast["strateg"], "sfi")
    in_order = [contact.name for contact in queryset]
    assert set(in_order[:2]) == {"Sfi Andersson", "Sfiaho Bo"}  # (their order is the database's collation's)
    assert set(in_order[2:4]) == {"Anna Sfisdotter", "Örjan Sfinxson"}
    assert set(in_order[4:]) == {"Aaron Ek", "Berit Ståhl", "Cecilia Lund"}
    # Read tier by tier, any slice is the same rows as the single sorted query's.
    for offset in range(len(in_order) + 1):
        for size in (1, 2, 3, 5):
            hits = [contact.name for contact in first_hits(queryset, "sfi", size, offset)]
            assert hits == in_order[offset : offset + size], (offset, size)
    group = {g.kind.key: g for g in global_search(cast["strateg"], "sfi")}["kontakter"]
    assert [hit.title for hit in group.hits] == in_order[:5]
    assert group.count == 7


def test_the_page_of_one_kind_pages_through_the_tiers_in_order(sfi_contacts, client_as, monkeypatch):
    from intro_sodertorn import search_views

    client = client_as("strateg")
    everything = [hit.title for hit in client.get(SEARCH, {"q": "sfi", "typ": "kontakter"}).context["hits"]]
    assert len(everything) == 7 and everything[0] in {"Sfi Andersson", "Sfiaho Bo"}
    monkeypatch.setattr(search_views, "PAGE_SIZE", 3)
    pages = []
    for number in (1, 2, 3):
        response = client.get(SEARCH, {"q": "sfi", "typ": "kontakter", "page": number})
        pages += [hit.title for hit in response.context["hits"]]
    assert pages == everything


def test_the_page_of_one_kind_shows_at_most_its_limit_and_says_so(sfi_contacts, client_as, monkeypatch):
    from intro_sodertorn import search_views

    monkeypatch.setattr(search_views.BoundedPaginator, "limit", 4)
    response = client_as("strateg").get(SEARCH, {"q": "sfi", "typ": "kontakter"})
    paginator = response.context["page"].paginator
    assert paginator.count == 4 and paginator.more
    assert len(response.context["hits"]) == 4
    body = response.content.decode()
    assert "fler än 4" in body and "De första 4 träffarna visas" in body
    response = client_as("strateg").get(SEARCH, {"q": "sfi", "typ": "kontakter", "page": 2})
    assert response.context["page"].number == 1  # no page past the limit


def test_a_contact_is_found_through_its_organisations_name(world, client_as):
    Contact.objects.create(name="Olle Ek", organisation=Organisation.objects.create(name="Zebrafinkens vänner"))
    groups = kinds(client_as("lasare").get(SEARCH, {"q": "zebrafinkens"}))
    assert [hit.title for hit in groups["kontakter"].hits] == ["Olle Ek"]


def test_a_meeting_with_two_matching_decisions_is_one_hit(world, client_as):
    Decision.objects.create(meeting=world["meeting"], text="Mångfaldsveckan planeras.")
    groups = kinds(client_as("lasare").get(SEARCH, {"q": "mångfald"}))
    assert groups["moten"].count == 1 and len(groups["moten"].hits) == 1


def test_a_query_of_single_letters_asks_for_a_longer_word(world, client_as):
    client = client_as("lasare")
    for params in ({"q": "a"}, {"q": "a b"}, {"q": "a", "typ": "kontakter"}):
        response = client.get(SEARCH, params)
        assert response.status_code == 200
        assert response.context["groups"] == [] and response.context["page"] is None
        assert "Skriv ett sökord på minst två tecken för att söka." in response.content.decode()
    # A single letter beside a real word is left out of the match, not the whole query.
    groups = kinds(client.get(SEARCH, {"q": "a mångfald"}))
    assert groups["organisationer"].count == 1


def test_the_insatser_are_ranked_as_in_their_list_and_a_new_one_counts_at_once(world, make_insats, client_as):  # noqa: F811
    make_insats("Läxhjälp", short_description="Stöd i mångfald och skolarbete")
    make_insats("Mångfaldsdag för familjer")
    client = client_as("lasare")
    group = kinds(client.get(SEARCH, {"q": "mångfald"}))["insatser"]
    listing = client.get(group.more_url).context["page"]
    assert [hit.title for hit in group.hits] == [insats.name for insats in listing][: len(group.hits)]
    assert group.hits[-1].title == "Läxhjälp"  # found in its summary only: after the names holding the word
    assert group.count == 3
    make_insats("Mångfaldsfestival")
    group = kinds(client.get(SEARCH, {"q": "mångfald"}))["insatser"]
    assert group.count == 4 and "Mångfaldsfestival" in [hit.title for hit in group.hits]
