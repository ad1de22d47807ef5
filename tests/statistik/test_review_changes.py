"""The review shows last year's approved figure beside each figure and flags large changes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from statistik.calc import Change
from statistik.models import Period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("before", "now", "large"),
    [
        (100, 151, True),  # more than half again
        (100, 150, False),  # exactly half is not more than half
        (100, 49, True),  # less than half
        (12, 20, False),  # +67 % but only 8 more
        (4, 14, True),  # +250 % and 10 more
        (0, 10, True),  # from nothing to 10
        (0, 9, False),
        (None, 50, False),  # nothing to compare with
        (50, None, False),
    ],
)
def test_a_change_is_large_when_above_half_and_at_least_ten(before, now, large):
    change = Change(None if now is None else Decimal(now), None if before is None else Decimal(before))
    assert change.is_large is large


def test_a_change_reads_with_sign_and_percentage_without_nested_brackets():
    assert Change(Decimal(150), Decimal(100)).difference_display() == "+50, +50 %"
    assert Change(Decimal(0), Decimal(144)).difference_display() == "−144, −100 %"
    assert Change(Decimal(12), Decimal(0)).difference_display() == "+12"
    # A share changes by percentage points: "+10 procentenheter", not "+10 (+25 %)".
    assert Change(Decimal(50), Decimal(40), percent=True).difference_display() == "+10 procentenheter"


@pytest.fixture
def two_years(make_report, municipalities, period):
    last_year = Period.objects.create(year=2011, deadline=datetime.date(2012, 2, 28), status="closed")
    botkyrka, huddinge = municipalities["Botkyrka"], municipalities["Huddinge"]
    make_report(botkyrka, last_year, {("MOT_TOT", "T"): 100, ("AVS_MAN", "T"): 14}, status="approved")
    # Another municipality's figures never enter the comparison.
    make_report(huddinge, last_year, {("MOT_TOT", "T"): 900}, status="approved")
    return make_report(botkyrka, period, {("MOT_TOT", "T"): 260, ("AVS_MAN", "T"): 15}, status="submitted")


def test_the_region_sees_last_years_figure_and_a_flag_for_a_large_change(client_as, two_years):
    response = client_as("statistik-region").get(reverse("statistik:report", args=[two_years.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jämfört med 2011" in html
    assert [item["label"] for item in response.context["large_changes"]] == ["Mottagna under perioden, Totalt"]
    assert '<a href="#id_v-MOT_TOT-T">' in html
    assert "100 → 260 (+160, +160 %)" in html
    # Under each figure: last year's figure; the small change of AVS_MAN is shown but not flagged.
    assert '<span class="text-nowrap">2011: 14</span> <span class="text-nowrap">+1, +7 %</span>' in html
    assert html.count('class="kis-before kis-large"') == 1
    assert "900" not in html


def test_the_reporter_sees_last_years_figure_while_filling_in(client_as, make_report, two_years):
    two_years.status = "draft"
    two_years.save()
    response = client_as("rapportor-botkyrka").get(reverse("statistik:report", args=[two_years.pk]))
    assert response.status_code == 200
    assert 'name="v-MOT_TOT-T"' in response.content.decode()
    assert len(response.context["large_changes"]) == 1


def test_only_an_approved_report_of_last_year_is_compared(client_as, make_report, municipalities, period):
    last_year = Period.objects.create(year=2011, deadline=datetime.date(2012, 2, 28))
    make_report(municipalities["Botkyrka"], last_year, {("MOT_TOT", "T"): 100}, status="submitted")
    report = make_report(municipalities["Botkyrka"], period, {("MOT_TOT", "T"): 300}, status="submitted")
    response = client_as("statistik-region").get(reverse("statistik:report", args=[report.pk]))
    assert response.context["previous"] is None
    assert response.context["large_changes"] == []
    assert "Jämfört med" not in response.content.decode()


def test_after_a_failed_save_only_last_years_figure_is_shown(client_as, two_years):
    two_years.status = "draft"
    two_years.save()
    response = client_as("rapportor-botkyrka").post(
        reverse("statistik:report", args=[two_years.pk]), {"v-MOT_TOT-T": "abc", "save": "1"}
    )
    assert response.status_code == 400
    assert response.context["large_changes"] == []
    assert '<span class="text-nowrap">2011: 100</span></div>' in response.content.decode()


def test_a_share_on_the_report_changes_by_percentage_points(client_as, make_report, municipalities, period):
    last_year = Period.objects.create(year=2011, deadline=datetime.date(2012, 2, 28), status="closed")
    botkyrka = municipalities["Botkyrka"]
    # SFI_ANDEL = SFI_KLAR / SFI_NYB: 40 % last year, 50 % now.
    make_report(botkyrka, last_year, {("SFI_NYB", "T"): 80, ("SFI_KLAR", "T"): 32}, status="approved")
    report = make_report(botkyrka, period, {("SFI_NYB", "T"): 100, ("SFI_KLAR", "T"): 50}, status="submitted")
    html = client_as("statistik-region").get(reverse("statistik:report", args=[report.pk])).content.decode()
    assert "+10 procentenheter" in html
    assert "+10, +25 %" not in html  # not as a percentage of last year's share
