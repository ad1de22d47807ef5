"""No lost update in uppdrag: a stale second save of an action point, commitment, area, the assignment or a
health status is refused in Swedish, and the first person's change stays."""

import pytest
from django.urls import reverse

from tests.natverk.test_lost_updates import assert_refused, conflict_section, form_data
from uppdrag.models import ActionPoint, Assignment, Commitment, StrategicArea


@pytest.fixture
def two(client_as):
    """The strategist in one browser and the system administrator in another: both may edit everything."""
    return client_as("strateg"), client_as("admin")


def test_a_stale_action_point_save_does_not_revert_the_description(two, points):
    first, second = two
    point = points["regional"]
    url = reverse("uppdrag:actionpoint_edit", args=[point.pk])
    page_first, page_second = first.get(url), second.get(url)

    response = first.post(url, form_data(page_first, description="Rapporten skickas i december."))
    assert response.status_code == 302
    stale = form_data(page_second, priority="1")
    body = assert_refused(second.post(url, stale), "Beskrivning", "Rapporten skickas i december.")

    point = ActionPoint.objects.get(pk=point.pk)
    assert point.description == "Rapporten skickas i december." and point.priority != 1
    # Only the description is named: the second person's own change (priority) is not the other's.
    assert "Prioritet" not in conflict_section(body)
    assert "den här åtgärdspunkten" in body


def test_a_status_change_by_the_owner_makes_an_open_edit_form_stale(client_as, points):
    """The owner's quick status change is a save too: the strategist's older form must not undo it."""
    strategist, owner = client_as("strateg"), client_as("admin-huddinge")
    point = points["huddinge"]
    url = reverse("uppdrag:actionpoint_edit", args=[point.pk])
    page = strategist.get(url)
    status_url = reverse("uppdrag:actionpoint_status", args=[point.pk])
    assert owner.post(status_url, {"status": "done", "note": "Rutinen är klar."}).status_code == 302

    response = strategist.post(url, form_data(page, title="Rutin för insatsbasen i Huddinge (ny)"))
    assert_refused(response, "Status", "Klar")
    point = ActionPoint.objects.get(pk=point.pk)
    assert point.status == "done" and point.title == "Rutin för insatsbasen i Huddinge"


def test_a_stale_commitment_save_is_refused(two, commitments):
    first, second = two
    commitment = commitments[0]
    url = reverse("uppdrag:commitment_edit", args=[commitment.pk])
    page_first, page_second = first.get(url), second.get(url)
    assert first.post(url, form_data(page_first, title="Genomför två informationsinsatser")).status_code == 302
    assert_refused(second.post(url, form_data(page_second, description="Under 2026.")), "två informationsinsatser")
    commitment = Commitment.objects.get(pk=commitment.pk)
    assert commitment.title == "Genomför två informationsinsatser" and commitment.description == ""


def test_a_stale_area_save_is_refused(two, areas):
    first, second = two
    area = areas["2"]
    url = reverse("uppdrag:area_edit", args=[area.pk])
    page_first, page_second = first.get(url), second.get(url)
    assert first.post(url, form_data(page_first, description="Påverka regelverket.")).status_code == 302
    assert_refused(second.post(url, form_data(page_second, title="Påverkansarbete")), "Påverka regelverket.")
    area = StrategicArea.objects.get(pk=area.pk)
    assert area.title == "Strategiskt påverkansarbete" and area.description == "Påverka regelverket."


def test_a_stale_assignment_save_is_refused(two, assignment):
    first, second = two
    url = reverse("uppdrag:assignment_edit")
    page_first, page_second = first.get(url), second.get(url)
    assert first.post(url, form_data(page_first, description="Beslutat av styrgruppen.")).status_code == 302
    assert_refused(second.post(url, form_data(page_second, title="Nytt namn")), "Beslutat av styrgruppen.")
    assignment = Assignment.objects.get(pk=assignment.pk)
    assert assignment.title == "Introduktionsstrategens uppdrag"


def test_a_stale_health_status_is_refused(two, commitments):
    first, second = two
    commitment = commitments[1]
    url = reverse("uppdrag:commitment_health", args=[commitment.pk])
    page_first, page_second = first.get(url), second.get(url)
    assert first.post(url, form_data(page_first, health="at_risk", health_note="Försenad.")).status_code == 302
    assert_refused(second.post(url, form_data(page_second, health="off_track")), "Försenad.")
    commitment = Commitment.objects.get(pk=commitment.pk)
    assert commitment.health == "at_risk" and commitment.health_note == "Försenad."


def test_a_new_action_point_needs_no_version(client_as, assignment):
    response = client_as("strateg").post(
        reverse("uppdrag:actionpoint_create"),
        {"title": "Ny punkt", "kind": "action", "status": "ongoing", "priority": 2},
    )
    assert response.status_code == 302
    assert ActionPoint.objects.get(title="Ny punkt").version == 1
