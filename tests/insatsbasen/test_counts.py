"""Counts over the whole catalogue (insatsbasen/counts.py) are kept per state of the catalogue: never stale after a
change through the one write path, a category's new name or interval, or a new day; one entry per reader's scope."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insatsbasen import services
from insatsbasen.gaps import gaps
from insatsbasen.models import Insats

pytestmark = pytest.mark.django_db


def tables(client):
    """The statistics page's tables: {title: rows}, and how many queries the page ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("insatsbasen:statistics"))
    assert response.status_code == 200
    return {str(table["title"]): [list(row) for row in table["rows"]] for table in response.context["tables"]}, len(
        queries.captured_queries
    )


def test_the_statistics_follow_every_change_at_once_and_count_only_after_one(make_insats, cast, client_as, taxonomy):
    sfi = taxonomy["categories"]["sfi"]
    sfi.review_interval_months = 12
    sfi.save()
    huddinge = make_insats("Kurs i Huddinge", "Huddinge", category=sfi, languages=["sv"], verified_days_ago=200)
    botkyrka = make_insats("Kurs i Botkyrka", "Botkyrka", category=sfi, languages=["sv"], verified_days_ago=10)
    for insats in (huddinge, botkyrka):
        services.insats_refresh_derived(insats)  # the review date, as every save through services sets it
    strateg = cast["strateg"]
    client = client_as("strateg")

    client.get(reverse("insatsbasen:index"))  # the session's first page renews it; not what is counted here
    first, counting = tables(client)
    assert first["Insatser per kommun"] == [["Botkyrka", 1], ["Huddinge", 1]]
    assert first["Aktualitet per kommun"] == [["Botkyrka", 1, 0, 100], ["Huddinge", 1, 0, 100]]
    again, cached = tables(client)
    assert again == first and cached < counting, "the same state is counted once"

    # A new interval for the category makes Huddinge's insats, verified 200 days ago, due: no insats's history moved.
    sfi.review_interval_months = 6
    services.category_save(sfi, strateg)
    assert tables(client)[0]["Aktualitet per kommun"] == [["Botkyrka", 1, 0, 100], ["Huddinge", 1, 1, 0]]
    services.insats_verify(Insats.objects.get(pk=huddinge.pk), strateg)
    assert tables(client)[0]["Aktualitet per kommun"][1] == ["Huddinge", 1, 0, 100]

    # A status change and a renamed category.
    services.insats_set_status(Insats.objects.get(pk=botkyrka.pk), Insats.Status.ARCHIVED, strateg)
    sfi.name = "Svenska för invandrare"
    services.category_save(sfi, strateg)
    now = tables(client)[0]
    assert ["Arkiverad", 1] in now["Insatser per status"] and ["Publicerad", 1] in now["Insatser per status"]
    assert now["Insatser per kategori"] == [["Svenska för invandrare", 2]]

    # Texts in another language.
    services.insats_text_save(Insats.objects.get(pk=huddinge.pk), "ar", {"summary": "دورة"}, strateg, 0)
    texts = tables(client)[0]["Publicerade insatser med texter på andra språk"]
    assert texts[0][:2] == ["Huddinge", 1] and 1 in texts[0][2:]

    # A new day: the review dates count against it without any change.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400)):
        client.force_login(strateg)  # the session of 400 days ago has expired
        assert tables(client)[0]["Aktualitet per kommun"][0] == ["Huddinge", 1, 1, 0]


def test_each_reader_has_the_counts_of_what_they_may_read(make_insats, client_as):
    make_insats("Publicerad kurs", "Huddinge")
    make_insats("Arkiverad kurs", "Huddinge", status=Insats.Status.ARCHIVED)
    # The strategist reads every insats; Huddinge's administrator also their archived one; so both count it.
    assert ["Arkiverad", 1] in tables(client_as("strateg"))[0]["Insatser per status"]
    assert ["Arkiverad", 1] in tables(client_as("admin-huddinge"))[0]["Insatser per status"]
    # Botkyrka's administrator does not read Huddinge's archived insats, though the catalogue did not change.
    assert ["Arkiverad", 1] not in tables(client_as("admin-botkyrka"))[0]["Insatser per status"]


