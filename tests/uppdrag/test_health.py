"""Health is assessed, not assumed: not assessed at first, a suggestion from the points, a history of changes."""

import datetime

from django.urls import reverse

from uppdrag import services
from uppdrag.models import ActionPoint, Commitment, Health, HealthChange, StrategicArea

TODAY = datetime.date(2026, 11, 23)


def point(pk, status="planned", due=None, kind="action"):
    """An unsaved point: the suggestion reads only status, kind, due date and id."""
    return ActionPoint(pk=pk, title=f"P{pk}", status=status, due_date=due, kind=kind)


LATE = TODAY - datetime.timedelta(days=3)
SOON = TODAY + datetime.timedelta(days=10)


def suggest(points, slipped=frozenset()):
    return services.health_suggest(points, slipped, today=TODAY)


def test_no_points_or_only_watch_items_give_no_suggestion():
    assert suggest([])["health"] == Health.NOT_ASSESSED
    assert suggest([point(1, kind="watch", due=LATE)])["health"] == Health.NOT_ASSESSED
    assert suggest([point(1, status="cancelled", due=LATE)])["health"] == Health.NOT_ASSESSED


def test_the_suggestion_counts_overdue_share_and_slipped_dates():
    assert suggest([point(1, due=SOON), point(2, status="done", due=LATE)])["health"] == Health.ON_TRACK
    # One of three open points overdue: at risk.
    three = [point(1, due=LATE), point(2, due=SOON), point(3, due=SOON)]
    assert suggest(three)["health"] == Health.AT_RISK
    # Half of the open points overdue: off track ("0 av 6 klara, 1 försenad" of two open is off track too).
    assert suggest([point(1, due=LATE), point(2, due=SOON)])["health"] == Health.OFF_TRACK
    # Nothing overdue, but a date moved later since the last report: at risk.
    result = suggest([point(1, due=SOON), point(2, due=SOON)], slipped={2})
    assert result["health"] == Health.AT_RISK and result["facts"]["slipped"] == 1
    # A done point past its date is not overdue; cancelled points do not count.
    done = suggest([point(1, status="done", due=LATE), point(2, status="cancelled", due=LATE), point(3, due=SOON)])
    assert done["health"] == Health.ON_TRACK
    assert done["facts"] == {"total": 2, "done": 1, "open": 1, "overdue": 0, "slipped": 0}


def test_new_commitments_and_areas_start_not_assessed(assignment):
    commitment = Commitment.objects.create(assignment=assignment, position=9, title="Nytt")
    area = StrategicArea.objects.create(assignment=assignment, position=9, title="Nytt område")
    assert commitment.health == area.health == Health.NOT_ASSESSED
    assert commitment.health_updated_at is None


def test_a_health_change_keeps_who_when_and_why(client_as, cast, points, commitments):
    commitment = commitments[0]
    url = reverse("uppdrag:commitment_health", args=[commitment.pk])
    client = client_as("strateg")
    page = client.get(url)
    # Botkyrka's point (due 2026-11-18) overdue, the regional one (2026-11-30) not: one of two open → off track.
    assert page.context["suggestion"]["health"] == Health.OFF_TRACK
    assert 'id="suggested-health">Avviker från planen' in page.content.decode()
    note = "Botkyrka flyttad till hösten."
    client.post(url, {"health": "at_risk", "health_note": note, "version": commitment.version})
    commitment.refresh_from_db()
    client.post(url, {"health": "on_track", "health_note": "Genomförd.", "version": commitment.version})
    changes = list(HealthChange.objects.filter(commitment=commitment).order_by("changed_at", "pk"))
    assert [(c.old_health, c.health, c.note) for c in changes] == [
        ("unassessed", "at_risk", "Botkyrka flyttad till hösten."),
        ("at_risk", "on_track", "Genomförd."),
    ]
    assert all(c.changed_by == cast["strateg"] for c in changes)
    history = client.get(url).content.decode()
    assert "Botkyrka flyttad till hösten." in history and "Genomförd." in history


def test_the_report_shows_the_assessment_with_its_date(client_as, points, commitments):
    commitments[0].health_set(Health.AT_RISK, "Försenad.")
    client = client_as("strateg")
    client.post(
        "/uppdrag/rapporter/ny/",
        {"title": "Rapport", "period_start": "2026-09-01", "period_end": "2026-11-30", "save": "1"},
    )
    from uppdrag.models import ReportSnapshot

    snapshot = ReportSnapshot.objects.get()
    first, second = snapshot.data["commitments"]
    assert first["health"] == "at_risk" and first["health_date"] == "2026-11-23"
    assert second["health"] == "unassessed" and second["health_date"] is None
    html = client.get(reverse("uppdrag:report_detail", args=[snapshot.pk])).content.decode()
    assert "bedömd 2026-11-23" in html and "Inte bedömd" in html
