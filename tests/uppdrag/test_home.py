"""Uppdrag on the home page: what needs this person now."""

import pytest
import time_machine

from uppdrag.models import StrategicArea

pytestmark = pytest.mark.django_db

NOW = "2026-11-23 09:00 +01:00"


@time_machine.travel(NOW)
def test_the_strategist_sees_overdue_and_coming_points_and_areas_at_risk(client_as, points, areas):
    areas["2"].health_set("at_risk", "Bosättningsfrågan står still.")
    body = client_as("strateg").get("/").content.decode()
    assert "Åtgärdspunkter: försenade och kommande" in body
    overdue, coming = body.split("Kommande", 1)
    assert "Informationsinsats i Botkyrka" in overdue
    assert "Rapport till Lst/MIV" in coming
    assert "Bosättningsfrågan står still." in body


@time_machine.travel(NOW)
def test_an_owner_sees_their_own_points_due_soon(client_as, points):
    body = client_as("admin-huddinge").get("/").content.decode()
    assert "Dina åtgärdspunkter som snart ska vara klara" in body
    # Once only: her own point is not repeated in the panel of her municipality.
    assert body.count("Rutin för insatsbasen i Huddinge") == 1
    assert "Rapport till Lst/MIV" not in body


@time_machine.travel(NOW)
def test_municipal_users_see_the_points_tied_to_their_municipality(client_as, points):
    body = client_as("introchef-botkyrka").get("/").content.decode()
    assert "Åtgärdspunkter som rör din kommun" in body
    assert "Informationsinsats i Botkyrka" in body
    assert "Rutin för insatsbasen i Huddinge" not in body


@time_machine.travel(NOW)
def test_a_reader_gets_no_uppdrag_panel(client_as, points):
    body = client_as("lasare").get("/").content.decode()
    assert "Åtgärdspunkter" not in body


def test_the_demo_data_has_the_seeds_commitments_areas_and_points(cast):
    import io

    from uppdrag import demo
    from uppdrag.models import ActionPoint, Commitment, ReportSnapshot

    demo.load(io.StringIO())
    assert Commitment.objects.count() == 6
    assert Commitment.objects.get(position=1).title == "Genomför minst en informationsinsats hos deltagande aktörer"
    numbers = [area.number for area in StrategicArea.objects.all().in_tree_order()]
    assert numbers[:4] == ["1", "1.A", "1.A.1", "1.A.2"] and "3.F" in numbers
    assert ActionPoint.objects.overdue().exists()
    assert ActionPoint.objects.filter(owner_user=cast["admin-huddinge"]).exists()
    assert ActionPoint.objects.filter(kind="watch", expected_text="aug–sep").exists()
    # Last quarter's report and this one: "sedan förra rapporten" has content, most points have notes.
    assert ReportSnapshot.objects.count() == 2
    latest = ReportSnapshot.objects.order_by("-created_at").first()
    assert latest.published_at is not None and latest.data["previous"] is not None
    since = [c["since"] for c in latest.data["commitments"]]
    assert any(s["new"] for s in since) and any(s["done"] for s in since) and any(s["slipped"] for s in since)
    assert all(c["narrative"] for c in latest.data["commitments"]) and latest.data["activities"]
    with_notes = ActionPoint.objects.filter(journal__isnull=False).distinct().count()
    assert with_notes * 4 >= ActionPoint.objects.count() * 3
    demo.load(io.StringIO())
    assert Commitment.objects.count() == 6
