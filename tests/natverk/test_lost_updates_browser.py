"""In two browsers: two people edit the same contact; the second save is refused and merged, never lost."""

import pytest

from natverk.models import Contact

from . import factories


@pytest.mark.browser
def test_two_people_edit_the_same_contact_in_their_browsers(
    cast, municipalities, live_server, login, page, browser, browser_context_args, screenshot_dir
):
    botkyrka = municipalities["Botkyrka"]
    contact = factories.contact("Yusuf Demir", factories.organisation("SFI Botkyrka", botkyrka), botkyrka)
    other_context = browser.new_context(**browser_context_args)
    other = other_context.new_page()
    try:
        for tab, username in ((page, "strateg"), (other, "introchef-botkyrka")):
            tab.set_default_timeout(10000)
            login(tab, username)
            tab.goto(f"{live_server.url}/natverk/kontakter/{contact.pk}/andra/")

        page.fill("#id_title", "Rektor SFI")
        page.get_by_role("button", name="Spara").click()
        page.wait_for_load_state()
        assert "Kontakten har sparats." in page.content()

        other.fill("#id_phone", "08-530 610 00")
        other.get_by_role("button", name="Spara").click()
        other.wait_for_load_state()
        conflict = other.locator("#conflict")
        assert "Någon annan har sparat en nyare version" in conflict.inner_text()
        assert "Titel eller roll: Rektor SFI" in conflict.inner_text()
        # The other person's title is filled in; the own phone is still there.
        assert other.input_value("#id_title") == "Rektor SFI"
        assert other.input_value("#id_phone") == "08-530 610 00"
        other.screenshot(path=screenshot_dir / "natverk-contact-conflict.png", full_page=True)
        contact.refresh_from_db()
        assert contact.title == "Rektor SFI" and contact.phone == ""

        other.get_by_role("button", name="Spara").click()
        other.wait_for_load_state()
        contact = Contact.objects.get(pk=contact.pk)
        assert contact.title == "Rektor SFI" and contact.phone == "08-530 610 00"
    finally:
        other_context.close()
