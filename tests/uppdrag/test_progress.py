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


def test_the_areas_page_lists_the_next_open_points_of_each_area_and_links_to_the_rest(
    more_points, client_as, commitments, areas
):
    make = ActionPoint.objects.create
    for days in (40, 10, 20, 30):
        make(title=f"Steg om {days} dagar", area=areas["1.A.1"], due_date=TODAY + datetime.timedelta(days=days))
    make(title="Avslutad utan område", status="done", due_date=TODAY)
    response = client_as("strateg").get("/uppdrag/omraden/")
    body = response.content.decode()
    rows = {row["area"].number: row for row in response.context["rows"]}
    # 1.A.1: the ongoing regional point (due in a week) and the two next of the four new ones; the cancelled one
    # and the later two are left to the list, which the link opens with every point under the area.
    assert [point.title for point in rows["1.A.1"]["points"]] == [
        "Rapport till Lst/MIV",
        "Steg om 10 dagar",
        "Steg om 20 dagar",
    ]
    assert rows["1.A.1"]["count"] == 6
    assert "Steg om 30 dagar" not in body and "Inställd och försenad" not in body
    assert "Visa alla 6 åtgärdspunkter i listan" in body
    assert f'href="/uppdrag/atgardspunkter/?area={areas["1.A.1"].pk}"' in body
    # 1. counts everything below it: its own waiting point, 1.A (1.A.1 and 1.A.2) and 1.B.
    assert rows["1"]["count"] == 1 + 6 + 1 + 2
    assert [point.title for point in rows["1"]["points"]] == ["Väntar sedan i går"]
    assert rows["1"]["points"][0].overdue
    # A closed point is not listed but counted and linked.
    assert [point.title for point in rows["1.A.2"]["points"]] == []
    assert rows["1.A.2"]["count"] == 1
    # Without an area: the open point due today is listed, the done one is behind the link.
    assert [point.title for point in response.context["unplaced"]] == ["Förfaller i dag"]
    assert response.context["unplaced_count"] == 2
    assert 'href="/uppdrag/atgardspunkter/?area=none"' in body


def test_the_list_opens_the_points_without_an_area(more_points, client_as):
    page = client_as("strateg").get("/uppdrag/atgardspunkter/?area=none").context["page"]
    assert sorted(point.title for point in page.object_list) == ["Förfaller i dag"]


def test_a_reader_s_areas_page_counts_and_lists_only_what_they_may_read(more_points, client_as):
    response = client_as("lasare").get("/uppdrag/omraden/")
    rows = {row["area"].number: row for row in response.context["rows"]}
    assert rows["1"]["count"] == 4  # regional, cancelled, done and the watch item; not the municipalities' points
    assert rows["2"]["count"] == 0 and rows["2"]["points"] == []
    assert "Väntar sedan i går" not in response.content.decode()


def test_the_areas_page_shows_each_point_as_the_point_itself_says(areas, cast, client_as):
    """The areas page reads plain values for its points: owner, when and overdue as ActionPoint gives them."""
    from natverk.models import Contact

    strategist = cast["strateg"]
    named = cast["lasare"]
    named.first_name, named.last_name = "", ""
    named.save()
    contact = Contact.objects.create(name="Kontakt utan konto", email="kontakt@example.se")
    make = ActionPoint.objects.create
    area = areas["1.B"]
    made = [
        make(title="Ägs av strategen", area=area, owner_user=strategist, due_date=TODAY - datetime.timedelta(days=1)),
        make(title="Ägs av en kontakt", area=area, owner_contact=contact, due_date=TODAY),
        make(
            title="Väntas i augusti",
            area=area,
            owner_user=named,
            kind="watch",
            expected_month=TODAY.replace(month=8, day=1),
            expected_text="aug–sep",
        ),
    ]
    response = client_as("strateg").get("/uppdrag/omraden/")
    shown = {point.title: point for row in response.context["rows"] for point in row["points"]}
    for point in made:
        listed = shown[point.title]
        assert (listed.pk, listed.status, listed.when_text) == (point.pk, point.status, point.when_text)
        assert (listed.owner_name, listed.overdue) == (point.owner_name, point.is_overdue(TODAY))
    assert shown["Ägs av strategen"].overdue and not shown["Ägs av en kontakt"].overdue
    assert shown["Ägs av en kontakt"].owner_name == "Kontakt utan konto"
    assert shown["Väntas i augusti"].owner_name == "lasare"
    assert shown["Väntas i augusti"].when_text == f"{TODAY.year}-08 (aug–sep)"
    assert "Kontakt utan konto" in response.content.decode()
