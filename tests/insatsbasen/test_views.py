import pytest

from insatsbasen.models import Insats, InsatsChange


def form_data(insats, **changes):
    data = {
        "name": insats.name,
        "short_description": insats.short_description,
        "category": insats.category_id,
        "owner_municipality": insats.owner_municipality_id,
        "intake": insats.intake,
        "status": insats.status,
        "version": insats.version,
        # As the browser posts them: what the publishing gate reads.
        "languages": insats.languages,
        "how_to_apply": insats.how_to_apply,
        "function_email": insats.function_email,
        "is_remote": "on" if insats.is_remote else "",
        # The places formset: no rows means the places are left as they are.
        "places-TOTAL_FORMS": 0,
        "places-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "url",
    ["/insatser/", "/insatser/ny/", "/insatser/aktualitet/", "/insatser/statistik/", "/insatser/importera/"],
)
def test_pages_need_login(anonymous_client, url, db):
    response = anonymous_client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/logga-in/")


def test_detail_and_edit_need_login(anonymous_client, make_insats):
    insats = make_insats()
    for url in (f"/insatser/{insats.pk}/", f"/insatser/{insats.pk}/andra/"):
        assert anonymous_client.get(url)["Location"].startswith("/logga-in/")


def test_a_reader_finds_and_reads_but_cannot_edit(client_as, make_insats):
    insats = make_insats("Föräldrastöd på arabiska")
    client = client_as("lasare")
    assert "Föräldrastöd på arabiska" in client.get("/insatser/").content.decode()
    assert client.get(f"/insatser/{insats.pk}/").status_code == 200
    assert client.get(f"/insatser/{insats.pk}/andra/").status_code == 403
    assert client.post(f"/insatser/{insats.pk}/stammer/").status_code == 403
    assert client.get("/insatser/ny/").status_code == 403


def test_detail_views_are_counted_without_personal_data(client_as, make_insats):
    insats = make_insats()
    client_as("lasare").get(f"/insatser/{insats.pk}/")
    client_as("strateg").get(f"/insatser/{insats.pk}/")
    insats.refresh_from_db()
    assert insats.view_count == 2


def test_the_other_municipality_is_refused(client_as, make_insats):
    insats = make_insats(municipality="Huddinge")
    archived = make_insats("Arkiverad", municipality="Huddinge", status=Insats.Status.ARCHIVED)
    client = client_as("admin-botkyrka")
    assert client.get(f"/insatser/{insats.pk}/andra/").status_code == 403
    assert client.post(f"/insatser/{insats.pk}/status/archive/").status_code == 403
    assert client.get(f"/insatser/{archived.pk}/").status_code == 404


def test_an_admin_edits_their_own_insats_and_the_history_records_it(client_as, make_insats):
    insats = make_insats("Samhällsorientering på dari", languages=["prs"])
    client = client_as("admin-huddinge")
    response = client.post(
        f"/insatser/{insats.pk}/andra/",
        form_data(insats, name="Samhällsorientering på dari och persiska", reason="Nytt språk"),
    )
    assert response.status_code == 302
    insats.refresh_from_db()
    assert insats.name == "Samhällsorientering på dari och persiska" and insats.version == 2
    change = InsatsChange.objects.get(insats=insats, field="name")
    assert (change.old_value, change.new_value, change.reason) == (
        "Samhällsorientering på dari",
        "Samhällsorientering på dari och persiska",
        "Nytt språk",
    )
    assert change.changed_by.username == "admin-huddinge"
    page = client.get(f"/insatser/{insats.pk}/").content.decode()
    assert "Nytt språk" in page


def test_a_conflicting_save_keeps_the_input_and_overwrites_nothing(client_as, make_insats):
    insats = make_insats("Språkcafé", languages=["sv"])
    opened = form_data(insats)
    client_as("strateg").post(f"/insatser/{insats.pk}/andra/", form_data(insats, name="Språkcafé Flemingsberg"))
    response = client_as("admin-huddinge").post(
        f"/insatser/{insats.pk}/andra/", {**opened, "name": "Språkcafé Centrum"}
    )
    assert response.status_code == 200
    assert response.context["conflict"]
    assert 'value="Språkcafé Centrum"' in response.content.decode()
    insats.refresh_from_db()
    assert insats.name == "Språkcafé Flemingsberg" and insats.version == 2


def test_an_insats_cannot_be_moved_to_a_municipality_you_do_not_administer(client_as, make_insats, municipalities):
    insats = make_insats()
    response = client_as("admin-huddinge").post(
        f"/insatser/{insats.pk}/andra/", form_data(insats, owner_municipality=municipalities["Botkyrka"].pk)
    )
    assert response.status_code == 200 and "owner_municipality" in response.context["form"].errors
    assert 'href="#id_owner_municipality"' in response.content.decode()
    insats.refresh_from_db()
    assert insats.owner_municipality == municipalities["Huddinge"]


def test_an_admin_creates_an_insats_for_their_municipality(client_as, taxonomy, municipalities):
    response = client_as("admin-huddinge").post(
        "/insatser/ny/",
        {
            "name": "Jobbspår vård",
            "short_description": "Praktik och SFI kombinerat",
            "category": taxonomy["categories"]["praktik"].pk,
            "owner_municipality": municipalities["Huddinge"].pk,
            "intake": "continuous",
            "status": "published",
            "languages": ["sv", "ar"],
            "funding": ["kommun", "esf"],
            "function_phone": "08-535 000 00",
            "how_to_apply": "Tala med din handläggare.",
            "places-TOTAL_FORMS": 2,
            "places-INITIAL_FORMS": 0,
            "places-0-street_address": "Hälsovägen 11",
            "places-0-postal_code": "14152",
            "places-0-city": "Flemingsberg",
            "places-0-municipality": municipalities["Huddinge"].pk,
        },
    )
    assert response.status_code == 302
    insats = Insats.objects.get(name="Jobbspår vård")
    assert insats.languages == ["sv", "ar"] and insats.funding == ["kommun", "esf"]
    # The second, empty row is ignored; the postal code is written the Swedish way.
    assert [(p.street_address, p.postal_code, p.city) for p in insats.places.all()] == [
        ("Hälsovägen 11", "141 52", "Flemingsberg")
    ]
    assert insats.review_due_on is not None and "jobbsp" in insats.search_document


