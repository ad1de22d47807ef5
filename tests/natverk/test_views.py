"""The pages of the network register, run as each member of the cast."""

import datetime

import pytest
from django.urls import reverse

from natverk.models import Contact, Decision, Meeting, Membership, Organisation

from . import factories

pytestmark = pytest.mark.django_db


def page_urls(register):
    meeting = Meeting.objects.create(network=register["network"], date=datetime.date(2026, 3, 1))
    membership = Membership.objects.get(contact=register["yusuf"])
    pk = register["yusuf"].pk
    return [
        reverse("natverk:index"),
        reverse("natverk:organisation_list"),
        reverse("natverk:organisation_detail", args=[register["sfi_botkyrka"].pk]),
        reverse("natverk:contact_list"),
        reverse("natverk:contact_detail", args=[pk]),
        reverse("natverk:network_list"),
        reverse("natverk:network_detail", args=[register["network"].pk]),
        reverse("natverk:meeting_detail", args=[meeting.pk]),
    ], [
        reverse("natverk:organisation_create"),
        reverse("natverk:organisation_edit", args=[register["sfi_botkyrka"].pk]),
        reverse("natverk:contact_create"),
        reverse("natverk:contact_edit", args=[pk]),
        reverse("natverk:contact_extract", args=[pk]),
        reverse("natverk:contact_anonymise", args=[pk]),
        reverse("natverk:retention_review"),
        reverse("natverk:network_create"),
        reverse("natverk:network_edit", args=[register["network"].pk]),
        reverse("natverk:membership_add", args=[register["network"].pk]),
        reverse("natverk:membership_end", args=[membership.pk]),
        reverse("natverk:meeting_create", args=[register["network"].pk]),
        reverse("natverk:meeting_edit", args=[meeting.pk]),
    ]


def test_every_page_needs_login(register, anonymous_client):
    read_urls, write_urls = page_urls(register)
    for url in read_urls + write_urls:
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/logga-in/"), url


@pytest.mark.parametrize("username", ["lasare", "admin-huddinge", "introchef-botkyrka", "strateg", "statistik-region"])
def test_every_reading_page_works_for_every_logged_in_user(register, client_as, username):
    read_urls, _write = page_urls(register)
    client = client_as(username)
    for url in read_urls:
        assert client.get(url).status_code == 200, url


def test_every_page_works_for_the_strategist(register, client_as):
    read_urls, write_urls = page_urls(register)
    client = client_as("strateg")
    for url in write_urls:
        assert client.get(url).status_code == 200, url


def test_a_reader_may_change_nothing(register, client_as):
    _read, write_urls = page_urls(register)
    client = client_as("lasare")
    for url in write_urls:
        assert client.get(url).status_code == 403, url


def test_a_municipal_user_may_not_use_the_strategists_tools(register, client_as):
    client = client_as("admin-botkyrka")
    pk = register["yusuf"].pk
    for url in [
        reverse("natverk:contact_extract", args=[pk]),
        reverse("natverk:contact_anonymise", args=[pk]),
        reverse("natverk:retention_review"),
        reverse("natverk:network_create"),
        reverse("natverk:meeting_create", args=[register["network"].pk]),
        reverse("natverk:membership_add", args=[register["network"].pk]),
    ]:
        assert client.get(url).status_code == 403, url


def test_a_missing_object_is_404(cast, client_as):
    assert client_as("strateg").get(reverse("natverk:contact_detail", args=[999999])).status_code == 404