def test_the_gap_view_follows_a_change_at_once(make_insats, cast, taxonomy):
    sfi = taxonomy["categories"]["sfi"]
    insats = make_insats("SFI i Salem", "Salem", category=sfi, languages=["sv", "ar"])

    def salem(data):
        row = next(row for row in data.category_rows() if row["category"] == sfi)
        return next(c["count"] for c in row["cells"] if c["municipality"].name == "Salem")

    assert salem(gaps(cast["strateg"])) == 1
    services.insats_set_status(Insats.objects.get(pk=insats.pk), Insats.Status.PAUSED, cast["strateg"])
    assert salem(gaps(cast["strateg"])) == 0
    assert salem(gaps(cast["strateg"], language="ar")) == 0


def test_the_public_list_pages_by_category_then_name_across_categories(make_insats, taxonomy, cast, client):
    from insatsbasen.counts import CategoryOrderedPaginator
    from insatsbasen.models import Category

    categories = list(taxonomy["categories"].values())[:3]
    for position, category in zip((3, 1, 2), categories, strict=True):
        Category.objects.filter(pk=category.pk).update(position=position)
    # 7 in the first category in order, none in the second, 16 in the third; names out of order on purpose.
    first, empty, third = categories[1], categories[2], categories[0]
    for number in (5, 1, 6, 2, 0, 4, 3):
        make_insats(f"Första {number}", category=first)
    for number in range(16):
        make_insats(f"Tredje {15 - number:02}", category=third)
    make_insats("Utkast", category=first, status=Insats.Status.DRAFT)  # not in the catalogue
    expected = [f"Första {n}" for n in range(7)] + [f"Tredje {n:02}" for n in range(16)]
    order = list(Category.objects.order_by("position", "name", "pk").values_list("pk", flat=True))
    assert order.index(first.pk) < order.index(empty.pk) < order.index(third.pk)

    published = Insats.objects.published()
    for per_page in (5, 7, 10, 30):
        paginator = CategoryOrderedPaginator(published, per_page, order)
        assert paginator.count == 23
        shown = [i.name for n in paginator.page_range for i in paginator.page(n).object_list]
        assert shown == expected, per_page

    # The page as a visitor reads it, and again after an insats leaves the catalogue.
    def names(page):
        response = client.get(reverse("katalog:index"), {"page": page})
        return [insats.name for insats in response.context["page"].object_list]

    assert names(1) == expected  # 30 to a page
    gone = Insats.objects.get(name="Första 0")
    services.insats_set_status(gone, Insats.Status.PAUSED, cast["strateg"])
    assert names(1)[0] == "Första 1"


def test_the_staff_list_count_follows_every_change(make_insats, cast, client_as):
    client = client_as("lasare")
    make_insats("En kurs")

    def count():
        return client.get(reverse("insatsbasen:index")).context["page"].paginator.count

    assert count() == 1
    second = make_insats("En till")
    assert count() == 2
    services.insats_set_status(second, Insats.Status.ENDED, cast["strateg"])
    assert count() == 1  # ended ones stay out of the default list


def test_the_scoreboard_follows_a_contact_that_loses_its_routes(make_insats, client_as):
    from natverk.models import Contact

    contact = Contact.objects.create(name="Karin Holm", email="karin.holm@huddinge.se")
    make_insats("Kurs med kontaktperson", function_email="", contact=contact, contact_is_public=True, languages=["sv"])
    client = client_as("strateg")

    def incomplete():
        rows = client.get(reverse("insatsbasen:scoreboard")).context["rows"]
        return next(row["incomplete"] for row in rows if row["municipality"].name == "Huddinge")

    assert incomplete() == 0
    contact.email = ""
    contact.save()  # the register's own write: no insats changed, yet the insats now fails the publish gate
    assert incomplete() == 1


def test_a_ranked_search_is_ranked_once_per_state_and_follows_every_change(make_insats, cast, client_as):
    """The search's page of keys and its count are kept per state of the catalogue, query, filter and scope
    (search.CountingPaginator): the same search again reads no ranking, and any change ranks anew."""
    make_insats("Snickeri för nybörjare", "Huddinge")
    other = make_insats("Matlagning", "Botkyrka", short_description="Laga mat tillsammans")
    make_insats("Snickeri, arkiverad", "Huddinge", status=Insats.Status.ARCHIVED)
    reader = client_as("lasare")

    def search(client, **filters):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("insatsbasen:index"), {"q": "snickeri", **filters})
        ranked = [q["sql"] for q in queries.captured_queries if "OVER" in q["sql"]]
        page = response.context["page"]
        return [insats.name for insats in page.object_list], page.paginator.count, len(ranked)

    assert search(reader) == (["Snickeri för nybörjare"], 1, 1)
    assert search(reader) == (["Snickeri för nybörjare"], 1, 0), "the same search in the same state is not ranked again"
    # Huddinge's administrator also reads Huddinge's archived insats: their own entry, not the reader's.
    assert search(client_as("admin-huddinge"), status="archived")[:2] == (["Snickeri, arkiverad"], 1)
    assert search(reader, status="archived")[:2] == ([], 0)

    # A changed text: the other insats now holds the word in its name, which ranks above the description.
    other.name = "Snickeri och matlagning"
    other.save()
    services.insats_refresh_derived(other)
    assert search(reader) == (["Snickeri för nybörjare", "Snickeri och matlagning"], 2, 1)
    # A status change through the one write path: gone from the default list at once.
    services.insats_set_status(Insats.objects.get(pk=other.pk), Insats.Status.ENDED, cast["strateg"])
    assert search(reader) == (["Snickeri för nybörjare"], 1, 1)
    # A new day ranks anew too (what is current depends on it); a new login, as the old session has timed out.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert search(client_as("lasare"))[2] == 1


