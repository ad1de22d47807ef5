"""In the browser: the reader finds an insats, a contact and a meeting from the header search, by keyboard."""

import datetime

import pytest
from django.utils import timezone

from natverk.models import Contact, Decision, Meeting, Network, Organisation
from tests.insatsbasen.conftest import make_insats  # noqa: F401  (fixture)


@pytest.mark.browser
def test_the_reader_finds_an_insats_a_contact_and_a_meeting_from_the_header(
    cast,
    municipalities,
    make_insats,  # noqa: F811
    live_server,
    login,
    page,
    screenshot_dir,
):
    organisation = Organisation.objects.create(name="Studieförbundet Mångfald", municipality=municipalities["Botkyrka"])
    contact = Contact.objects.create(name="Ines Mångfaldsdotter", organisation=organisation)
    network = Network.objects.create(name="Föreningsnätverket")
    meeting = Meeting.objects.create(network=network, date=timezone.localdate() - datetime.timedelta(days=2))
    Decision.objects.create(meeting=meeting, text="Mångfald i styrelser ska kartläggas.")
    insats = make_insats("Mångfald i arbetslivet", provider=organisation)

    page.set_default_timeout(10000)
    login(page, "lasare")
    search = page.get_by_role("searchbox", name="Sök i portalen").first
    search.fill("mångfald")
    with page.expect_navigation():
        search.press("Enter")
    assert page.url.endswith("/sok/?q=m%C3%A5ngfald")
    page.screenshot(path=screenshot_dir / "global-search.png", full_page=True)
    for heading in ("Insatser", "Organisationer", "Kontakter", "Möten"):
        assert page.get_by_role("heading", name=heading).count() == 1

    page.get_by_role("link", name=contact.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == contact.name
    page.go_back()
    page.get_by_role("link", name=insats.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == insats.name
    # The insats links its provider, which lists the insats: both ways.
    page.get_by_role("link", name=organisation.name).first.click()
    assert page.get_by_role("link", name=insats.name).count() == 1
    page.go_back()
    page.go_back()
    page.get_by_role("link", name=f"{network.name},").first.click()
    assert f"/natverk/moten/{meeting.pk}/" in page.url
