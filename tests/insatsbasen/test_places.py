"""Places (address, municipality) are edited on the insats form: validated, saved with the insats, in its history."""

from insatsbasen.forms import MAX_PLACES
from insatsbasen.models import InsatsChange, Place

from .test_views import form_data


def place_rows(*rows, initial=0):
    """Formset data for the given rows (dicts of field → value)."""
    data = {"places-TOTAL_FORMS": len(rows), "places-INITIAL_FORMS": initial}
    for index, row in enumerate(rows):
        data.update({f"places-{index}-{key}": value for key, value in row.items()})
    return data


def test_an_admin_changes_one_place_and_removes_another_with_history(client_as, make_insats, municipalities):
    insats = make_insats("Språkcafé", languages=["sv"])
    kept = Place.objects.create(insats=insats, street_address="Storgatan 1", city="Huddinge")
    removed = Place.objects.create(insats=insats, street_address="Kyrkvägen 2", city="Skogås")
    data = form_data(
        insats,
        reason="Flyttat",
        **place_rows(
            {"id": kept.pk, "street_address": "Storgatan 5", "city": "Huddinge", "postal_code": "141 30"},
            {"id": removed.pk, "street_address": "Kyrkvägen 2", "city": "Skogås", "DELETE": "on"},
            initial=2,
        ),
    )
    response = client_as("admin-huddinge").post(f"/insatser/{insats.pk}/andra/", data)
    assert response.status_code == 302
    assert [str(p) for p in insats.places.all()] == ["Storgatan 5, Huddinge"]
    insats.refresh_from_db()
    assert insats.version == 2
    change = InsatsChange.objects.get(insats=insats, field="places")
    assert change.old_value == "Storgatan 1, Huddinge; Kyrkvägen 2, Skogås"
    assert change.new_value == "Storgatan 5, 141 30 Huddinge"
    assert change.reason == "Flyttat"
    page = client_as("admin-huddinge").get(f"/insatser/{insats.pk}/").content.decode()
    assert "Storgatan 5, 141 30 Huddinge" in page


def test_a_bad_place_saves_nothing_and_is_linked_from_the_error_summary(client_as, make_insats):
    insats = make_insats("Språkcafé", languages=["sv"])
    data = form_data(insats, name="Språkcafé Tumba", **place_rows({"street_address": "Torget 3", "postal_code": "1"}))
    response = client_as("admin-huddinge").post(f"/insatser/{insats.pk}/andra/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_places-0-postal_code"' in page and 'href="#id_places-0-city"' in page
    insats.refresh_from_db()
    assert insats.name == "Språkcafé" and insats.version == 1 and not insats.places.exists()


def test_the_same_address_twice_is_refused(client_as, make_insats):
    insats = make_insats()
    row = {"street_address": "Torget 3", "city": "Tumba"}
    response = client_as("admin-huddinge").post(
        f"/insatser/{insats.pk}/andra/", form_data(insats, **place_rows(row, row))
    )
    assert response.status_code == 200 and response.context["places"].non_form_errors()
    assert not insats.places.exists()


def test_there_is_a_limit_on_the_number_of_places(client_as, make_insats):
    insats = make_insats()
    rows = [{"street_address": f"Storgatan {n}", "city": "Huddinge"} for n in range(MAX_PLACES + 1)]
    response = client_as("admin-huddinge").post(f"/insatser/{insats.pk}/andra/", form_data(insats, **place_rows(*rows)))
    assert response.status_code == 200 and not insats.places.exists()


def test_places_are_not_saved_when_someone_else_saved_first(client_as, make_insats):
    insats = make_insats("Språkcafé", languages=["sv"])
    opened = form_data(insats)
    client_as("strateg").post(f"/insatser/{insats.pk}/andra/", form_data(insats, name="Språkcafé Alby"))
    response = client_as("admin-huddinge").post(
        f"/insatser/{insats.pk}/andra/", {**opened, **place_rows({"street_address": "Torget 3", "city": "Alby"})}
    )
    assert response.status_code == 200 and response.context["conflict"]
    assert 'value="Torget 3"' in response.content.decode()
    assert not insats.places.exists()


def test_the_edit_form_shows_the_places_with_a_way_to_remove_them(client_as, make_insats):
    insats = make_insats()
    Place.objects.create(insats=insats, street_address="Storgatan 1", city="Huddinge")
    page = client_as("admin-huddinge").get(f"/insatser/{insats.pk}/andra/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert 'value="Storgatan 1"' in page and 'name="places-0-DELETE"' in page
    assert 'name="places-1-street_address"' in page  # one empty row to add a place without JavaScript
    assert "Ta bort platsen" in page
