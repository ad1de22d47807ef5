"""The strategist's home reads two region-wide counts from a short cache keyed by the day (insatsbasen/home.py,
natverk/home.py): the freshness share per municipality and the contacts due for retention review.

A cached figure says when it was counted, is renewed after ten minutes and on a new day, and is the same region-wide
figure for everyone who sees it: the intro manager's own-municipality counts are never cached.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from insatsbasen.models import Insats
from natverk.models import Contact
from tests.insatsbasen.conftest import make_insats  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now().replace(hour=10, minute=0, second=0), tick=False) as traveller:
        yield traveller


def _scoreboard(response):
    panel = next(p for p in response.context["panels"] if p.context.get("scoreboard") is not None)
    return panel, {str(row["municipality"]): row["share"] for row in panel.context["scoreboard"]}


def test_the_freshness_share_is_counted_at_most_every_ten_minutes_and_says_when(clock, make_insats, client_as):  # noqa: F811
    first = make_insats("Färsk kurs")
    make_insats("Andra färska kursen")
    client = client_as("strateg")
    response = client.get(reverse("home"))
    panel, shares = _scoreboard(response)
    assert shares["Huddinge"] == 100
    assert "räknat kl." in response.content.decode()
    counted_at = panel.context["counted_at"]

    Insats.objects.filter(pk=first.pk).update(review_due_on=timezone.localdate() - datetime.timedelta(days=1))
    clock.shift(datetime.timedelta(minutes=5))
    panel, shares = _scoreboard(client.get(reverse("home")))
    assert shares["Huddinge"] == 100, "within ten minutes the home shows the cached count"
    assert panel.context["counted_at"] == counted_at
    # The full scoreboard counts live.
    assert client.get(reverse("insatsbasen:scoreboard")).status_code == 200

    clock.shift(datetime.timedelta(minutes=6))
    panel, shares = _scoreboard(client.get(reverse("home")))
    assert shares["Huddinge"] == 50
    assert panel.context["counted_at"] > counted_at


def test_a_new_day_counts_anew(clock, make_insats, client_as):  # noqa: F811
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    insats = make_insats("Färsk kurs")
    Insats.objects.filter(pk=insats.pk).update(review_due_on=tomorrow)
    # Five to midnight (Stockholm time): fresh until tomorrow.
    clock.move_to(timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 55))))
    client = client_as("strateg")
    assert _scoreboard(client.get(reverse("home")))[1]["Huddinge"] == 100
    # Six minutes later, within the ten minutes, but a new day: due for review now, and counted anew.
    clock.shift(datetime.timedelta(minutes=6))
    assert _scoreboard(client.get(reverse("home")))[1]["Huddinge"] == 0


def test_the_intro_manager_s_own_counts_are_live_and_their_own(clock, make_insats, client_as):  # noqa: F811
    late = make_insats("Sen insats", municipality="Botkyrka")
    client_as("strateg").get(reverse("home"))  # fills the region-wide cache
    client = client_as("introchef-botkyrka")

    def rows():
        response = client.get(reverse("home"))
        assert all(p.context.get("scoreboard") is None for p in response.context["panels"]), "no region-wide panel"
        panel = next(p for p in response.context["panels"] if p.template == "insatsbasen/home_freshness.html")
        return {row.name: (row.active, row.due) for row in panel.context["rows"]}

    assert rows() == {"Botkyrka": (1, 0)}
    Insats.objects.filter(pk=late.pk).update(review_due_on=timezone.localdate() - datetime.timedelta(days=3))
    assert rows() == {"Botkyrka": (1, 1)}, "an intro manager's count is never cached"


def test_the_retention_count_is_cached_for_ten_minutes(clock, client_as):
    client = client_as("strateg")

    def count():
        response = client.get(reverse("home"))
        return next(p for p in response.context["panels"] if "retention_count" in p.context).context["retention_count"]

    before = count()
    old = timezone.now() - datetime.timedelta(days=800)
    contact = Contact.objects.create(name="Gammal Kontakt", email="gammal@exempel.se")
    Contact.objects.filter(pk=contact.pk).update(updated_at=old, created_at=old)
    assert count() == before
    clock.shift(datetime.timedelta(minutes=11))
    assert count() == before + 1
