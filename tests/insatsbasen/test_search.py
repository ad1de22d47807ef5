import pytest

from insatsbasen.models import SearchLog, SearchWeek


@pytest.fixture
def catalogue(make_insats, taxonomy):
    return {
        "kurs": make_insats("Kurs i svenska för nybörjare", short_description="En kurs för dig som är ny"),
        "praktik": make_insats(
            "Praktik inom äldreomsorgen",
            short_description="Praktik med handledare",
            category=taxonomy["categories"]["praktik"],
        ),
        "halsa": make_insats(
            "Hälsoskola", short_description="Samtal om hälsa och vård", category=taxonomy["categories"]["halsa"]
        ),
    }


def names(response):
    return [insats.name for insats in response.context["page"].object_list]


def test_plural_kurser_finds_kurs(client_as, catalogue):
    response = client_as("lasare").get("/insatser/", {"q": "kurser"})
    assert names(response) == ["Kurs i svenska för nybörjare"]


def test_compound_praktikplatser_finds_praktik(client_as, catalogue):
    response = client_as("lasare").get("/insatser/", {"q": "praktikplatser"})
    assert names(response) == ["Praktik inom äldreomsorgen"]


def test_a_name_match_ranks_above_a_description_match(client_as, make_insats, catalogue):
    make_insats("Språkcafé", short_description="Här pratar vi om hälsa ibland")
    response = client_as("lasare").get("/insatser/", {"q": "hälsa"})
    assert names(response)[0] == "Hälsoskola"
    assert "Språkcafé" in names(response)


def test_filters_and_search_state_live_in_the_query_string(client_as, catalogue, taxonomy, municipalities, make_insats):
    make_insats("Praktik i Botkyrka", municipality="Botkyrka", category=taxonomy["categories"]["praktik"])
    response = client_as("lasare").get(
        "/insatser/", {"q": "praktik", "municipality": municipalities["Botkyrka"].pk, "sort": "name"}
    )
    assert names(response) == ["Praktik i Botkyrka"]
    assert "municipality=" in response.context["querystring"] and "q=praktik" in response.context["querystring"]


def test_language_and_open_period_filters(client_as, make_insats):
    import datetime

    make_insats(
        "Arabisk föräldragrupp",
        languages=["ar", "sv"],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 3, 1),
    )
    make_insats("Somalisk föräldragrupp", languages=["so"])
    client = client_as("lasare")
    assert names(client.get("/insatser/", {"language": "ar"})) == ["Arabisk föräldragrupp"]
    assert names(client.get("/insatser/", {"open_from": "2026-04-01"})) == ["Somalisk föräldragrupp"]
    assert names(client.get("/insatser/", {"open_from": "2026-02-01", "open_to": "2026-02-10"})) == [
        "Arabisk föräldragrupp",
        "Somalisk föräldragrupp",
    ]


def test_a_search_without_result_is_counted_with_the_text_only(client_as, catalogue):
    client_as("lasare").get("/insatser/", {"q": "Körkort"})
    client_as("strateg").get("/insatser/", {"q": "körkort"})
    client_as("strateg").get("/insatser/", {"q": "kurs"})
    log = SearchLog.objects.get()
    assert (log.query, log.count) == ("körkort", 2)
    assert [f.name for f in SearchLog._meta.get_fields()] == ["id", "query", "week", "count"]
    week = SearchWeek.objects.get()
    assert (week.searches, week.zero_results) == (3, 2)


def test_compounds_are_found_by_their_parts(client_as, make_insats, taxonomy):
    make_insats("Sommarjobb och praktik för unga", category=taxonomy["categories"]["ungdom"])
    make_insats("Cykelskola för vuxna", category=taxonomy["categories"]["ovrigt"])
    make_insats("Hälsoskola", category=taxonomy["categories"]["halsa"])
    client = client_as("lasare")
    assert names(client.get("/insatser/", {"q": "jobb"})) == ["Sommarjobb och praktik för unga"]
    assert names(client.get("/insatser/", {"q": "cyklar"})) == ["Cykelskola för vuxna"]
    assert sorted(names(client.get("/insatser/", {"q": "skola"}))) == ["Cykelskola för vuxna", "Hälsoskola"]


def test_svenska_matches_what_is_about_swedish_not_every_insats_taught_in_swedish(client_as, make_insats, taxonomy):
    make_insats(
        "SFI kurs B",
        short_description="Undervisning i svenska för invandrare.",
        description="Undervisning i svenska för invandrare, kurs B.",
        languages=["sv"],
    )
    make_insats(
        "Språkpraktik inom handel",
        short_description="Praktik med handledare.",
        description="Du får träna svenska på arbetsplatsen.",
        category=taxonomy["categories"]["praktik"],
        languages=["sv"],
    )
    make_insats("Cykelskola för vuxna", category=taxonomy["categories"]["ovrigt"], languages=["sv", "ar"])
    client = client_as("lasare")
    assert names(client.get("/insatser/", {"q": "svenska"})) == ["SFI kurs B", "Språkpraktik inom handel"]
    # A compound query needs all its parts: the praktik holds "svenska" but is no teaching.
    assert names(client.get("/insatser/", {"q": "svenskundervisning"})) == ["SFI kurs B"]


