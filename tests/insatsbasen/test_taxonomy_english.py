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
