"""In Chromium: log in as admin-huddinge and see the home page in Swedish."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_huddinge_logs_in_and_sees_the_home_page_in_swedish(page, live_server, cast, screenshot_dir):
    page.goto(f"{live_server.url}/logga-in/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("heading", name="Logga in").is_visible()
    page.screenshot(path=screenshot_dir / "login.png", full_page=True)

    page.get_by_label("Användarnamn").fill("admin-huddinge")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")

    assert page.get_by_role("heading", name="Välkommen, Anna Lindqvist").is_visible()
    assert "Insatsadministratör (Introduktion), Huddinge" in page.content()
    assert page.get_by_role("link", name="Insatsbasen").is_visible()
    page.screenshot(path=screenshot_dir / "home-admin-huddinge.png", full_page=True)


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, live_server):
    page.goto(f"{live_server.url}/tillganglighet/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hoppa till huvudinnehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
