"""A meeting decision becomes an action point in uppdrag in one step, linked both ways."""

import datetime

import pytest
from django.urls import reverse

from natverk.models import Decision, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(register):
    meeting = Meeting.objects.create(network=register["network"], date=datetime.date(2026, 3, 10))
    return Decision.objects.create(meeting=meeting, text="Strategen sammanställer utbudet av specialiserad SFI.")


def test_a_decision_offers_make_an_action_point_to_the_strategist_only(decision, client_as):
    url = reverse("natverk:meeting_detail", args=[decision.meeting.pk])
    create_url = reverse("uppdrag:actionpoint_from_decision", kwargs={"decision_pk": decision.pk})
    body = client_as("strateg").get(url).content.decode()
    assert "Gör till åtgärdspunkt" in body and create_url in body
    assert create_url not in client_as("lasare").get(url).content.decode()


def test_a_decision_turned_into_an_action_point_links_to_it(decision, client_as):
    from uppdrag.models import ActionPoint

    client = client_as("strateg")
    create_url = reverse("uppdrag:actionpoint_from_decision", kwargs={"decision_pk": decision.pk})
    assert client.get(create_url).status_code == 200
    response = client.post(
        create_url,
        {
            "title": decision.text,
            "description": decision.text,
            "kind": "meeting_follow_up",
            "status": "planned",
            "priority": "2",
            "networks": [decision.meeting.network_id],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    point = ActionPoint.objects.get(source_decision=decision)
    body = client.get(reverse("natverk:meeting_detail", args=[decision.meeting.pk])).content.decode()
    assert reverse("uppdrag:actionpoint_detail", args=[point.pk]) in body
    assert "Visa åtgärdspunkten" in body and "Gör till åtgärdspunkt" not in body
    # The strategist's home panel no longer lists the decision as open.
    assert decision.text not in client.get("/").content.decode().split("Nätverk och möten", 1)[-1]