def contact_data(register, **changes):
    data = {
        "name": "Yusuf Demir",
        "title": "Rektor SFI",
        "organisation": register["sfi_botkyrka"].pk,
        "municipality": register["botkyrka"].pk,
        "email": "yusuf.demir@exempel.se",
        "phone": "08-530 610 00",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_municipal_user_edits_a_contact_of_their_municipality(register, client_as):
    url = reverse("natverk:contact_edit", args=[register["yusuf"].pk])
    data = contact_data(register, title="Biträdande rektor SFI", version=register["yusuf"].version)
    response = client_as("introchef-botkyrka").post(url, data)
    assert response.status_code == 302
    register["yusuf"].refresh_from_db()
    assert register["yusuf"].title == "Biträdande rektor SFI"
    # Notes are not in the municipal user's form, so they stay as they were.
    assert register["yusuf"].notes == "Föredrar möten på förmiddagen."


def test_a_municipal_user_may_not_edit_another_municipalitys_contact(register, client_as):
    client = client_as("admin-huddinge")
    url = reverse("natverk:contact_edit", args=[register["yusuf"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, contact_data(register, title="Ändrad")).status_code == 403
    register["yusuf"].refresh_from_db()
    assert register["yusuf"].title == ""


def test_a_municipal_user_may_not_move_a_contact_to_another_municipality(register, client_as):
    url = reverse("natverk:contact_create")
    response = client_as("admin-huddinge").post(
        url, contact_data(register, name="Ny Person", email="ny@exempel.se", municipality=register["botkyrka"].pk)
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Contact.objects.filter(name="Ny Person").exists()


def test_a_municipal_user_may_not_edit_another_municipalitys_organisation(register, client_as):
    url = reverse("natverk:organisation_edit", args=[register["sfi_botkyrka"].pk])
    assert client_as("admin-huddinge").get(url).status_code == 403
    assert client_as("admin-botkyrka").get(url).status_code == 200


def test_notes_are_shown_only_to_the_strategist(register, client_as):
    url = reverse("natverk:contact_detail", args=[register["yusuf"].pk])
    assert "Föredrar möten" in client_as("strateg").get(url).content.decode()
    for username in ("lasare", "admin-botkyrka", "introchef-botkyrka"):
        body = client_as(username).get(url).content.decode()
        assert "Föredrar möten" not in body, username
        # Work e-mail is work data: colleagues see it.
        assert "yusuf.demir@exempel.se" in body
    edit = client_as("admin-botkyrka").get(reverse("natverk:contact_edit", args=[register["yusuf"].pk]))
    assert "Föredrar möten" not in edit.content.decode()


def test_contact_list_filters_by_search_organisation_municipality_and_status(register, client_as):
    client = client_as("lasare")
    url = reverse("natverk:contact_list")
    register["rolf"].is_active = False
    register["rolf"].save()
    assert "Yusuf Demir" in client.get(url, {"q": "yusuf"}).content.decode()
    assert "Mona" not in client.get(url, {"q": "yusuf"}).content.decode()
    body = client.get(url, {"organisation": register["sfi_huddinge"].pk, "active": "1"}).content.decode()
    assert "Mona Fredriksson" in body and "Rolf" not in body and "Yusuf" not in body
    body = client.get(url, {"municipality": register["botkyrka"].pk}).content.decode()
    assert "Yusuf" in body and "Mona" not in body


def test_creating_a_contact_with_the_same_email_warns_and_saves_nothing(register, client_as):
    client = client_as("strateg")
    data = contact_data(register, name="Y. Demir", organisation=register["sfi_huddinge"].pk)
    response = client.post(reverse("natverk:contact_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Möjliga dubbletter" in body and "Yusuf Demir" in body
    assert Contact.objects.filter(email="yusuf.demir@exempel.se").count() == 1


def test_creating_a_contact_with_a_similar_name_at_the_same_organisation_warns(register, client_as):
    data = contact_data(register, name="Yusuf  Demir-", email="", organisation=register["sfi_botkyrka"].pk)
    response = client_as("strateg").post(reverse("natverk:contact_create"), data)
    assert "Möjliga dubbletter" in response.content.decode()
    assert Contact.objects.filter(name__startswith="Yusuf").count() == 1


def test_create_anyway_saves_the_possible_duplicate(register, client_as):
    data = contact_data(register, email="", confirm_duplicate="on")
    response = client_as("strateg").post(reverse("natverk:contact_create"), data)
    assert response.status_code == 302
    assert Contact.objects.filter(name="Yusuf Demir").count() == 2


def test_a_different_person_is_created_without_warning(register, client_as):
    data = contact_data(register, name="Karin Alm", email="karin.alm@exempel.se")
    response = client_as("admin-botkyrka").post(reverse("natverk:contact_create"), data)
    assert response.status_code == 302
    assert Contact.objects.get(name="Karin Alm").municipality == register["botkyrka"]


def test_organisation_create_and_edit(register, client_as, municipalities):
    client = client_as("strateg")
    response = client.post(
        reverse("natverk:organisation_create"),
        {"name": "Försäkringskassan", "kind": "forsakringskassan", "website": "https://www.forsakringskassan.se"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Försäkringskassan")
    response = client.post(
        reverse("natverk:organisation_edit", args=[organisation.pk]),
        {
            "name": "Försäkringskassan Södertörn",
            "kind": "forsakringskassan",
            "notes": "Kontaktväg via växeln.",
            "version": organisation.version,
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Försäkringskassan Södertörn" and organisation.notes == "Kontaktväg via växeln."
    body = client_as("lasare").get(reverse("natverk:organisation_detail", args=[organisation.pk])).content.decode()
    assert "Försäkringskassan Södertörn" in body and "Kontaktväg" not in body


def test_network_page_shows_current_members_and_history(register, client_as):
    body = client_as("lasare").get(reverse("natverk:network_detail", args=[register["network"].pk])).content.decode()
    current, history = body.split("Tidigare medlemmar")
    assert "Yusuf Demir" in current and "Mona Fredriksson" in current
    assert "Rolf Engström" in history and "2025-06-30" in history
    assert "Rolf Engström" not in current


def test_one_click_lists_member_municipalities_without_representative(register, client_as):
    url = reverse("natverk:network_detail", args=[register["network"].pk])
    body = client_as("lasare").get(url, {"saknas": "1"}).content.decode()
    start = body.index('id="missing"')
    missing = body[start : body.index("</div>", start)]
    assert "Salem" in missing and "Värmdö" in missing and "Nacka" in missing
    assert "Botkyrka" not in missing and "Huddinge" not in missing


def test_strategist_adds_and_ends_a_membership_which_stays_as_history(register, client_as):
    client = client_as("strateg")
    salem_rep = factories.contact("Annika Borg", municipality=register["huddinge"].__class__.objects.get(name="Salem"))
    response = client.post(
        reverse("natverk:membership_add", args=[register["network"].pk]),
        {"contact": salem_rep.pk, "role": "Representant för SFI", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(contact=salem_rep)
    assert membership.municipality.name == "Salem"  # taken from the contact
    response = client.post(
        reverse("natverk:membership_end", args=[membership.pk]),
        {"valid_to": "2026-02-28", "version": membership.version},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.valid_to == datetime.date(2026, 2, 28)
    assert membership in Membership.objects.filter(network=register["network"])
    assert membership not in Membership.objects.current(datetime.date(2026, 3, 1))


def test_a_membership_cannot_end_before_it_started(register, client_as):
    membership = Membership.objects.get(contact=register["yusuf"])
    response = client_as("strateg").post(
        reverse("natverk:membership_end", args=[membership.pk]), {"valid_to": "2024-01-01"}
    )
    assert response.status_code == 200
    assert "innan medlemskapet började" in response.content.decode()
    membership.refresh_from_db()
    assert membership.valid_to is None


def test_members_export_holds_the_current_members(register, client_as, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    from intro_sodertorn.models import ExportJob

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("lasare").post(reverse("natverk:network_export", args=[register["network"].pk]))
    assert response.status_code == 302
    job = ExportJob.objects.get(kind="natverk.members")
    assert job.status == ExportJob.Status.DONE, job.error
    sheet = load_workbook(job.file.open("rb")).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_index = rows.index(["Namn", "Organisation", "Kommun", "Roll", "E-post (arbete)", "Telefon (arbete)"])
    members = rows[header_index + 1 :]
    assert ["Yusuf Demir", "SFI Botkyrka", "Botkyrka", "Representant för SFI", "yusuf.demir@exempel.se", None] in [
        [cell if cell != "" else None for cell in row] for row in members
    ]
    assert not any("Rolf" in str(row) for row in members)


def test_home_panel_for_strategist_and_municipal_user(register, client_as):
    meeting = Meeting.objects.create(network=register["network"], date=datetime.date.today())
    Decision.objects.create(meeting=meeting, text="Ett beslut att följa upp.")
    body = client_as("strateg").get("/").content.decode()
    assert "Nätverk och möten" in body and "Ett beslut att följa upp." in body
    body = client_as("admin-botkyrka").get("/").content.decode()
    assert "Botkyrka: 1 aktiv kontakt" in body


def test_a_municipal_user_creates_organisations_only_in_their_municipality(register, client_as):
    client = client_as("admin-huddinge")
    data = {"name": "Vägledningscentrum", "kind": "municipal_unit", "municipality": register["botkyrka"].pk}
    assert client.post(reverse("natverk:organisation_create"), data).status_code == 200
    assert not Organisation.objects.filter(name="Vägledningscentrum").exists()
    data["municipality"] = register["huddinge"].pk
    assert client.post(reverse("natverk:organisation_create"), data).status_code == 302
    assert Organisation.objects.get(name="Vägledningscentrum").municipality == register["huddinge"]


def test_contact_search_also_matches_the_organisation(register, client_as):
    body = client_as("lasare").get(reverse("natverk:contact_list"), {"q": "SFI Huddinge"}).content.decode()
    assert "Mona Fredriksson" in body and "Yusuf Demir" not in body


def test_landing_page_links_a_municipal_user_to_their_municipalitys_contacts(register, client_as):
    body = client_as("admin-botkyrka").get(reverse("natverk:index")).content.decode()
    assert f"?municipality={register['botkyrka'].pk}" in body and "Kontakter i Botkyrka" in body


@pytest.mark.parametrize("model", ["organisation", "contact", "network", "meeting", "anonymisationlog"])
def test_system_administrator_can_open_the_register_in_admin(register, client_as, model):
    client = client_as("admin")
    assert client.get(f"/admin/natverk/{model}/").status_code == 200
    assert client.get(f"/admin/natverk/network/{register['network'].pk}/change/").status_code == 200
