"""In the browser: the strategist records a meeting of the SFI network and turns a decision into an action point."""

import datetime

import pytest

from natverk.models import Decision, Meeting

from . import factories


@pytest.mark.browser
def test_strategist_records_a_meeting_with_attendees_and_a_decision(
    cast, municipalities, live_server, login, page, screenshot_dir
):
    botkyrka, huddinge = municipalities["Botkyrka"], municipalities["Huddinge"]
    network = factories.network()
    yusuf = factories.contact("Yusuf Demir", factories.organisation("SFI Botkyrka", botkyrka), botkyrka)
    mona = factories.contact("Mona Fredriksson", factories.organisation("SFI Huddinge", huddinge), huddinge)
    employment_service = factories.organisation("Arbetsförmedlingen", kind="arbetsformedlingen")
    factories.contact("Gunilla Åkerman", employment_service)
    factories.member(network, yusuf, botkyrka)
    factories.member(network, mona, huddinge)

    page.set_default_timeout(10000)
    login(page, "strateg")
    page.goto(f"{live_server.url}/natverk/")
    page.get_by_role("link", name="Södertörns SFI-nätverk").first.click()
    page.get_by_role("link", name="Vilka kommuner saknar representant?").click()
    assert "Salem" in page.locator("#missing").inner_text()
    page.screenshot(path=screenshot_dir / "natverk-network.png", full_page=True)

    page.get_by_role("link", name="Registrera ett möte").click()
    page.fill("#id_date", "2026-03-10")
    page.fill("#id_place", "Huddinge kommunhus")
    page.fill("#id_agenda", "1. Omställningen\n2. Representanter för SFI")
    page.locator(f"#div_id_attendance_{yusuf.pk}").get_by_label("Närvarande").check()
    page.locator(f"#div_id_attendance_{mona.pk}").get_by_label("Anmält förhinder").check()
    page.select_option("#id_others-0-contact", label="Gunilla Åkerman (Arbetsförmedlingen)")
    page.locator("#div_id_others-0-status").get_by_label("Anmält förhinder").check()
    page.fill("#id_decisions-0-text", "Strategen sammanställer utbudet av specialiserad SFI.")
    # A second decision through the button, a third added and removed again.
    page.get_by_role("button", name="Lägg till beslut").click()
    page.fill("#id_decisions-1-text", "Nästa möte hålls i Botkyrka.")
    page.get_by_role("button", name="Lägg till beslut").click()
    page.fill("#id_decisions-2-text", "Ångrat beslut.")
    page.get_by_role("button", name="Ta bort beslut 3").click()
    page.screenshot(path=screenshot_dir / "natverk-meeting-form.png", full_page=True)
    page.get_by_role("button", name="Spara mötet").click()

    page.wait_for_url("**/natverk/moten/*/")
    assert "Mötet har sparats" in page.content()
    meeting = Meeting.objects.get()
    assert meeting.date == datetime.date(2026, 3, 10)
    assert {a.contact.name: a.status for a in meeting.attendances.select_related("contact")} == {
        "Yusuf Demir": "present",
        "Mona Fredriksson": "excused",
        "Gunilla Åkerman": "excused",
    }
    assert list(meeting.decisions.values_list("text", flat=True)) == [
        "Strategen sammanställer utbudet av specialiserad SFI.",
        "Nästa möte hålls i Botkyrka.",
    ]
    page.screenshot(path=screenshot_dir / "natverk-meeting.png", full_page=True)

    page.get_by_role("link", name="Gör till åtgärdspunkt").first.click()
    page.locator("#main form [type=submit]").last.click()
    page.wait_for_url("**/uppdrag/atgardspunkter/*/")
    decision = Decision.objects.get(position=1)
    assert decision.action_point.title.startswith("Strategen sammanställer")
    page.goto(f"{live_server.url}/natverk/moten/{meeting.pk}/")
    assert page.get_by_role("link", name="Visa åtgärdspunkten").is_visible()
    page.screenshot(path=screenshot_dir / "natverk-meeting-with-action-point.png", full_page=True)
