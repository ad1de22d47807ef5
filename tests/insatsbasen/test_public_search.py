"""Searching the public catalogue, where the list prefetches related rows."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_public_catalogue_finds_praktik_from_praktikplatser(anonymous_client, make_insats):
    make_insats("Praktik i kommunens verksamheter", short_description="Arbetsplatsförlagd praktik.")
    make_insats("SFI kvällskurs")
    response = anonymous_client.get("/katalog/", {"q": "praktikplatser"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Praktik i kommunens verksamheter" in body
    assert "SFI kvällskurs" not in body


def test_the_detail_page_shows_a_change_made_without_a_user(client_as, make_insats):
    from insatsbasen.models import InsatsChange

    insats = make_insats("Samhällsorientering på arabiska")
    InsatsChange.objects.create(insats=insats, changed_by=None, field="name", old_value="SO", new_value=insats.name)
    response = client_as("lasare").get(f"/insatser/{insats.pk}/")
    assert response.status_code == 200
    assert "–" in response.content.decode()


def test_the_public_catalogue_offers_the_closest_published_word_only(anonymous_client, make_insats):
    from insatsbasen.models import Insats

    make_insats("Samhällsorientering på dari")
    make_insats("Körkortsteori på tigrinja", status=Insats.Status.DRAFT)
    response = anonymous_client.get("/katalog/", {"q": "samhälsorientering"})
    assert response.context["did_you_mean"]["text"] == "samhällsorientering"
    assert "samhällsorientering</a>?" in response.content.decode()
    # The draft's words are in the index but give no public hit, so they are never offered.
    response = anonymous_client.get("/katalog/", {"q": "körkortsteorj"})
    assert response.context["did_you_mean"] is None
