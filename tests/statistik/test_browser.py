"""In Chromium: a reporter fills in and submits, the region approves, the intro manager sees the figure."""

import datetime

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
    assert "1 av 10 har rapporterat" in page.content()
    page.screenshot(path=screenshot_dir / "statistik-dashboard-indicator.png", full_page=True)
    page.goto(f"{live_server.url}/statistik/dashboard/")
    page.screenshot(path=screenshot_dir / "statistik-dashboard-region.png", full_page=True)
