"""The demo data of the register, loaded as the portal loads it: natverk first, then uppdrag."""

import io

import pytest

from natverk.models import Decision, Meeting, Network

pytestmark = pytest.mark.django_db


def test_demo_decisions_do_not_repeat_uppdrags_own_action_points(cast, client_as):
    from natverk import demo as natverk_demo
    from uppdrag import demo as uppdrag_demo
    from uppdrag.models import ActionPoint

    natverk_demo.load(io.StringIO())
    uppdrag_demo.load(io.StringIO())
    assert Network.objects.filter(name="Södertörns SFI-nätverk").exists() and Meeting.objects.count() == 3
    # uppdrag's demo has the insatsbasen follow-up as action points of its own (not from a decision):
    # a decision about the same thing would look like a link that was forgotten.
    assert ActionPoint.objects.filter(title__icontains="insatsbasen", source_decision__isnull=True).exists()
    assert not Decision.objects.filter(text__icontains="insatsbasen").exists()
    open_decisions = Decision.objects.filter(action_point__isnull=True).count()
    body = client_as("strateg").get("/").content.decode()
    assert f"{open_decisions} beslut har ännu ingen åtgärdspunkt" in body
