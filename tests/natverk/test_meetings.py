"""Recording and editing a meeting: attendees (members and others, present or excused) and decisions."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from natverk import services
from natverk.models import Attendance, Decision, Meeting

from . import factories

pytestmark = pytest.mark.django_db

MANAGEMENT = {"MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def formset(prefix, rows, initial=0):
    """POST data of a formset: ``rows`` is a list of dicts of field → value."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    data.update({f"{prefix}-{key}": value for key, value in MANAGEMENT.items()})
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{field}": value for field, value in row.items()})
    return data


def meeting_post(register, decisions=({"text": "Nätverket utser en representant per kommun."},), others=(), **extra):
    data = {
        "date": "2026-03-10",
        "place": "Huddinge kommunhus",
        "agenda": "1. Omställningen",
        "notes": "Bra möte.",
        f"attendance_{register['yusuf'].pk}": "present",
        f"attendance_{register['mona'].pk}": "excused",
        **formset("others", list(others) or [{"contact": "", "status": "present"}]),
        **formset("decisions", list(decisions)),
    }
    data.update(extra)
    return data


def statuses(meeting):
    return {a.contact.name: a.status for a in meeting.attendances.select_related("contact")}


@pytest.fixture
def guest(register):
    return factories.contact("Gunilla Åkerman", factories.organisation("Arbetsförmedlingen", kind="arbetsformedlingen"))


def test_the_form_offers_present_excused_and_not_noted_for_each_member_and_a_row_for_others(register, client_as):
    body = client_as("strateg").get(reverse("natverk:meeting_create", args=[register["network"].pk])).content.decode()
    for contact in (register["yusuf"], register["mona"]):
        for value in ("present", "excused", ""):
            assert f'name="attendance_{contact.pk}" value="{value}"' in body
    assert f'name="attendance_{register["rolf"].pk}"' not in body  # a past member
    assert 'name="others-0-contact"' in body and 'id="others-template"' in body
    assert 'name="decisions-0-text"' in body and 'name="decisions-1-text"' not in body  # one empty box
    assert 'id="decisions-template"' in body and "Lägg till beslut" in body and "Spara och lägg till fler" in body
    assert f'name="date" value="{timezone.localdate():%Y-%m-%d}"' in body  # today is proposed


