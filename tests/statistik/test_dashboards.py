"""Dashboards: what they show, that small counts never leak (page, export, share, sorting), query counts."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from intro_sodertorn.models import ExportJob
from statistik.models import Period

pytestmark = pytest.mark.django_db


def exits(work, studies=10, other=10):
    """Figures where the share to work or studies is computed from AVS_ARB (work) in total only."""
    values = {("AVS_ARB", "T"): work, ("AVS_STU", "T"): studies, ("AVS_FLY", "T"): other}
    values |= {("AVS_PLAN", "T"): 0, ("AVS_OVR", "T"): 0, ("MOT_TOT", "T"): 40}
    return values


@pytest.fixture
def reported(make_report, municipalities, period):
    """Approved 2012: Botkyrka 3 to work (small), Huddinge 30, Salem 0, Haninge 20; Tyresö only submitted."""
    make_report(municipalities["Botkyrka"], period, exits(3), status="approved")
    make_report(municipalities["Huddinge"], period, exits(30), status="approved")
    make_report(municipalities["Salem"], period, exits(0), status="approved")
    make_report(municipalities["Haninge"], period, exits(20), status="approved")
    make_report(municipalities["Tyresö"], period, exits(25), status="submitted")
    return period


def _row(html, name):
    """The cells after a municipality's row header in the comparison table, as text."""
    table = html.split("Kommunerna jämförda")[1].split("</table>")[0]
    row = table.split(f'<th scope="row">{name}</th>')[1].split("</tr>")[0]
    return re.sub(r"<[^>]+>|\s", "", row)


def _comparison(client, code, period):
    url = reverse("statistik:dashboard_indicator", args=[code]) + f"?period={period.pk}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_small_count_is_suppressed_on_the_page_for_other_municipalities_but_not_for_its_own(client_as, reported):
    outside = _comparison(client_as("strateg"), "AVS_ARB", reported)
    assert _row(outside, "Botkyrka") == "&lt;5"
    bar = outside.split('id="comparison-desc"')[1].split(">Botkyrka</text>")[1][:300]
    assert "hatch" in bar and "&lt;5 (undertryckt)" in bar  # no bar in the chart either
    assert _row(outside, "Huddinge") == "30"
    own = _comparison(client_as("introchef-botkyrka"), "AVS_ARB", reported)
    assert _row(own, "Botkyrka") == "3"


def test_a_share_computed_from_a_suppressed_count_is_hidden_and_a_thin_region_is_not_shown(client_as, reported):
    html = _comparison(client_as("strateg"), "AVS_ANDEL", reported)
    # Botkyrka's share (13 of 23 = 56.5 %) would give its 3 away: it is not shown...
    assert "56,5" not in html
    assert _row(html, "Botkyrka") == ".."
    # ...and with 4 of 10 municipalities approved there is no regional figure, and the page says why.
    assert "4 av 10 kommuner" in html  # approved only; Tyresö's is not yet approved
    assert "Regionens värde visas inte" in html


def test_zero_missing_and_suppressed_look_different(client_as, reported):
    html = _comparison(client_as("strateg"), "AVS_ARB", reported)
    table = html.split("Kommunerna jämförda")[1]
    assert '<td class="num">0</td>' in table.replace("\n", "")
    assert 'class="cell-missing"' in table and 'class="cell-suppressed"' in table


def test_sorting_does_not_reveal_the_order_of_suppressed_values(client_as, make_report, municipalities, period):
    for name, work in (("Värmdö", 4), ("Botkyrka", 1), ("Nacka", 2), ("Huddinge", 30)):
        make_report(municipalities[name], period, exits(work), status="approved")
    html = _comparison(client_as("strateg"), "AVS_ARB", period)
    table = html.split("Kommunerna jämförda")[1].split("</table>")[0]
    positions = [table.index(f">{name}<") for name in ("Huddinge", "Botkyrka", "Nacka", "Värmdö")]
    # Visible first; the suppressed ones follow in alphabetical order, not by their value (1, 2, 4).
    assert positions == sorted(positions)


