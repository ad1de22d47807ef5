import pytest
from django.utils import timezone

from insatsbasen.models import InsatsChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_huddinge_confirms_a_due_insats_edits_it_and_sees_the_history(
    page, live_server, cast, make_insats, screenshot_dir
):
    due = make_insats("Föräldragrupp på somaliska – Huddinge", verified_days_ago=400, languages=["so", "sv"])
    make_insats("Språkcafé Flemingsberg", verified_days_ago=10)
    # Logging in through the form's own button (the shared ``login`` fixture clicks the first submit
    # button of the page, which is the language switch in the header).
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill("admin-huddinge")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")
    panel = page.get_by_role("listitem").filter(has_text="Föräldragrupp på somaliska")
    panel.get_by_role("button", name="Stämmer fortfarande").click()
    page.wait_for_load_state()
    assert "Tack" in page.locator("#messages").inner_text()
    due.refresh_from_db()
    assert timezone.localdate(due.last_verified_at) == timezone.localdate()

    page.goto(f"{live_server.url}/insatser/?q=f%C3%B6r%C3%A4ldragrupper")
    page.screenshot(path=screenshot_dir / "insatsbasen-list.png", full_page=True)
    page.get_by_role("link", name="Föräldragrupp på somaliska – Huddinge").click()
    page.get_by_role("link", name="Ändra").click()
    page.fill("#id_age_min", "30")
    page.fill("#id_age_max", "20")
    page.get_by_role("button", name="Spara").click()
    assert page.locator("#error-summary").is_visible()
    page.screenshot(path=screenshot_dir / "insatsbasen-edit-error.png", full_page=True)
    page.fill("#id_age_max", "60")
    page.fill("#id_reason", "Ny åldersgräns efter beslut")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    history = page.locator("#history-heading + div table")
    assert "Ny åldersgräns efter beslut" in history.inner_text()
    assert InsatsChange.objects.filter(insats=due, field="age_max", new_value="60").exists()
    page.screenshot(path=screenshot_dir / "insatsbasen-detail.png", full_page=True)

    page.goto(f"{live_server.url}/insatser/aktualitet/")
    page.screenshot(path=screenshot_dir / "insatsbasen-scoreboard.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/katalog/")
    page.screenshot(path=screenshot_dir / "insatsbasen-katalog-phone.png", full_page=True)
