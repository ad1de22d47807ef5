"""Progress on the overview, counted in the database: done / total / overdue per commitment and per area.

Cancelled points do not count; a point is overdue when it is open and its due date has passed; an area's
progress adds up the points below it; each user counts only the points they may read.
"""

import datetime

import pytest

from uppdrag.models import ActionPoint
from uppdrag.services import overview_build

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def more_points(points, commitments, areas, municipalities):
    """Beside the conftest's three points (regional: ongoing due in a week; huddinge: planned due in five days;
    botkyrka: planned, due five days ago), one of each case the counting must get right."""
    make = ActionPoint.objects.create
    make(title="Klar", commitment=commitments[0], area=areas["1.A.2"], status="done", due_date=TODAY.replace(day=1))
    make(
        title="Inställd och försenad",
        commitment=commitments[0],
        area=areas["1.A.1"],
        status="cancelled",
        due_date=TODAY - datetime.timedelta(days=50),
    )
    make(
        title="Bevakas", commitment=commitments[0], area=areas["1.B"], kind="watch", expected_month=TODAY.replace(day=1)
    )
    make(title="Förfaller i dag", commitment=commitments[1], due_date=TODAY)
    yesterday = make(
        title="Väntar sedan i går",
        commitment=commitments[1],
        area=areas["1"],
        status="waiting",
        due_date=TODAY - datetime.timedelta(days=1),
    )
    # Tied to two municipalities: counted once, for a user of either.
    yesterday.municipalities.add(municipalities["Botkyrka"], municipalities["Huddinge"])


def _progress(overview):
    rows = {f"c{row['object'].number}": row["progress"] for row in overview["commitments"]}
    rows.update({row["object"].number: row["progress"] for row in overview["areas"]})
    return {key: (value["done"], value["total"], value["overdue"]) for key, value in rows.items()}


def test_the_strategist_counts_every_point_but_the_cancelled_one(more_points, assignment, cast):
    progress = _progress(overview_build(assignment, cast["strateg"]))
    assert progress == {
        "c1": (1, 4, 1),  # regional, botkyrka (overdue), done, watch item; the cancelled one left out
        "c2": (0, 3, 1),  # huddinge, due today (not overdue), waiting since yesterday (overdue)
        "1": (1, 5, 1),  # its own waiting point plus everything under 1.A and 1.B
        "1.A": (1, 2, 0),
        "1.A.1": (0, 1, 0),
        "1.A.2": (1, 1, 0),
        "1.B": (0, 2, 0),
        "2": (0, 1, 1),
    }
    overview = overview_build(assignment, cast["strateg"])
    assert overview["commitments"][0]["progress"]["percent"] == 25


def test_a_reader_counts_only_the_regional_points(more_points, assignment, cast):
    progress = _progress(overview_build(assignment, cast["lasare"]))
    assert progress["c1"] == (1, 3, 0)
    assert progress["c2"] == (0, 1, 0)
    assert progress["1"] == (1, 3, 0)
    assert progress["2"] == (0, 0, 0)


def test_a_municipal_user_also_counts_their_municipality_s_points_once(more_points, assignment, cast):
    progress = _progress(overview_build(assignment, cast["introchef-botkyrka"]))
    assert progress["c1"] == (1, 4, 1)
    assert progress["c2"] == (0, 2, 1)
    assert progress["1"] == (1, 4, 1)
    assert progress["2"] == (0, 1, 1)
    progress = _progress(overview_build(assignment, cast["admin-huddinge"]))
    assert progress["c2"] == (0, 3, 1), "huddinge (own and tied), due today, the point tied to both municipalities"


def test_the_count_moves_with_the_day(more_points, assignment, cast):
    tomorrow = TODAY + datetime.timedelta(days=1)
    progress = _progress(overview_build(assignment, cast["strateg"], today=tomorrow))
    assert progress["c2"] == (0, 3, 2), "the point due today is overdue tomorrow"


def test_the_overview_page_shows_the_counts(more_points, client_as):
    body = client_as("strateg").get("/uppdrag/").content.decode()
    assert "1 av 4 klara" in body
    assert "1 av 5 klara" in body
