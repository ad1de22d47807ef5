"""In the browser: an administrator tries to publish an almost empty insats and is told exactly what is missing."""

import pytest

from insatsbasen.models import Insats

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_publishing_an_incomplete_insats_names_what_is_missing_and_saves_nothing(
    page, live_server, cast, taxonomy, municipalities, screenshot_dir
):
    log_in(page, live_server, "admin-huddinge")
    page.goto(f"{live_server.url}/insatser/ny/")
    page.fill("#id_name", "Jobbspår lager")
    page.fill("#id_short_description", "Praktik på lager med handledare")
    page.select_option("#id_category", label="Praktik och arbetsträning")
    page.select_option("#id_owner_municipality", label="Huddinge")
    page.select_option("#id_status", label="Publicerad")
    page.select_option("#id_intake", label="Fasta datum")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    text = summary.inner_text()
    assert "Den kan inte publiceras ännu: 5 uppgifter" in text and "välj status Utkast" in text
    for missing in (
        "Ange ett sätt att nå någon",
        "Lägg till minst en plats nedan",
        "Välj minst ett undervisningsspråk",
        "Skriv hur man ansöker",
        "Intaget är ”Fasta datum”: skriv datumen",
    ):
        assert missing in text, missing
    # Each missing field is marked where it is, and the summary links to it.
    assert page.locator("#id_how_to_apply.is-invalid").count() == 1
    assert summary.get_by_role("link", name="Så ansöker du").count() == 1
    assert page.input_value("#id_name") == "Jobbspår lager", "what was typed is kept"
    page.screenshot(path=screenshot_dir / "insatsbasen-publish-gate.png", full_page=True)
    assert not Insats.objects.exists()

    # Completing what was named publishes it.
    page.check("#id_is_remote")
    page.check('input[name="languages"][value="sv"]')
    page.fill("#id_function_phone", "08-535 000 00")
    page.fill("#id_how_to_apply", "Tala med din handläggare på Arbetsförmedlingen.")
    page.fill("#id_intake_dates", "Start 12 januari och 9 mars")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Insatsen har skapats" in page.locator("#messages").inner_text()
    insats = Insats.objects.get()
    assert insats.status == Insats.Status.PUBLISHED and insats.is_remote and insats.languages == ["sv"]