def test_what_reads_a_column_written_without_history_is_computed_every_time(make_insats):
    """The view counter and the nightly review bookkeeping change no history row, so the state would not see them:
    a query that filters or orders by one is never kept; a model query, whose select list names them, is."""
    from insatsbasen.counts import per_state

    make_insats("En kurs")
    calls = []

    def compute(queryset):
        calls.append(1)
        return [insats.pk for insats in queryset]

    for queryset in (Insats.objects.order_by("-view_count"), Insats.objects.filter(unverified_since__isnull=True)):
        calls.clear()
        per_state("untracked", queryset, lambda queryset=queryset: compute(queryset))
        per_state("untracked", queryset, lambda queryset=queryset: compute(queryset))
        assert len(calls) == 2, queryset.query
    calls.clear()
    listed = Insats.objects.order_by("name")
    assert per_state("tracked", listed, lambda: compute(listed)) == per_state(
        "tracked", listed, lambda: compute(listed)
    )
    assert len(calls) == 1


def test_an_administrators_home_lists_follow_a_verification_and_a_contact_at_once(make_insats, cast, client_as):
    """The home page's "to review" and "published but incomplete" lists are kept per state (insatsbasen/home.py):
    verifying through the write path and a contact that loses its routes show on the next page."""
    from natverk.models import Contact

    due = make_insats("Förfallen kurs", verified_days_ago=400, languages=["sv"])
    contact = Contact.objects.create(name="Karin Holm", email="karin.holm@huddinge.se")
    make_insats("Kurs med kontaktperson", function_email="", contact=contact, contact_is_public=True, languages=["sv"])
    client = client_as("admin-huddinge")

    def panels():
        context = {}
        for panel in client.get("/").context["panels"]:
            context.update(panel.context)
        due_names = [insats.name for insats in context.get("due", [])]
        incomplete_names = [insats.name for insats, _gaps in context.get("incomplete", [])]
        return due_names, incomplete_names

    assert panels() == (["Förfallen kurs"], [])
    assert panels() == (["Förfallen kurs"], [])
    services.insats_verify(Insats.objects.get(pk=due.pk), cast["admin-huddinge"])
    assert panels() == ([], [])
    contact.email = ""
    contact.save()
    assert panels() == ([], ["Kurs med kontaktperson"])


def test_a_kept_search_result_does_not_find_an_insats_by_an_erased_persons_name(make_insats, cast, client_as):
    """An erasure scrubs the person's name from the insats without a history row; the search kept per state must
    not go on finding the insats by that name (the newest erasure is part of the state)."""
    from natverk import services as natverk_services
    from natverk.models import Contact

    contact = Contact.objects.create(name="Ingeborg Lindqvist", email="ingeborg.lindqvist@huddinge.se")
    make_insats("Språkcafé", description="Ledare: Ingeborg Lindqvist, som också tar emot anmälningar.")
    make_insats("Läxhjälp", description="Ledare: Per Ek.")
    reader = client_as("lasare")

    def found():
        page = reader.get(reverse("insatsbasen:index"), {"q": "lindqvist"}).context["page"]
        return [insats.name for insats in page.object_list], page.paginator.count

    assert found() == (["Språkcafé"], 1)
    assert found() == (["Språkcafé"], 1)
    natverk_services.contact_anonymise(Contact.objects.get(pk=contact.pk), cast["strateg"])
    assert "Lindqvist" not in Insats.objects.get(name="Språkcafé").description
    # Neither the row nor the count ("1 träff" would still tell that someone of that name was there).
    assert found() == ([], 0)
