"""The reporting overview opens on the latest periods; every period is one click away."""

import datetime

import pytest
from django.urls import reverse

from statistik.models import Period
from statistik.views import OVERVIEW_PERIODS

pytestmark = pytest.mark.django_db


def test_the_overview_shows_the_latest_periods_and_every_period_on_request(client_as, catalogue):
    for year in range(2010, 2010 + OVERVIEW_PERIODS + 2):
        Period.objects.create(year=year, deadline=datetime.date(year + 1, 2, 28))
    client = client_as("statistik-region")
    latest = client.get(reverse("statistik:overview"))
    years = [period.year for period in latest.context["periods"]]
    assert years == list(range(2012, 2010 + OVERVIEW_PERIODS + 2)), "the latest, oldest first"
    body = latest.content.decode()
    assert f"De {OVERVIEW_PERIODS} senaste perioderna visas, av {OVERVIEW_PERIODS + 2}." in body
    assert 'href="?alla=1">Visa alla perioder' in body
    every = client.get(reverse("statistik:overview"), {"alla": "1"})
    assert [period.year for period in every.context["periods"]] == list(range(2010, 2010 + OVERVIEW_PERIODS + 2))
    assert "Visa bara de senaste perioderna" in every.content.decode()
    assert all(len(row["cells"]) == OVERVIEW_PERIODS + 2 for row in every.context["rows"])
