"""Fixtures of uppdrag: a small assignment with commitments, a three-level area tree and points."""

import datetime

import pytest
import time_machine

from uppdrag.models import ActionPoint, Assignment, Commitment, StrategicArea

TODAY = datetime.date(2026, 11, 23)
NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))


@pytest.fixture(autouse=True)
def _on_the_fixtures_day(request):
    """The fixtures below are dated around TODAY, so every test of them runs on that day.

    The clock ticks from 09:00; a test may still travel elsewhere with time_machine. Browser
    tests keep the real clock (Chromium has its own) and date their data relative to today.
    """
    if request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def assignment(db):
    return Assignment.objects.create(
        title="Introduktionsstrategens uppdrag",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2027, 6, 30),
    )


@pytest.fixture
def commitments(assignment):
    return [
        Commitment.objects.create(assignment=assignment, position=1, title="Genomför minst en informationsinsats"),
        Commitment.objects.create(
            assignment=assignment, position=2, title="Producerar och följer en kommunikationsplan"
        ),
    ]


@pytest.fixture
def areas(assignment):
    """1 → 1.A → 1.A.1, 1.A.2; 1.B; 2 (created out of order on purpose)."""
    second = StrategicArea.objects.create(assignment=assignment, position=2, title="Strategiskt påverkansarbete")
    first = StrategicArea.objects.create(assignment=assignment, position=1, title="Etableringsreformen")
    sub_b = StrategicArea.objects.create(assignment=assignment, parent=first, position=2, title="Fortsatt uppföljning")
    sub_a = StrategicArea.objects.create(assignment=assignment, parent=first, position=1, title="Samhällsorienteringen")
    point_2 = StrategicArea.objects.create(assignment=assignment, parent=sub_a, position=2, title="Utökad målgrupp")
    point_1 = StrategicArea.objects.create(assignment=assignment, parent=sub_a, position=1, title="Referensgrupp")
    return {"1": first, "1.A": sub_a, "1.A.1": point_1, "1.A.2": point_2, "1.B": sub_b, "2": second}


@pytest.fixture
def points(cast, municipalities, commitments, areas):
    """A regional point, one tied to Huddinge owned by admin-huddinge, one tied to Botkyrka."""
    regional = ActionPoint.objects.create(
        title="Rapport till Lst/MIV",
        commitment=commitments[0],
        area=areas["1.A.1"],
        owner_user=cast["strateg"],
        due_date=datetime.date(2026, 11, 30),
        status="ongoing",
    )
    huddinge = ActionPoint.objects.create(
        title="Rutin för insatsbasen i Huddinge",
        commitment=commitments[1],
        area=areas["1.B"],
        owner_user=cast["admin-huddinge"],
        due_date=datetime.date(2026, 11, 28),
    )
    huddinge.municipalities.add(municipalities["Huddinge"])
    botkyrka = ActionPoint.objects.create(
        title="Informationsinsats i Botkyrka",
        commitment=commitments[0],
        area=areas["2"],
        owner_user=cast["strateg"],
        due_date=datetime.date(2026, 11, 18),
        kind="information",
    )
    botkyrka.municipalities.add(municipalities["Botkyrka"])
    return {"regional": regional, "huddinge": huddinge, "botkyrka": botkyrka}
