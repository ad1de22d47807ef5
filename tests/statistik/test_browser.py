"""In Chromium: a reporter fills in and submits, the region approves, the intro manager sees the figure."""

import datetime
import re

import pytest

from tests.statistik.conftest import ensure_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_report_goes_from_the_reporter_through_the_region_to_the_managers_dashboard(
    page, live_server, cast, municipalities, screenshot_dir
):
    from statistik.models import Period

    ensure_catalogue()
    # Last year's round, its deadline still ahead (the browser keeps the real clock).
    today = datetime.date.today()
    period = Period.objects.create(year=today.year - 1, deadline=today + datetime.timedelta(days=60))

    _login(page, live_server, "rapportor-botkyrka")
    assert "KIS-rapporter att lämna" in page.content()
    page.get_by_role("link", name=f"Rapport Botkyrka {period}").click()
    page.get_by_role("button", name="Starta rapporten").click()  # the link itself changes nothing
    page.wait_for_load_state()  # the live sums' script runs at the end of the page: type only once it has
    page.get_by_label("Mottagna under perioden, Kvinnor").fill("12")
    page.get_by_label("Mottagna under perioden, Män").fill("9")
    # The live sum beside the total helps while typing.
    assert page.locator("tr[data-code=MOT_TOT] .kis-sum").inner_text() == "21"
    page.get_by_label("Mottagna under perioden, Totalt").fill("22")
    assert "stämmer inte" in page.locator("tr[data-code=MOT_TOT] .kis-sum").inner_text()
    page.get_by_label("Avslut till arbete, Totalt").fill("7")
    page.get_by_role("button", name="Spara utkast").click()

    summary = page.locator("#error-summary")
    assert summary.is_visible() and "ska vara lika med summan" in summary.inner_text()
    cell = page.get_by_label("Mottagna under perioden, Totalt")
    assert cell.get_attribute("aria-invalid") == "true"
    page.screenshot(path=screenshot_dir / "statistik-form-error.png", full_page=True)
    summary.get_by_role("link").first.click()
    cell.fill("21")
    # Most cells are empty: the page lists them, and the reporter confirms they are missing.
    assert "uppgifter är tomma" in page.locator("#before-submit").inner_text()
    page.get_by_label(re.compile("Lämna in fast .* uppgifter saknas")).check()
    page.get_by_role("button", name="Spara och skicka in till regionen").click()
    assert "Rapporten har skickats in till regionen." in page.content()

    _login(page, live_server, "statistik-region")
    page.get_by_role("link", name=f"Botkyrka {period}").first.click()
    page.get_by_role("button", name="Godkänn och lås").click()
    assert "Rapporten är godkänd och låst." in page.content()
    page.goto(f"{live_server.url}/statistik/oversikt/")
    page.screenshot(path=screenshot_dir / "statistik-overview.png", full_page=True)

    _login(page, live_server, "introchef-botkyrka")
    page.goto(f"{live_server.url}/statistik/dashboard/kommun/{municipalities['Botkyrka'].pk}/")
    table = page.get_by_role("table").first
    assert "21" in table.inner_text()
    page.screenshot(path=screenshot_dir / "statistik-dashboard-municipality.png", full_page=True)
    page.goto(f"{live_server.url}/statistik/dashboard/indikator/MOT_TOT/")
    # One of ten has reported: the page says so and shows no regional figure built on one municipality.
    assert "1 av 10 kommuner" in page.content() and "Regionens värde visas inte" in page.content()
    page.screenshot(path=screenshot_dir / "statistik-dashboard-indicator.png", full_page=True)
    page.goto(f"{live_server.url}/statistik/dashboard/")
    page.screenshot(path=screenshot_dir / "statistik-dashboard-region.png", full_page=True)


def test_the_intro_manager_reads_the_overview_and_an_indicator_with_coverage_and_protected_figures(
    page, live_server, cast, municipalities, screenshot_dir
):
    """On the demo figures: the region's sums with their coverage, "<5" and ".." with the rule, a new definition."""
    from statistik import demo

    ensure_catalogue()
    demo.load()
    _login(page, live_server, "introchef-botkyrka")
    page.goto(f"{live_server.url}/statistik/dashboard/")
    text = page.locator("main").inner_text()
    # The latest period with a regional figure, which period and how much of the region it covers.
    latest = max(demo.demo_years())
    assert f"Här visas {latest} jämfört med {latest - 1}" in text and "8 av 10 kommuner" in text
    assert "procentenheter" in text and "inte samma kommuner har rapporterat" in text
    assert "Regionens medelvärde" not in text and "249,4" not in text  # no mean of municipal counts
    page.screenshot(path=screenshot_dir / "statistik-overview-coverage.png", full_page=True)

    page.get_by_role("link", name="Avslut totalt").first.click()
    page.goto(page.url.split("?")[0].replace("AVS_TOT", "AVS_ARB"))
    main = page.locator("main")
    series = main.get_by_role("table").first
    assert "Regionen (summa)" in series.inner_text() and "<5" in series.inner_text()
    assert ".." in series.inner_text()  # complementary cells, explained in the legend
    assert "Sekretesskydd" not in main.inner_text()  # the rule is one click away...
    main.get_by_text("Så skyddas uppgifterna").click()
    assert "Sekretesskydd som SCB:s" in main.inner_text()  # ...and written out in Swedish
    # The change of definition from the latest year is marked in the chart and the table, old and new one click away.
    assert page.locator(".kis-chart .kis-definition-mark").count() == 1
    main.get_by_text("Gammal och ny definition").click()
    assert "minst tre sammanhängande månader" in main.inner_text()
    assert "minst en sammanhängande månad" in main.inner_text()
    page.screenshot(path=screenshot_dir / "statistik-indicator-protected.png", full_page=True)
