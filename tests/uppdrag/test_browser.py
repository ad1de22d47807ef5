"""In Chromium: the strategist creates an action point, the owner is reminded and closes it, the report shows it."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from natverk.models import Organisation
from uppdrag import tasks
from uppdrag.models import ActionPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    # The shared ``login`` fixture clicks the first submit button on the page, which is the
    # language switch in the header; press the login form's own button instead.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_an_action_point_goes_from_creation_to_reminder_to_done_to_the_report(
    page, live_server, cast, commitments, areas, municipalities, screenshot_dir
):
    due = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    for name in ("Arbetsförmedlingen", "Försäkringskassan", "Länsstyrelsen i Stockholms län", "SKL"):
        Organisation.objects.create(name=name)

    log_in(page, live_server, "strateg")
    page.goto(f"{live_server.url}/uppdrag/atgardspunkter/ny/")
    page.locator("#id_title").fill("Samla in rutiner för insatsbasen")
    page.get_by_label("Ansvarig (användare)").select_option(label="Anna Lindqvist (admin-huddinge)")
    page.get_by_label("Slutdatum").fill(due)
    page.get_by_label("Åtagande").select_option(label=str(commitments[0]))
    page.get_by_label("Strategiskt område").select_option(label="— 1.A Samhällsorienteringen")
    page.get_by_role("group", name="Berörda kommuner").get_by_label("Huddinge").check()
    # The long lists have a filter box: type, the list narrows, Arrow down reaches the first match.
    search = page.get_by_label("Sök bland berörda organisationer")
    search.fill("kassan")
    organisations = page.get_by_role("group", name="Berörda organisationer")
    expect(organisations.get_by_label("Arbetsförmedlingen")).to_be_hidden()
    expect(organisations.get_by_text("1 av 4 visas.")).to_be_visible()
    search.press("Enter")  # must not submit the form
    search.press("ArrowDown")
    page.keyboard.press("Space")
    expect(organisations.get_by_label("Försäkringskassan")).to_be_checked()
    search.press("Escape")
    expect(organisations.get_by_label("Arbetsförmedlingen")).to_be_visible()
    expect(organisations.get_by_text("Valda (1): Försäkringskassan")).to_be_visible()
    page.screenshot(path=screenshot_dir / "uppdrag-actionpoint-form.png", full_page=True)
    page.get_by_role("button", name="Skapa åtgärdspunkt").click()
    expect(page.get_by_role("heading", name="Samla in rutiner för insatsbasen")).to_be_visible()
    expect(page.get_by_text("Åtgärdspunkten har skapats.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "uppdrag-actionpoint.png", full_page=True)
    created = ActionPoint.objects.get(title="Samla in rutiner för insatsbasen")
    assert [str(m) for m in created.municipalities.all()] == ["Huddinge"]
    assert [str(o) for o in created.organisations.all()] == ["Försäkringskassan"]

    # Three days before the due date the scheduled job reminds the owner, once.
    reminder_day = datetime.datetime.fromisoformat(due) - datetime.timedelta(days=3, hours=-7)
    with time_machine.travel(reminder_day.astimezone()):
        tasks.send_action_point_reminders()
        tasks.send_action_point_reminders()
    reminders = [message for message in mail.outbox if message.to == ["admin-huddinge@exempel.se"]]
    assert len(reminders) == 1
    path = re.search(r"/uppdrag/atgardspunkter/\d+/", reminders[0].body).group(0)

    log_in(page, live_server, "admin-huddinge")
    page.goto(f"{live_server.url}{path}")
    assert page.get_by_role("link", name="Ändra åtgärdspunkt").count() == 0
    page.get_by_label("Ny status").select_option(label="Klar")
    page.locator("#status-form").get_by_label("Anteckning").fill("Alla kommuner har skickat in sina rutiner.")
    page.get_by_role("button", name="Ändra status").click()
    expect(page.get_by_text("Status är nu ”Klar”.")).to_be_visible()

    log_in(page, live_server, "strateg")
    page.goto(f"{live_server.url}/uppdrag/atgardspunkter/")
    page.screenshot(path=screenshot_dir / "uppdrag-list.png", full_page=True)
    page.goto(f"{live_server.url}/uppdrag/omraden/")
    page.screenshot(path=screenshot_dir / "uppdrag-areas.png", full_page=True)

    page.goto(f"{live_server.url}/uppdrag/rapporter/ny/")
    page.get_by_label("Inledning").fill("Lägesrapport till styrgruppen.")
    page.get_by_role("button", name="Spara och lås rapporten").click()
    expect(page.get_by_text("Rapporten har sparats.")).to_be_visible()
    item = page.locator(".report-points > li", has_text="Samla in rutiner för insatsbasen")
    expect(item.locator(".badge")).to_have_text("Klar")
    assert "Alla kommuner har skickat in sina rutiner." in item.inner_text()
    page.screenshot(path=screenshot_dir / "uppdrag-report.png", full_page=True)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Skriv ut")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Lägesrapport"))
    page.screenshot(path=screenshot_dir / "uppdrag-report-print.png", full_page=True)
    page.pdf(path=str(screenshot_dir / "uppdrag-report.pdf"), format="A4")
