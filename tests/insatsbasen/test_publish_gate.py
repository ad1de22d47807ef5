"""The publishing gate: what a newcomer needs before an insats is published, on every door that writes one."""

import datetime

import pytest
from django.utils import timezone

from insatsbasen.models import Insats, InsatsChange, Place, publish_gaps
from natverk.models import Contact, Organisation

from .test_views import form_data

COMPLETE = {
    "languages": ["sv"],
    "how_to_apply": "Anmäl dig hos din handläggare.",
    "function_email": "sfi@huddinge.exempel.se",
    "is_remote": True,
}


def gap_keys(insats, place_count=None):
    return [key for key, _field, _message in publish_gaps(insats, place_count)]


def test_a_complete_insats_passes_and_each_missing_part_is_named(make_insats):
    insats = make_insats("SFI grund", **COMPLETE)
    assert gap_keys(insats) == []
    cases = [
        ({"function_email": ""}, ["reach"]),
        ({"is_remote": False}, ["where"]),
        ({"languages": []}, ["languages"]),
        ({"how_to_apply": ""}, ["how_to_apply"]),
        ({"intake": Insats.Intake.FIXED}, ["intake_dates"]),
        ({"intake": Insats.Intake.FIXED, "intake_dates": "12 januari, 9 mars"}, []),
        ({"function_email": "", "languages": [], "how_to_apply": ""}, ["reach", "languages", "how_to_apply"]),
    ]
    for changes, expected in cases:
        candidate = Insats.objects.get(pk=insats.pk)
        for name, value in changes.items():
            setattr(candidate, name, value)
        assert gap_keys(candidate) == expected, changes


def test_a_place_a_phone_a_public_contact_or_a_provider_website_are_enough(make_insats):
    insats = make_insats("SFI grund", **{**COMPLETE, "function_email": "", "is_remote": False})
    assert gap_keys(insats) == ["reach", "where"]
    Place.objects.create(insats=insats, street_address="Storgatan 1", city="Huddinge")
    assert gap_keys(insats) == ["reach"]
    insats.function_phone = "08-535 000 00"
    assert gap_keys(insats) == []
    insats.function_phone = ""
    insats.contact = Contact.objects.create(name="Lena Berg", email="lena@exempel.se")
    assert gap_keys(insats) == ["reach"], "a contact person who is not shown publicly cannot be reached"
    insats.contact_is_public = True
    assert gap_keys(insats) == []
    insats.contact, insats.contact_is_public = None, False
    insats.provider = Organisation.objects.create(name="Studieförbundet Exempel")
    assert gap_keys(insats) == ["reach"]
    insats.provider.website = "https://studieforbundet.exempel.se"
    assert gap_keys(insats) == []


def test_the_sql_form_of_the_gate_agrees_with_the_function(make_insats):
    contact = Contact.objects.create(name="Lena Berg", phone="08-1")
    hidden = Contact.objects.create(name="Per Ek", email="per@exempel.se")
    site = Organisation.objects.create(name="Med webbplats", website="https://exempel.se")
    bare = Organisation.objects.create(name="Utan webbplats")
    variants = [
        {},
        {"function_email": ""},
        {"function_email": "", "function_phone": "08-2"},
        {"function_email": "", "contact": contact, "contact_is_public": True},
        {"function_email": "", "contact": hidden, "contact_is_public": True, "provider": bare},
        {"function_email": "", "contact": hidden, "contact_is_public": False, "provider": bare},
        {"function_email": "", "contact": contact, "contact_is_public": False},
        {"function_email": "", "provider": site},
        {"is_remote": False},
        {"languages": []},
        {"how_to_apply": ""},
        {"intake": Insats.Intake.FIXED},
        {"intake": Insats.Intake.FIXED, "intake_dates": "Varje månad"},
    ]
    made = [make_insats(f"Variant {index}", **{**COMPLETE, **changes}) for index, changes in enumerate(variants)]
    Place.objects.create(insats=made[8], street_address="Storgatan 1", city="Huddinge")
    failing = set(Insats.objects.failing_publish_gate().values_list("pk", flat=True))
    assert failing == {insats.pk for insats in made if publish_gaps(insats)}
    # Hand-counted: no reach (1), a hidden contact and a provider without a website (5), a contact not shown (6),
    # no language (9), no way to apply (10), fixed intake without dates (11).
    assert failing == {made[index].pk for index in (1, 5, 6, 9, 10, 11)}


