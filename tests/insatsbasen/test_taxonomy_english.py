"""Categories and target groups are data named in Swedish, with an English name shown on English pages."""

import pytest
from django.urls import reverse

from insatsbasen import imports
from insatsbasen.models import Category, TargetGroup

pytestmark = pytest.mark.django_db


def test_english_pages_name_the_taxonomy_in_english_and_swedish_pages_in_swedish(make_insats, client_as, taxonomy):
    make_insats("Ungdomsgrupp", category=taxonomy["categories"]["ungdom"], languages=["sv"])
    client = client_as("strateg")
    swedish = client.get("/insatser/").content.decode()
    assert "Ungdom" in swedish and "Youth" not in swedish
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get("/insatser/").content.decode()
    assert "Youth" in english and "Civic orientation" in english and "Young people" in english
    assert ">Ungdom<" not in english and ">Unga<" not in english
    statistics = client.get("/insatser/statistik/").content.decode()
    assert "Youth" in statistics and ">Ungdom<" not in statistics


def test_a_category_without_an_english_name_shows_its_name(taxonomy, client_as):
    Category.objects.create(name="Körkort", slug="korkort")
    client = client_as("strateg")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Körkort" in client.get("/insatser/").content.decode()


def test_the_import_reads_the_english_names_too(taxonomy):
    assert imports._by_name(Category, "Youth") == Category.objects.get(slug="ungdom").pk
    assert imports._by_name(TargetGroup, "young people") == TargetGroup.objects.get(slug="unga").pk
    assert imports._by_name(Category, "Ungdom") == Category.objects.get(slug="ungdom").pk


def test_the_history_is_kept_in_swedish_and_shown_in_the_readers_language(make_insats, cast, client_as, taxonomy):
    from django.utils.translation import override

    from insatsbasen import services
    from insatsbasen.models import InsatsChange

    insats = make_insats("Språkcafé", languages=["sv"], category=taxonomy["categories"]["sprakstod"])
    with override("en"):  # an administrator working on the English pages
        services.insats_set_status(insats, "paused", cast["strateg"], reason="Sommaruppehåll")
        services.insats_verify(insats, cast["strateg"])
    status = InsatsChange.objects.get(insats=insats, field="status")
    assert (status.old_value, status.new_value) == ("Publicerad", "Pausad"), "stored in Swedish"
    assert InsatsChange.objects.get(insats=insats, field="verified").new_value == "Stämmer fortfarande"
    with override("en"):
        assert (status.shown_old, status.shown_new) == ("Published", "Paused")
    client = client_as("strateg")
    assert "Pausad" in client.get(f"/insatser/{insats.pk}/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(f"/insatser/{insats.pk}/").content.decode()
    assert "Paused" in english and "Still correct" in english and "Stämmer fortfarande" not in english