def test_strategist_records_a_meeting_with_members_a_guest_excused_and_decisions(register, client_as, guest):
    response = client_as("strateg").post(
        reverse("natverk:meeting_create", args=[register["network"].pk]),
        meeting_post(
            register,
            others=[{"contact": str(guest.pk), "status": "excused"}],
            decisions=[{"text": "Nätverket utser en representant per kommun."}, {"text": "Strategen bjuder in."}],
        ),
    )
    meeting = Meeting.objects.get()
    assert response.url == reverse("natverk:meeting_detail", args=[meeting.pk])
    assert statuses(meeting) == {"Yusuf Demir": "present", "Mona Fredriksson": "excused", "Gunilla Åkerman": "excused"}
    assert [(d.position, d.text) for d in meeting.decisions.all()] == [
        (1, "Nätverket utser en representant per kommun."),
        (2, "Strategen bjuder in."),
    ]
    register["yusuf"].refresh_from_db()
    assert register["yusuf"].last_activity_at.date() == datetime.date(2026, 3, 10)
    body = client_as("lasare").get(reverse("natverk:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Strategen bjuder in." in body and "Anmält förhinder" in body and "Gunilla Åkerman" in body


def test_empty_rows_and_rows_removed_in_the_browser_are_ignored(register, client_as, guest):
    data = meeting_post(register, others=[{"contact": "", "status": "present"}, {"contact": str(guest.pk)}])
    # The browser removed others-2 and decisions-1: their index is counted but no data is sent.
    data.update({"others-TOTAL_FORMS": "3", "decisions-TOTAL_FORMS": "3", "decisions-2-text": "  "})
    response = client_as("strateg").post(reverse("natverk:meeting_create", args=[register["network"].pk]), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert statuses(meeting)["Gunilla Åkerman"] == "present"  # the default when no status is sent
    assert meeting.decisions.count() == 1


def test_the_same_guest_in_two_rows_is_recorded_once(register, client_as, guest):
    others = [{"contact": str(guest.pk), "status": "present"}, {"contact": str(guest.pk), "status": "excused"}]
    client_as("strateg").post(
        reverse("natverk:meeting_create", args=[register["network"].pk]), meeting_post(register, others=others)
    )
    assert Attendance.objects.filter(contact=guest).count() == 1


def test_a_member_cannot_be_chosen_again_among_the_others(register, client_as):
    others = [{"contact": str(register["mona"].pk), "status": "present"}]
    response = client_as("strateg").post(
        reverse("natverk:meeting_create", args=[register["network"].pk]), meeting_post(register, others=others)
    )
    assert response.status_code == 200
    assert "Kontrollera övriga deltagare" in response.content.decode()
    assert not Meeting.objects.exists()


def test_editing_a_meeting_changes_attendance_removes_and_adds_decisions(register, client_as, guest):
    client = client_as("strateg")
    client.post(
        reverse("natverk:meeting_create", args=[register["network"].pk]),
        meeting_post(
            register,
            others=[{"contact": str(guest.pk), "status": "present"}],
            decisions=[{"text": "Första beslutet."}, {"text": "Andra beslutet."}],
        ),
    )
    meeting = Meeting.objects.get()
    first, second = meeting.decisions.all()
    body = client.get(reverse("natverk:meeting_edit", args=[meeting.pk])).content.decode()
    # The guest recorded earlier is listed with the members, with their status chosen.
    assert f'name="attendance_{guest.pk}" value="present"' in body
    data = meeting_post(
        register,
        decisions=[
            {"id": str(first.pk), "text": "Första beslutet."},
            {"id": str(second.pk), "text": "Andra beslutet.", "DELETE": "on"},
            {"text": "Tredje beslutet."},
        ],
        **{f"attendance_{register['mona'].pk}": "", f"attendance_{guest.pk}": "excused"},
    )
    data["decisions-INITIAL_FORMS"] = "2"
    data["version"] = meeting.version  # the version the edit page carries
    assert client.post(reverse("natverk:meeting_edit", args=[meeting.pk]), data).status_code == 302
    assert statuses(meeting) == {"Yusuf Demir": "present", "Gunilla Åkerman": "excused"}
    # Kept decisions keep their number; the new one comes after the last kept one.
    assert [(d.position, d.text) for d in meeting.decisions.all()] == [(1, "Första beslutet."), (2, "Tredje beslutet.")]


def test_editing_an_old_meeting_lists_the_members_of_that_day(register, client_as):
    meeting = Meeting.objects.create(network=register["network"], date=datetime.date(2025, 3, 1))
    body = client_as("strateg").get(reverse("natverk:meeting_edit", args=[meeting.pk])).content.decode()
    assert f'name="attendance_{register["rolf"].pk}"' in body  # member until 2025-06-30


def test_save_and_add_more_returns_to_the_form_with_an_empty_decision_box(register, client_as):
    client = client_as("strateg")
    response = client.post(
        reverse("natverk:meeting_create", args=[register["network"].pk]), meeting_post(register, save_and_add="1")
    )
    meeting = Meeting.objects.get()
    assert response.url == reverse("natverk:meeting_edit", args=[meeting.pk]) + "#decisions"
    body = client.get(response.url).content.decode()
    assert "Nätverket utser en representant" in body
    assert 'name="decisions-1-text"' in body and 'name="decisions-2-text"' not in body


def test_a_meeting_without_a_date_is_not_saved(register, client_as):
    response = client_as("strateg").post(
        reverse("natverk:meeting_create", args=[register["network"].pk]), meeting_post(register, date="")
    )
    assert response.status_code == 200
    assert 'href="#id_date"' in response.content.decode()
    assert not Meeting.objects.exists() and not Decision.objects.exists() and not Attendance.objects.exists()


def test_meeting_attendees_and_decisions_are_saved_all_or_nothing(register, client_as, monkeypatch):
    def fail(meeting, statuses):
        raise IntegrityError("simulated")

    monkeypatch.setattr(services, "meeting_set_attendances", fail)
    with pytest.raises(IntegrityError):
        client_as("strateg").post(
            reverse("natverk:meeting_create", args=[register["network"].pk]), meeting_post(register)
        )
    assert not Meeting.objects.exists() and not Decision.objects.exists()


def test_only_the_strategist_records_meetings(register, client_as):
    url = reverse("natverk:meeting_create", args=[register["network"].pk])
    for username in ("admin-botkyrka", "lasare"):
        assert client_as(username).post(url, meeting_post(register)).status_code == 403
    assert not Meeting.objects.exists()
