"""The demo catalogue: about 150 insatser with natural, unique names, the same on every load."""

import re

from django.utils import timezone

from insatsbasen import demo
from insatsbasen.models import FreshnessSnapshot, Insats

from .conftest import ensure_taxonomy


def catalogue():
    return list(Insats.objects.order_by("pk").values_list("owner_municipality__name", "name", "hours", "status"))


def test_the_demo_has_natural_unique_names_and_is_the_same_on_every_load(cast, municipalities):
    ensure_taxonomy()
    demo.load()
    first = catalogue()
    assert len(first) == demo.TOTAL
    names = [(municipality, name) for municipality, name, _hours, _status in first]
    assert len(set(names)) == len(names)
    assert not [name for _m, name in names if re.search(r"\(\d+\)|– ", name)]
    evening = [hours for _m, name, hours, _s in first if "kvällstid" in name]
    assert evening and all(hours.split()[-1].startswith("17") for hours in evening)
    today = timezone.localdate()
    assert Insats.objects.filter(owner_municipality__name="Huddinge").due_for_review(today).count() >= 5
    assert FreshnessSnapshot.objects.filter(day=today).exists()
    assert FreshnessSnapshot.objects.dates("day", "day").count() == demo.SNAPSHOT_DAYS

    Insats.objects.all().delete()
    FreshnessSnapshot.objects.all().delete()
    demo.load()
    assert [row[1:] for row in catalogue()] == [row[1:] for row in first]