def test_a_renamed_insats_is_found_by_its_new_name_and_no_longer_by_the_old(client_as, make_insats):
    from insatsbasen import services

    insats = make_insats("Språkcafé Fittja", short_description="Träffar med volontärer.")
    insats.name = "Samtalsträning Alby"
    insats.save()
    services.insats_refresh_derived(insats)
    client = client_as("lasare")
    assert names(client.get("/insatser/", {"q": "samtalsträning"})) == ["Samtalsträning Alby"]
    assert names(client.get("/insatser/", {"q": "språkcafé"})) == []


def test_a_misspelled_query_without_hits_offers_the_closest_word_of_the_catalogue(client_as, make_insats, taxonomy):
    make_insats("Samhällsorientering på arabiska", category=taxonomy["categories"]["samhallsorientering"])
    response = client_as("lasare").get("/insatser/", {"q": "samhälsorientering", "sort": "name"})
    assert names(response) == []
    assert response.context["did_you_mean"]["text"] == "samhällsorientering"
    assert "q=samh%C3%A4llsorientering" in response.context["did_you_mean"]["querystring"]
    assert "sort=name" in response.context["did_you_mean"]["querystring"]
    assert "samhällsorientering</a>?" in response.content.decode()
    # A search with hits, or with nothing close, offers nothing.
    assert client_as("lasare").get("/insatser/", {"q": "samhällsorientering"}).context["did_you_mean"] is None
    assert client_as("lasare").get("/insatser/", {"q": "xyzzy"}).context["did_you_mean"] is None


def test_the_search_page_counts_in_its_own_query(client_as, make_insats, municipalities):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(30):
        make_insats(f"Praktik grupp {number}", short_description="Praktik med handledare")
    client = client_as("lasare")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/insatser/", {"q": "praktik", "page": 2})
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"].object_list) == 5
    assert not [query for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(*)")]
    # The municipality filter is a DISTINCT list: counted apart, and right.
    response = client.get("/insatser/", {"q": "praktik", "municipality": municipalities["Huddinge"].pk})
    assert response.context["page"].paginator.count == 30
    # Past the end: the last page, as before.
    assert client.get("/insatser/", {"q": "praktik", "page": 9}).context["page"].number == 2


def test_the_page_is_the_ranked_list_cut_at_the_page_and_pages_of_equal_ranks_do_not_overlap(
    client_as, anonymous_client, make_insats
):
    """The page's keys come from a narrow query and its rows are read by key: the rows must come back in the
    ranked order, and hits of equal rank and name are ordered by key so no page repeats or skips one."""
    from insatsbasen import search
    from insatsbasen.models import Insats

    for _number in range(20):
        make_insats("Praktik i kök", short_description="Praktik med handledare")  # twenty equal documents
    for number in range(12):
        make_insats(f"Språkcafé {number}", short_description="Vi pratar om praktik ibland")
    ranked = list(
        search.search(Insats.objects.all(), "praktik").order_by("-rank", "name", "pk").values_list("pk", flat=True)
    )
    assert len(ranked) == 32
    for client, path, size in ((client_as("lasare"), "/insatser/", 25), (anonymous_client, "/katalog/", 30)):
        shown = []
        for number in (1, 2):
            page = client.get(path, {"q": "praktik", "page": number}).context["page"]
            assert page.paginator.count == 32
            shown += [insats.pk for insats in page.object_list]
        assert shown == ranked, path
        assert len(page.object_list) == 32 - size


def test_the_public_catalogue_counts_in_its_own_query(anonymous_client, make_insats):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(35):
        make_insats(f"Praktik grupp {number}", short_description="Praktik med handledare")
    with CaptureQueriesContext(connection) as queries:
        response = anonymous_client.get("/katalog/", {"q": "praktik", "page": 2})
    assert response.context["page"].paginator.count == 35
    assert len(response.context["page"].object_list) == 5
    assert not [query for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(*)")]
    # Past the end: the last page; a search without hits counts nothing and shows nothing.
    assert anonymous_client.get("/katalog/", {"q": "praktik", "page": 9}).context["page"].number == 2
    assert anonymous_client.get("/katalog/", {"q": "xyzzy"}).context["page"].paginator.count == 0
