"""Personal data: register extract, anonymisation and the retention review."""

import datetime
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from natverk.models import AnonymisationLog, Attendance, Contact, Meeting

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(register):
    """Yusuf attended a meeting, convenes the network."""
    meeting = Meeting.objects.create(network=register["network"], date=datetime.date(2025, 5, 20), place="Tumba")
    Attendance.objects.create(meeting=meeting, contact=register["yusuf"], status=Attendance.Status.PRESENT)
    register["network"].convenor = register["yusuf"]
    register["network"].save()
    return {**register, "meeting": meeting}


def test_register_extract_as_json_holds_everything_about_the_contact(history, client_as):
    response = client_as("strateg").get(reverse("natverk:contact_extract", args=[history["yusuf"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    details = data["Dina kontaktuppgifter"]
    assert details["Namn"] == "Yusuf Demir"
    assert details["E-post (arbete)"] == "yusuf.demir@exempel.se"
    assert details["Anteckningar"] == "Föredrar möten på förmiddagen."
    assert data["Organisation"] == "SFI Botkyrka"
    assert "registret" in data["Om utdraget"]
    memberships = data["Medlemskap"]
    assert [row["Roll"] for row in memberships] == ["Representant för SFI"]
    assert data["Närvaro"][0]["Möte"].endswith("2025-05-20")
    assert data["Närvaro"][0]["Status"] == "Närvarande"  # the label, not the code "present"
    assert data["Nätverk"][0]["Namn"] == "Södertörns SFI-nätverk"
    # Every relation pointing at Contact is in the extract, whichever part of the portal added it.
    assert {
        str(rel.related_model._meta.verbose_name_plural).capitalize() for rel in Contact._meta.related_objects
    } <= set(data)
    text = json.dumps(data, ensure_ascii=False)
    # Written for the person: no model labels, codes, ISO timestamps or lock counters.
    assert "natverk." not in text and '"present"' not in text and "Version" not in details
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text)


def test_register_extract_as_excel_goes_through_my_exports(history, client_as, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    from intro_sodertorn.models import ExportJob

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("strateg").post(reverse("natverk:contact_extract", args=[history["yusuf"].pk]))
    assert response.status_code == 302 and response.url == reverse("exports")
    job = ExportJob.objects.get(kind="natverk.extract")
    assert job.status == ExportJob.Status.DONE, job.error
    workbook = load_workbook(job.file.open("rb"))
    assert "Yusuf Demir" in [row[1] for row in workbook["Kontakt"].iter_rows(values_only=True)]
    assert len(workbook.sheetnames) >= 3  # contact, memberships, attendances, networks convened


def test_only_the_strategist_may_take_an_extract(history, client_as):
    for username in ("lasare", "admin-botkyrka", "introchef-botkyrka"):
        url = reverse("natverk:contact_extract", args=[history["yusuf"].pk])
        assert client_as(username).get(url).status_code == 403
        assert client_as(username).post(url).status_code == 403


def test_anonymise_removes_personal_data_keeps_meeting_history_and_logs_the_act(history, client_as):
    yusuf = history["yusuf"]
    response = client_as("strateg").post(
        reverse("natverk:contact_anonymise", args=[yusuf.pk]), {"reason": "request", "confirm": "on"}
    )
    assert response.status_code == 302
    yusuf.refresh_from_db()
    assert yusuf.name == f"Anonymiserad kontakt #{yusuf.pk}"
    assert (yusuf.title, yusuf.email, yusuf.phone, yusuf.notes) == ("", "", "", "")
    assert not yusuf.is_active and yusuf.anonymised_at is not None
    # Meeting history and past membership stay, now under the anonymous name.
    assert history["meeting"].attendances.get().contact == yusuf
    membership = yusuf.memberships.get()
    assert membership.valid_to == timezone.localdate()
    log = AnonymisationLog.objects.get()
    assert log.contact_id_anonymised == yusuf.pk and log.performed_by.username == "strateg"
    logged = " ".join(str(value) for value in log.__dict__.values())
    assert "Yusuf" not in logged and "demir" not in logged.lower()
    body = client_as("lasare").get(reverse("natverk:meeting_detail", args=[history["meeting"].pk])).content.decode()
    assert f"Anonymiserad kontakt #{yusuf.pk}" in body and "Yusuf" not in body


def test_anonymise_needs_the_confirmation(history, client_as):
    response = client_as("strateg").post(
        reverse("natverk:contact_anonymise", args=[history["yusuf"].pk]), {"reason": "request"}
    )
    assert response.status_code == 200
    history["yusuf"].refresh_from_db()
    assert history["yusuf"].name == "Yusuf Demir"
    assert not AnonymisationLog.objects.exists()


def test_only_the_strategist_may_anonymise(history, client_as):
    url = reverse("natverk:contact_anonymise", args=[history["yusuf"].pk])
    response = client_as("introchef-botkyrka").post(url, {"reason": "request", "confirm": "on"})
    assert response.status_code == 403
    history["yusuf"].refresh_from_db()
    assert history["yusuf"].name == "Yusuf Demir"


def test_retention_review_lists_contacts_inactive_for_24_months(history, client_as):
    mona, yusuf = history["mona"], history["yusuf"]
    with time_machine.travel(datetime.datetime(2028, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        # Mona was changed in March 2026; Yusuf attended a meeting in May 2025; Rolf is active now.
        Contact.objects.filter(pk=history["rolf"].pk).update(last_activity_at=timezone.now())
        Contact.objects.filter(pk=mona.pk).update(updated_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))
        Contact.objects.filter(pk=yusuf.pk).update(updated_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
        response = client_as("strateg").get(reverse("natverk:retention_review"))
        body = response.content.decode()
        assert "Yusuf Demir" in body  # latest meeting 2025-05-20, more than 24 months ago
        assert "Mona Fredriksson" not in body  # changed 2026-03-01, less than 24 months ago
        assert "Rolf Engström" not in body
        assert client_as("admin-botkyrka").get(reverse("natverk:retention_review")).status_code == 403


def test_a_recent_meeting_keeps_a_contact_out_of_the_retention_review(history):
    yusuf = history["yusuf"]
    Contact.objects.filter(pk=yusuf.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), last_activity_at=None
    )
    late = Meeting.objects.create(network=history["network"], date=datetime.date(2027, 6, 1))
    Attendance.objects.create(meeting=late, contact=yusuf)
    with time_machine.travel(datetime.datetime(2028, 1, 10, 12, tzinfo=datetime.UTC), tick=False):
        assert yusuf not in Contact.objects.due_for_retention_review()
    with time_machine.travel(datetime.datetime(2029, 7, 1, 12, tzinfo=datetime.UTC), tick=False):
        assert yusuf in Contact.objects.due_for_retention_review()


def test_editing_a_meeting_keeps_an_anonymised_guest_in_the_history(history, client_as):
    from natverk import services

    guest = factories.contact("Gunilla Åkerman", email="gunilla@exempel.se")
    Attendance.objects.create(meeting=history["meeting"], contact=guest, status=Attendance.Status.EXCUSED)
    services.contact_anonymise(guest, None)
    response = client_as("strateg").get(reverse("natverk:meeting_edit", args=[history["meeting"].pk]))
    form = response.context["form"]
    # The anonymised guest is listed with the status recorded, and the page sends it back unchanged.
    assert form[f"attendance_{guest.pk}"].value() == Attendance.Status.EXCUSED
    data = {
        "date": "2025-05-20",
        "place": "Tumba",
        f"attendance_{history['yusuf'].pk}": "present",
        f"attendance_{guest.pk}": form[f"attendance_{guest.pk}"].value(),
        "version": form["version"].value(),
        "others-TOTAL_FORMS": "1",
        "others-INITIAL_FORMS": "0",
        "decisions-TOTAL_FORMS": "0",
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "1000",
    }
    assert (
        client_as("strateg").post(reverse("natverk:meeting_edit", args=[history["meeting"].pk]), data).status_code
        == 302
    )
    assert history["meeting"].attendances.get(contact=guest).status == Attendance.Status.EXCUSED


def test_register_extract_includes_action_points_the_contact_owns(history, client_as):
    from uppdrag.models import ActionPoint

    ActionPoint.objects.create(title="Sammanställ SFI-utbudet", owner_contact=history["yusuf"])
    response = client_as("strateg").get(reverse("natverk:contact_extract", args=[history["yusuf"].pk]))
    rows = json.loads(response.content)["Åtgärdspunkter"]
    assert len(rows) == 1
    assert "Sammanställ SFI-utbudet" in json.dumps(rows, ensure_ascii=False)


def test_contact_page_lists_owned_action_points_and_the_review_page_shows_the_log(history, client_as):
    from uppdrag.models import ActionPoint

    point = ActionPoint.objects.create(title="Sammanställ SFI-utbudet", owner_contact=history["yusuf"])
    body = client_as("lasare").get(reverse("natverk:contact_detail", args=[history["yusuf"].pk])).content.decode()
    assert "Sammanställ SFI-utbudet" in body and reverse("uppdrag:actionpoint_detail", args=[point.pk]) in body
    client = client_as("strateg")
    client.post(reverse("natverk:contact_anonymise", args=[history["mona"].pk]), {"reason": "left", "confirm": "on"})
    body = client.get(reverse("natverk:retention_review")).content.decode()
    assert f"#{history['mona'].pk}" in body and "Personen har lämnat uppdraget" in body and "Maria Sandberg" in body


def test_a_long_retention_review_is_paged_oldest_activity_first(client_as):
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    for number in range(53):
        contact = Contact.objects.create(name=f"Inaktiv {number:02}")
        Contact.objects.filter(pk=contact.pk).update(
            updated_at=old + datetime.timedelta(days=number), last_activity_at=None
        )
    client = client_as("strateg")
    first = client.get(reverse("natverk:retention_review"))
    names = [contact.name for contact in first.context["page"]]
    assert names == [f"Inaktiv {number:02}" for number in range(50)]
    assert "53 kontakter ska ses över" in first.content.decode() and "sida=2" in first.content.decode()
    second = client.get(reverse("natverk:retention_review"), {"sida": "2"})
    assert [contact.name for contact in second.context["page"]] == ["Inaktiv 50", "Inaktiv 51", "Inaktiv 52"]
    assert client.get(reverse("natverk:retention_review"), {"sida": "x"}).status_code == 200  # the first page