def test_the_form_refuses_to_publish_says_what_is_missing_in_swedish_and_saves_nothing(
    client_as, taxonomy, municipalities
):
    response = client_as("admin-huddinge").post(
        "/insatser/ny/",
        {
            "name": "Nästan tom",
            "short_description": "Kort",
            "category": taxonomy["categories"]["praktik"].pk,
            "owner_municipality": municipalities["Huddinge"].pk,
            "intake": "fixed",
            "status": "published",
            "places-TOTAL_FORMS": 1,
            "places-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200 and not Insats.objects.exists()
    page = response.content.decode()
    assert "Den kan inte publiceras ännu: 5 uppgifter som en nyanländ behöver saknas" in page
    for missing in (
        "Ange ett sätt att nå någon",
        "Lägg till minst en plats nedan, eller kryssa i ”på distans eller hemma”",
        "Välj minst ett undervisningsspråk",
        "Skriv hur man ansöker",
        "Intaget är ”Fasta datum”: skriv datumen",
    ):
        assert missing in page, missing
    form = response.context["form"]
    assert {"function_email", "is_remote", "languages", "how_to_apply", "intake_dates"} <= set(form.errors)


def test_the_same_entry_is_saved_as_a_draft(client_as, taxonomy, municipalities):
    response = client_as("admin-huddinge").post(
        "/insatser/ny/",
        {
            "name": "Nästan tom",
            "short_description": "Kort",
            "category": taxonomy["categories"]["praktik"].pk,
            "owner_municipality": municipalities["Huddinge"].pk,
            "intake": "fixed",
            "status": "draft",
            "places-TOTAL_FORMS": 0,
            "places-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302 and Insats.objects.get().status == Insats.Status.DRAFT


def test_a_place_in_the_formset_counts_for_where(client_as, taxonomy, municipalities):
    response = client_as("admin-huddinge").post(
        "/insatser/ny/",
        {
            "name": "Språkcafé",
            "short_description": "Kort",
            "category": taxonomy["categories"]["praktik"].pk,
            "owner_municipality": municipalities["Huddinge"].pk,
            "intake": "continuous",
            "status": "published",
            "languages": ["sv"],
            "function_phone": "08-535 000 00",
            "how_to_apply": "Kom direkt.",
            "places-TOTAL_FORMS": 1,
            "places-INITIAL_FORMS": 0,
            "places-0-street_address": "Storgatan 1",
            "places-0-city": "Huddinge",
        },
    )
    assert response.status_code == 302 and Insats.objects.get().status == Insats.Status.PUBLISHED


def test_a_published_insats_cannot_lose_what_it_needs_in_an_edit(client_as, make_insats):
    insats = make_insats("SFI grund", **COMPLETE)
    data = form_data(insats, how_to_apply="", capacity="40")
    response = client_as("admin-huddinge").post(f"/insatser/{insats.pk}/andra/", data)
    assert response.status_code == 200 and "Skriv hur man ansöker" in response.content.decode()
    assert "1 uppgift som en nyanländ behöver saknas" in response.content.decode()
    insats.refresh_from_db()
    assert (insats.how_to_apply, insats.capacity, insats.version) == (COMPLETE["how_to_apply"], None, 1)
    assert not InsatsChange.objects.filter(insats=insats).exists()


def test_publishing_a_draft_by_the_button_passes_the_gate(client_as, make_insats):
    insats = make_insats("SFI grund", status=Insats.Status.DRAFT, **{**COMPLETE, "languages": []})
    client = client_as("admin-huddinge")
    response = client.post(f"/insatser/{insats.pk}/status/publish/", follow=True)
    assert "minst ett undervisningsspråk" in response.content.decode()
    insats.refresh_from_db()
    assert insats.status == Insats.Status.DRAFT and insats.version == 1
    Insats.objects.filter(pk=insats.pk).update(languages=["sv"])
    client.post(f"/insatser/{insats.pk}/status/publish/")
    insats.refresh_from_db()
    assert insats.status == Insats.Status.PUBLISHED and insats.version == 2


def test_existing_incomplete_entries_stay_published_and_are_listed_for_their_owners(client_as, make_insats):
    incomplete = make_insats("Gammal post", **{**COMPLETE, "how_to_apply": "", "languages": []})
    make_insats("Hel post", **COMPLETE)
    make_insats("Botkyrkas", municipality="Botkyrka", **{**COMPLETE, "how_to_apply": ""})
    home = client_as("admin-huddinge").get("/").content.decode()
    assert "Gammal post" in home and "Hel post" not in home and "Botkyrkas" not in home
    assert "så ansöker du" in home and "minst ett undervisningsspråk" in home
    listed = client_as("admin-huddinge").get("/insatser/?review=incomplete")
    assert [insats.name for insats in listed.context["page"]] == ["Gammal post"]
    incomplete.refresh_from_db()
    assert incomplete.status == Insats.Status.PUBLISHED
    board = client_as("strateg").get("/insatser/aktualitet/")
    rows = {row["municipality"].name: row["incomplete"] for row in board.context["rows"]}
    assert (rows["Huddinge"], rows["Botkyrka"], rows["Haninge"]) == (1, 1, 0)


def test_the_import_applies_the_gate_per_row(cast, make_insats, municipalities):
    from insatsbasen import imports

    insats = make_insats("SFI grund", **COMPLETE)
    row = imports.validate_row(
        7,
        {
            "id": str(insats.pk),
            "name": "SFI grund",
            "short_description": insats.short_description,
            "category": insats.category_id,
            "owner_municipality": municipalities["Huddinge"].pk,
            "intake": "continuous",
            "status": "published",
            "languages": ["sv"],
            "how_to_apply": "",
            "function_email": "sfi@huddinge.exempel.se",
        },
        municipalities["Huddinge"],
        cast["admin-huddinge"],
    )
    assert row.action == "error" and any("så ansöker du" in error for error in row.errors)


@pytest.mark.parametrize("setting", ["mark", "hide"])
def test_the_public_catalogue_shows_the_last_confirmation_and_marks_or_hides_overdue_entries(
    anonymous_client, make_insats, settings, setting
):
    settings.INSATSBASEN_OVERDUE_PUBLIC = setting
    fresh = make_insats("Färsk kurs", verified_days_ago=10, **COMPLETE)
    # SFI reviews every 6 months: verified 8 months ago, it is about two months past its review date.
    stale = make_insats("Gammal kurs", verified_days_ago=240, **COMPLETE)
    # Due three weeks ago: late, but not beyond the escalation limit (four weeks).
    late = make_insats("Sen kurs", verified_days_ago=0, **COMPLETE)
    Insats.objects.filter(pk=late.pk).update(review_due_on=timezone.localdate() - datetime.timedelta(weeks=3))
    page = anonymous_client.get("/katalog/").content.decode()
    assert "Färsk kurs" in page and "Sen kurs" in page
    detail = anonymous_client.get(f"/katalog/{fresh.pk}/").content.decode()
    assert "Senast bekräftad" in detail and "har inte bekräftats" not in detail
    assert "har inte bekräftats" not in anonymous_client.get(f"/katalog/{late.pk}/").content.decode()
    stale_detail = anonymous_client.get(f"/katalog/{stale.pk}/")
    if setting == "mark":
        assert "Gammal kurs" in page
        confirmed = timezone.localtime(stale.last_verified_at).date()
        assert f"Uppgifterna har inte bekräftats sedan {confirmed.day} " in stale_detail.content.decode()
    else:
        assert "Gammal kurs" not in page and stale_detail.status_code == 404


def test_the_detail_page_tells_an_editor_what_is_missing_and_a_reader_nothing(client_as, make_insats):
    insats = make_insats("Gammal post", **{**COMPLETE, "languages": []})
    page = client_as("admin-huddinge").get(f"/insatser/{insats.pk}/").content.decode()
    assert "Insatsen är publicerad men saknar" in page and "minst ett undervisningsspråk" in page
    assert "minst ett undervisningsspråk" not in client_as("lasare").get(f"/insatser/{insats.pk}/").content.decode()
    Insats.objects.filter(pk=insats.pk).update(languages=["sv"])
    assert "saknar det en nyanländ" not in client_as("admin-huddinge").get(f"/insatser/{insats.pk}/").content.decode()
