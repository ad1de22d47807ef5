"""In Chromium: the strategist writes and publishes a report; a member opens the e-mailed link; others get 403."""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings
from playwright.sync_api import expect

from natverk.models import Contact, Membership, Network
from uppdrag.access import STEERING_GROUP_NAME
from uppdrag.models import ActionPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_the_steering_group_reads_the_published_report_from_the_email_link(
    page, live_server, cast, commitments, areas, screenshot_dir
):
    today = datetime.date.today()
    network = Network.objects.create(name=STEERING_GROUP_NAME, kind=Network.Kind.STEERING_GROUP)
    member = Contact.objects.create(name="Introchef Botkyrka", email=cast["introchef-botkyrka"].email)
    Membership.objects.create(network=network, contact=member, valid_from=today - datetime.timedelta(days=300))
    ActionPoint.objects.create(
        title="Informationsinsats i Botkyrka",
        commitment=commitments[0],
        due_date=today - datetime.timedelta(days=5),
    )
    ActionPoint.objects.create(
        title="Förordning om ersättningar till kommunerna",
        commitment=commitments[0],
        kind="watch",
        expected_text="före sommaren",
    )

    with override_settings(SITE_URL=live_server.url):
        log_in(page, live_server.url, "strateg")
        page.goto(f"{live_server.url}/uppdrag/rapporter/ny/")
        page.get_by_label("Berättelse för åtagande 1.").fill(
            "Förslag diskuterat med **utvecklare**. Skickas ut under juni.\n\n- Salem 3/6\n- Botkyrka i höst"
        )
        page.get_by_role("button", name="Spara och lås rapporten").click()
        expect(page.get_by_text("Inte publicerad.")).to_be_visible()
        report_url = page.url
        page.get_by_role("button", name="Publicera till styrgruppen").click()
        expect(page.locator("#report-published")).to_contain_text("Publicerad till styrgruppen")
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]

    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link == report_url

    log_in(page, live_server.url, "introchef-botkyrka")
    # The home page lists the report; the e-mailed link opens it.
    expect(page.get_by_role("link", name=re.compile("Lägesrapport"))).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name=re.compile("Lägesrapport"))).to_be_visible()
    narrative = page.locator(".report-narrative")
    expect(narrative.locator("strong")).to_have_text("utvecklare")
    expect(narrative.locator("li")).to_have_count(2)
    expect(page.locator(".overdue-badge")).to_have_count(1)
    expect(page.get_by_role("heading", name="Bevakningar").first).to_be_visible()
    expect(page.get_by_role("button", name="Publicera till styrgruppen")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "uppdrag-report-member.png", full_page=True)
    page.emulate_media(media="print")
    page.pdf(path=str(screenshot_dir / "uppdrag-report-member.pdf"), format="A4")
    page.emulate_media(media="screen")

    log_in(page, live_server.url, "lasare")
    response = page.goto(link)
    assert response.status == 403