def test_the_export_suppresses_exactly_like_the_page(client_as, cast, reported, django_capture_on_commit_callbacks):
    client = client_as("strateg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("statistik:export", args=["statistik.comparison"]),
            {"code": "AVS_ARB", "period": reported.pk, "sex": "T", "age": "T"},
        )
    assert response.status_code == 302
    job = ExportJob.objects.get(user=cast["strateg"])
    assert job.status == "done", job.error
    sheet = load_workbook(io.BytesIO(job.file.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert any("Exporterad" in str(row[0]) for row in rows if row and row[0])
    values = {row[0]: row[1] for row in rows if row and row[0] in ("Botkyrka", "Huddinge", "Salem", "Nacka")}
    assert values == {"Botkyrka": "<5", "Huddinge": 30, "Salem": 0, "Nacka": "–"}


def test_every_dashboard_export_runs_and_carries_the_parameters(
    client_as, cast, reported, municipalities, django_capture_on_commit_callbacks
):
    client = client_as("introchef-botkyrka")
    params = {"code": "AVS_ANDEL", "period": reported.pk, "municipality": municipalities["Botkyrka"].pk}
    for kind in (
        "statistik.overview",
        "statistik.series",
        "statistik.comparison",
        "statistik.municipality",
        "statistik.status",
        "statistik.catalogue",
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("statistik:export", args=[kind]), params | {"year_from": 2010, "sex": "K"})
    jobs = ExportJob.objects.filter(user=cast["introchef-botkyrka"])
    assert [job.status for job in jobs] == ["done"] * 6, [job.error for job in jobs]
    series = next(job for job in jobs if job.kind == "statistik.series")
    text = " ".join(
        str(c) for row in load_workbook(series.file.open("rb")).active.iter_rows(values_only=True) for c in row if c
    )
    assert "2010" in text and "Kvinnor" in text


def test_region_overview_shows_key_figures_with_the_change_from_the_year_before(
    client_as, make_report, municipalities, reported
):
    make_report(municipalities["Nacka"], reported, exits(10, studies=10, other=20), status="approved")
    before = Period.objects.create(year=2011, deadline=datetime.date(2012, 2, 28), status="closed")
    for name in ("Huddinge", "Botkyrka", "Salem", "Haninge", "Nacka"):
        make_report(municipalities[name], before, exits(10, studies=10, other=20), status="approved")
    html = client_as("introchef-botkyrka").get(reverse("statistik:dashboard")).content.decode()
    assert "Andel avslut till arbete eller studier" in html and "2012" in html
    assert "procentenheter" in html and "jämfört med 2011" in html
    assert "5 av 10 kommuner" in html
    # No nested brackets around a change.
    assert not re.search(r"\([^()]*\([^()]*\)[^()]*\)", re.sub(r"<[^>]+>", "", html))


def test_the_municipality_profile_has_accessible_charts_with_tables(client_as, municipalities, reported):
    url = reverse("statistik:dashboard_municipality", args=[municipalities["Botkyrka"].pk])
    html = client_as("introchef-botkyrka").get(url).content.decode()
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert "Regionen (vägd)" in html and "Regionen (summa)" in html and "Källa:" in html
    assert html.count("<table") >= 6


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_dashboard_queries_do_not_grow_with_the_number_of_years(client_as, make_report, municipalities, catalogue):
    client = client_as("strateg")
    urls = [
        reverse("statistik:dashboard"),
        reverse("statistik:dashboard_indicator", args=["AVS_ANDEL"]),
        reverse("statistik:dashboard_municipality", args=[municipalities["Botkyrka"].pk]),
    ]

    def add_year(year):
        period = Period.objects.create(year=year, deadline=datetime.date(year + 1, 2, 28))
        for name in ("Botkyrka", "Huddinge", "Salem"):
            make_report(municipalities[name], period, exits(year - 2000), status="approved")

    add_year(2008)
    add_year(2009)
    # The first page after logging in renews the session (at most once a minute, intro_sodertorn/sessions.py): a
    # write that has nothing to do with the years, so it happens before counting.
    client.get(urls[0])
    few = [_count_queries(client, url) for url in urls]
    for year in range(2010, 2016):
        add_year(year)
    many = [_count_queries(client, url) for url in urls]
    assert many == few


def test_indicator_names_are_swedish_data_with_the_english_name_on_english_pages(client_as, settings, catalogue):
    client = client_as("lasare")
    url = reverse("statistik:dashboard_indicator", args=["AVS_ANDEL"])
    assert '<h1 class="h2">Andel avslut till arbete eller studier</h1>' in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert '<h1 class="h2">Share of exits to work or studies</h1>' in html and "Over time, per municipality" in html


def _header_cells(html, marker):
    """The period column headers of the first table after ``marker``, as (text, has the definition mark)."""
    head = html.split(marker)[1].split("</thead>")[0]
    cells = re.findall(r'<th scope="col" class="num">(.*?)</th>', head, flags=re.S)
    return [(re.sub(r"<[^>]+>|\s", "", cell).split("◆")[0], "kis-def-mark" in cell) for cell in cells]


def test_a_change_of_definition_is_marked_in_the_series_with_the_old_and_new_definition(
    client_as, cast, make_report, municipalities, catalogue, period
):
    from statistik import services

    new = services.catalogue_version_create(cast["statistik-region"], "KIS 2013", 2013)
    changed = new.indicators.get(code="AVS_ARB")
    services.indicator_update(changed, cast["statistik-region"], {"definition": "Arbete minst tre månader i följd."})
    later = Period.objects.create(year=2013, deadline=datetime.date(2014, 2, 28))
    following = Period.objects.create(year=2014, deadline=datetime.date(2015, 2, 28))
    for name in ("Botkyrka", "Huddinge", "Haninge", "Salem", "Tyresö", "Nynäshamn"):
        make_report(municipalities[name], period, exits(20), status="approved")
        make_report(municipalities[name], later, exits(22), status="approved", version=new)
        make_report(municipalities[name], following, exits(24), status="approved", version=new)
    client = client_as("introchef-botkyrka")

    html = client.get(reverse("statistik:dashboard_indicator", args=["AVS_ARB"])).content.decode()
    # The table: the mark sits on 2013 only, the first period under the new definition, and links to both texts.
    assert _header_cells(html, "Över tid, per kommun") == [("2012", False), ("2013", True), ("2014", False)]
    changes = html.split('id="definition-changes"')[1].split("</section>")[0]
    assert "minst en sammanhängande månad" in changes and "Arbete minst tre månader i följd." in changes
    assert "2013" in changes and "2012" not in changes
    # The chart: a vertical line in each drawing, said in words for those who do not see it.
    chart = html.split("Över tid, per kommun")[1].split("<table")[0]
    assert chart.count('class="kis-definition-mark"') == chart.count("<svg") >= 1  # the wide and the narrow chart
    assert "definitionen ändrades från 2013" in html.lower()

    # An indicator whose definition did not change has no mark and no section.
    html = client.get(reverse("statistik:dashboard_indicator", args=["MOT_TOT"])).content.decode()
    assert "kis-def-mark" not in html and 'id="definition-changes"' not in html
    assert 'class="kis-definition-mark"' not in html


def test_a_municipality_is_compared_over_every_period_with_the_municipalities_chosen(
    client_as, make_report, municipalities, period
):
    later = Period.objects.create(year=2013, deadline=datetime.date(2014, 2, 28))
    # Exits in total (a key figure): Botkyrka 50 and 55, Huddinge 60 and 3, Haninge 40 and 41, Salem 26 and 27.
    for name, first, second in (("Botkyrka", 30, 35), ("Huddinge", 40, None), ("Haninge", 20, 21), ("Salem", 6, 7)):
        make_report(municipalities[name], period, exits(first), status="approved")
        figures = exits(1, studies=1, other=1) if second is None else exits(second)
        make_report(municipalities[name], later, figures, status="approved")
    botkyrka, huddinge, salem = (municipalities[name] for name in ("Botkyrka", "Huddinge", "Salem"))
    url = reverse("statistik:dashboard_municipality", args=[botkyrka.pk])
    client = client_as("introchef-botkyrka")

    def rows(html):
        """The AVS_TOT table's rows: {row header: [cells as text]}."""
        table = html.split('id="p-AVS_TOT"')[1].split("</table>")[0].split("<tbody>")[1]
        found = re.findall(r'<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', table, flags=re.S)
        return {
            head.strip(): [re.sub(r"<[^>]+>|\s", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
            for head, cells in found
        }

    plain = rows(client.get(url).content.decode())
    assert plain["Botkyrka"] == ["50", "55"] and "Huddinge" not in plain

    chosen = rows(client.get(url, {"jamfor": [huddinge.pk, salem.pk]}).content.decode())
    assert chosen["Botkyrka"] == ["50", "55"]
    # Every period, each chosen municipality's own row, under the same disclosure rule as everywhere else:
    # Huddinge's 3 exits in 2013 are not Botkyrka's to see.
    assert chosen["Huddinge"] == ["60", "&lt;5"]
    assert chosen["Salem"] == ["26", "27"]
    # The chosen boxes stay ticked; a made-up or foreign value is ignored, not an error.
    html = client.get(url, {"jamfor": [str(huddinge.pk), "x", "99999999"]}).content.decode()
    assert f'value="{huddinge.pk}" id="jamfor-{huddinge.pk}" checked' in html and "Salem</th>" not in html
