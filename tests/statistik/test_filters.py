"""Dashboard filters: selects of the years there are, with what is shown said in one sentence."""

import datetime
import re

import pytest
from django.urls import reverse

from statistik.dashboards import filters_from
from statistik.models import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_years(make_report, municipalities, catalogue):
    periods = {}
    for year in (2010, 2011, 2012):
        periods[year] = Period.objects.create(year=year, deadline=datetime.date(year + 1, 2, 28), status="closed")
        for name in ("Botkyrka", "Huddinge"):
            figures = {("AVS_ARB", "T"): 10 + year - 2010, ("AVS_STU", "T"): 10, ("AVS_FLY", "T"): 10}
            make_report(municipalities[name], periods[year], figures, status="approved")
    return periods


def _options(html, name):
    parts = html.split(f'<select name="{name}"')
    if len(parts) < 2:
        return []
    select = parts[1].split("</select>")[0]
    return re.findall(r'<option value="(\d+)"( selected)?', select)


def test_the_year_filters_are_selects_of_the_years_there_are_showing_first_and_last(client_as, three_years):
    html = client_as("lasare").get(reverse("statistik:dashboard_indicator", args=["AVS_ANDEL"])).content.decode()
    assert _options(html, "year_from") == [("2010", " selected"), ("2011", ""), ("2012", "")]
    assert _options(html, "year_to") == [("2010", ""), ("2011", ""), ("2012", " selected")]
    assert "Här visas 2010–2012 för kvinnor och män, alla åldrar." in html


def test_the_chosen_years_and_sex_are_selected_and_said(client_as, three_years):
    url = reverse("statistik:dashboard_indicator", args=["AVS_ANDEL"]) + "?year_from=2011&year_to=2011&sex=K"
    response = client_as("lasare").get(url)
    html = response.content.decode()
    assert [str(p) for p in response.context["periods"]] == ["2011"]
    assert ("2011", " selected") in _options(html, "year_from") and ("2011", " selected") in _options(html, "year_to")
    assert "Här visas 2011 för kvinnor, alla åldrar." in html


def test_a_range_given_backwards_means_the_same_years():
    filters = filters_from({"year_from": "2012", "year_to": "2010"})
    assert (filters.year_from, filters.year_to) == (2010, 2012)


def test_the_region_overview_has_one_year_select_and_shows_the_chosen_year_against_the_one_before(
    client_as, three_years
):
    client = client_as("lasare")
    html = client.get(reverse("statistik:dashboard")).content.decode()
    assert _options(html, "year_from") == []
    assert re.search(r'for="id_year_to" class="form-label">\s*År\s*<', html)
    assert _options(html, "year_to")[-1] == ("2012", " selected")
    assert "Här visas 2012 jämfört med 2011 för kvinnor och män, alla åldrar" in html
    assert "2 av 10 kommuner har rapporterat." in html
    html = client.get(reverse("statistik:dashboard") + "?year_to=2011&age=a20_64").content.decode()
    assert ("2011", " selected") in _options(html, "year_to")
    assert "Här visas 2011 jämfört med 2010 för kvinnor och män, 20–64 år" in html


def test_the_municipality_profile_says_what_it_shows(client_as, three_years, municipalities):
    url = reverse("statistik:dashboard_municipality", args=[municipalities["Botkyrka"].pk]) + "?year_from=2011"
    html = client_as("introchef-botkyrka").get(url).content.decode()
    assert "Här visas 2011–2012 för kvinnor och män, alla åldrar." in html
    assert ("2011", " selected") in _options(html, "year_from")


@pytest.fixture
def seven_years(make_report, municipalities, catalogue):
    """2010–2016, Botkyrka and Huddinge approved each year; AVS_ARB (to work) is 10 + the year's number."""
    for year in range(2010, 2017):
        period = Period.objects.create(year=year, deadline=datetime.date(year + 1, 2, 28), status="closed")
        for name in ("Botkyrka", "Huddinge"):
            figures = {("AVS_ARB", "T"): 10 + year - 2010, ("AVS_STU", "T"): 10, ("AVS_FLY", "T"): 10}
            make_report(municipalities[name], period, figures, status="approved")


def _profile_years(html):
    """The years heading the first table of the municipality profile."""
    head = html.split('<table class="table table-sm table-numeric">')[1].split("</thead>")[0]
    return re.findall(r'<th scope="col" class="num">(\d{4})</th>', head)


def test_the_municipality_profile_shows_the_latest_five_years_and_links_to_every_year(
    client_as, seven_years, municipalities
):
    url = reverse("statistik:dashboard_municipality", args=[municipalities["Botkyrka"].pk])
    client = client_as("introchef-botkyrka")
    html = client.get(url, {"sex": "K"}).content.decode()
    assert _profile_years(html) == ["2012", "2013", "2014", "2015", "2016"]
    assert "Här visas 2012–2016 för kvinnor, alla åldrar." in html
    assert "De senaste 5 åren visas, av 7 med uppgifter sedan 2010." in html
    # The link keeps the other choices; the form and the export say the years shown.
    assert '<a href="?sex=K&amp;alla=1" class="no-print">Visa alla år</a>' in html
    assert ("2012", " selected") in _options(html, "year_from")
    assert '<input type="hidden" name="year_from" value="2012">' in html

    every = client.get(url, {"sex": "K", "alla": "1"}).content.decode()
    assert _profile_years(every) == [str(year) for year in range(2010, 2017)]
    assert "Visa alla år" not in every and '<a href="?sex=K">Visa bara de senaste 5 åren</a>' in every
    assert ("2010", " selected") in _options(every, "year_from")

    # A first year chosen is kept, however far back; a last year chosen ends the latest five there.
    chosen = client.get(url, {"year_from": "2011"}).content.decode()
    assert _profile_years(chosen) == [str(year) for year in range(2011, 2017)]
    assert "Visa alla år" not in chosen
    ending = client.get(url, {"year_to": "2014"}).content.decode()
    assert _profile_years(ending) == ["2010", "2011", "2012", "2013", "2014"]
    assert "Visa alla år" not in ending


def test_a_municipality_profile_of_few_years_shows_them_all_without_a_note(client_as, three_years, municipalities):
    url = reverse("statistik:dashboard_municipality", args=[municipalities["Botkyrka"].pk])
    html = client_as("introchef-botkyrka").get(url).content.decode()
    assert _profile_years(html) == ["2010", "2011", "2012"]
    assert "Visa alla år" not in html and "åren visas" not in html
