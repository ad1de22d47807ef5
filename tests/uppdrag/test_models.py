"""Uppdrag models: the area hierarchy, numbering and the rules on action points."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from uppdrag.models import ActionPoint, StrategicArea

pytestmark = pytest.mark.django_db


def test_areas_come_in_tree_order_whatever_the_order_they_were_created_in(areas):
    ordered = StrategicArea.objects.all().in_tree_order()
    assert [area.number for area in ordered] == ["1", "1.A", "1.A.1", "1.A.2", "1.B", "2"]


def test_areas_are_numbered_like_the_steering_groups_list(areas):
    assert areas["1"].label == "1"
    assert areas["1.A"].label == "A"
    assert areas["1.B"].number == "1.B"
    assert areas["1.A.2"].number == "1.A.2"
    assert [areas[key].depth for key in ("1", "1.A", "1.A.1")] == [0, 1, 2]


def test_sub_areas_past_z_get_double_letters(assignment, areas):
    area = StrategicArea.objects.create(assignment=assignment, parent=areas["2"], position=27, title="x")
    assert area.number == "2.AA"


def test_a_fourth_level_is_refused(assignment, areas):
    area = StrategicArea(assignment=assignment, parent=areas["1.A.1"], position=1, title="För djupt")
    with pytest.raises(ValidationError):
        area.clean()


def test_commitments_are_numbered_in_order(commitments):
    assert str(commitments[1]).startswith("2. ")


def test_a_point_cannot_have_both_a_user_and_a_contact_as_owner(cast):
    from natverk.models import Contact

    contact = Contact.objects.create(name="Fiktiv Person", email="fiktiv@exempel.se")
    with pytest.raises(IntegrityError):
        ActionPoint.objects.create(title="x", owner_user=cast["strateg"], owner_contact=contact)


def test_an_expected_month_must_be_the_first_of_the_month(db):
    with pytest.raises(IntegrityError):
        ActionPoint.objects.create(title="x", kind="watch", expected_month=datetime.date(2026, 8, 15))


def test_a_watch_item_shows_its_expected_month_and_free_text(db):
    point = ActionPoint.objects.create(
        title="Förordning om samhällsorientering",
        kind="watch",
        expected_month=datetime.date(2026, 8, 1),
        expected_text="aug–sep",
    )
    assert point.when_text == "2026-08 (aug–sep)"
    assert point.expected_month_end == datetime.date(2026, 8, 31)


def test_closing_a_point_stamps_the_completion_and_reopening_clears_it(points):
    point = points["regional"]
    point.status_set("done", note="Inskickad.")
    assert point.completed_at is not None and point.completion_note == "Inskickad."
    point.status_set("ongoing")
    assert point.completed_at is None


def test_a_filtered_set_of_areas_keeps_the_tree_order(areas):
    areas["1.A.2"].health_set("at_risk", "")
    areas["2"].health_set("at_risk", "")
    areas["1.B"].health_set("off_track", "")
    at_risk = StrategicArea.objects.filter(health__in=["at_risk", "off_track"]).in_tree_order()
    assert [area.number for area in at_risk] == ["1.A.2", "1.B", "2"]