def test_archive_keeps_the_insats_and_hides_it_from_readers(client_as, make_insats):
    insats = make_insats()
    assert client_as("admin-huddinge").post(f"/insatser/{insats.pk}/status/archive/").status_code == 302
    insats.refresh_from_db()
    assert insats.status == Insats.Status.ARCHIVED
    assert client_as("lasare").get(f"/insatser/{insats.pk}/").status_code == 404
    assert client_as("admin-huddinge").get(f"/insatser/{insats.pk}/").status_code == 200


def test_status_actions_need_post(client_as, make_insats):
    insats = make_insats()
    assert client_as("admin-huddinge").get(f"/insatser/{insats.pk}/status/pause/").status_code == 405


def test_still_correct_verifies_and_moves_the_review(client_as, make_insats):
    insats = make_insats(verified_days_ago=400)
    response = client_as("admin-huddinge").post(f"/insatser/{insats.pk}/stammer/", {"next": "home"})
    assert response["Location"] == "/"
    insats.refresh_from_db()
    assert insats.last_verified_by.username == "admin-huddinge"
    assert insats.review_due_on > insats.last_verified_at.date()


def test_the_home_panel_shows_an_admins_due_insatser(client_as, make_insats):
    make_insats("Förfallen kurs", verified_days_ago=400)
    make_insats("Botkyrkas förfallna", municipality="Botkyrka", verified_days_ago=400)
    page = client_as("admin-huddinge").get("/").content.decode()
    assert "Förfallen kurs" in page and "Botkyrkas förfallna" not in page


def test_the_strategist_sees_the_scoreboard_and_readers_do_not(client_as, make_insats):
    make_insats()
    assert client_as("strateg").get("/insatser/aktualitet/").status_code == 200
    assert client_as("lasare").get("/insatser/aktualitet/").status_code == 403
    assert client_as("strateg").get("/insatser/statistik/").status_code == 200
    assert client_as("lasare").get("/insatser/statistik/").status_code == 403
    home = client_as("strateg").get("/").content.decode()
    assert "Södertälje" in home


def test_the_public_catalogue_shows_published_only_and_no_internal_or_personal_data(anonymous_client, make_insats):
    from natverk.models import Contact

    contact = Contact.objects.create(name="Karin Privat", email="karin@exempel.se")
    published = make_insats(
        "Öppen kurs", internal_notes="Hemlig anteckning", contact=contact, function_email="sfi@exempel.se"
    )
    draft = make_insats("Utkastet", status=Insats.Status.DRAFT)
    page = anonymous_client.get("/katalog/").content.decode()
    assert "Öppen kurs" in page and "Utkastet" not in page
    detail = anonymous_client.get(f"/katalog/{published.pk}/").content.decode()
    assert "sfi@exempel.se" in detail
    assert "Hemlig anteckning" not in detail and "Karin Privat" not in detail
    assert anonymous_client.get(f"/katalog/{draft.pk}/").status_code == 404
    published.contact_is_public = True
    published.save()
    assert "Karin Privat" in anonymous_client.get(f"/katalog/{published.pk}/").content.decode()


def test_hsds_services_json_has_the_shape_of_hsds_3(anonymous_client, make_insats, municipalities):
    from insatsbasen.models import Place

    insats = make_insats("SFI kväll", languages=["sv", "ar"], hours="Mån–tor 17–20")
    Place.objects.create(
        insats=insats, street_address="Storgatan 1", city="Huddinge", municipality=municipalities["Huddinge"]
    )
    make_insats("Utkast", status=Insats.Status.DRAFT)
    body = anonymous_client.get("/katalog/hsds/services.json").json()
    assert body["total_items"] == 1 and body["page_number"] == 1
    service = body["contents"][0]
    assert {
        "id",
        "name",
        "description",
        "status",
        "organization",
        "languages",
        "schedules",
        "service_at_locations",
    } <= set(service)
    assert service["organization"]["name"] == "Huddinge kommun"
    assert [language["code"] for language in service["languages"]] == ["sv", "ar"]
    assert service["schedules"][0]["description"].endswith("Mån–tor 17–20")
    address = service["service_at_locations"][0]["location"]["addresses"][0]
    assert address["address_1"] == "Storgatan 1" and address["country"] == "SE"
    assert anonymous_client.get("/katalog/hsds/").status_code == 200


def test_the_review_badge_says_what_to_do_while_the_date_column_keeps_its_own_word(client_as, make_insats):
    make_insats("Språkcafé Skogås", verified_days_ago=400)
    client = client_as("admin-huddinge")
    page = client.get("/insatser/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert ">Ska granskas</span>" in page
    assert '<option value="review_due_on">Granskningsdatum</option>' in page


def test_the_home_panel_lists_due_insatser_with_a_small_button_each(client_as, make_insats):
    due = [make_insats(f"Kurs {letter}", verified_days_ago=400) for letter in "AB"]
    page = client_as("admin-huddinge").get("/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert page.count('class="list-group-item px-0 d-flex') == 2
    for insats in due:
        assert f'action="/insatser/{insats.pk}/stammer/"' in page
    assert 'aria-label="Stämmer fortfarande: Kurs A"' in page and ">Stämmer</span>" in page
