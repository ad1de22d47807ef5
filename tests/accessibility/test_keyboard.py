"""Keyboard-only journeys in Chromium: every step is a key press, as for someone who cannot use a mouse.

Only ``page.keyboard`` moves focus, follows links, presses buttons and types text; ``goto`` is used for
the login page and the first page of a journey. ``tab_to`` presses Tab until the wanted control has
focus and checks at every stop that focus is visible; because Tab runs through the whole page and
around again, reaching the target also shows that nothing on the way traps focus.
"""

import datetime

import pytest
from django.utils import timezone

from intro_sodertorn.cast import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the browser reports about the focused element: its accessible name (roughly as assistive
# technology computes it) and how its focus is drawn.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return {tag: 'body', name: '', id: ''};
  const style = getComputedStyle(e);
  const text = (node) => (node ? node.innerText || node.textContent || '' : '').replace(/\\s+/g, ' ').trim();
  let name = e.getAttribute('aria-label') || '';
  if (!name && e.getAttribute('aria-labelledby')) {
    name = e.getAttribute('aria-labelledby').split(' ').map(id => text(document.getElementById(id))).join(' ');
  }
  if (!name && e.labels && e.labels.length) name = text(e.labels[0]);
  if (!name && !['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName)) name = text(e);
  if (!name && e.tagName === 'INPUT' && ['submit', 'button'].includes(e.type)) name = e.value;
  if (!name) name = e.getAttribute('title') || '';
  return {
    tag: e.tagName.toLowerCase(), id: e.id, type: e.getAttribute('type') || '', name: name.trim(),
    href: e.getAttribute('href') || '', value: 'value' in e ? String(e.value) : '',
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0, shadow: style.boxShadow,
    html: e.outerHTML.slice(0, 160),
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def assert_focus_visible(info):
    drawn = (info["outline"] != "none" and info["outlineWidth"] > 0) or info["shadow"] not in ("", "none")
    assert drawn, f"Focus is not visible on {info['html']}"


def _matches(info, target):
    if callable(target):
        return target(info)
    return info["name"] == target or info["name"].startswith(target)


def tab_to(page, target, max_tabs=200, key="Tab"):
    """Press Tab (or ``key``) until the focused element matches ``target``, checking visible focus on the way.

    ``target`` is an accessible name (the start of it is enough) or a predicate on the dict ``focused``
    returns. If focus already matches, nothing is pressed.
    """
    info = focused(page)
    if info["tag"] != "body" and _matches(info, target):
        assert_focus_visible(info)
        return info
    passed = []
    for _ in range(max_tabs):
        page.keyboard.press(key)
        info = focused(page)
        if info["tag"] == "body":
            # Between the last and the first control focus leaves the page for the browser's own UI.
            passed.append("<end of page>")
            continue
        assert_focus_visible(info)
        if _matches(info, target):
            return info
        passed.append(info["name"][:40] or info["html"][:60])
    pytest.fail(f"{key} never reached {target!r} after {max_tabs} presses on {page.url}; passed: {passed[-40:]}")


def by_id(element_id):
    return lambda info: info["id"] == element_id


def press_and_wait(page, key="Enter"):
    """Press a key that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def replace_text(page, text):
    """Type over the focused field's content."""
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def keyboard_login(page, live_server, username):
    page.goto(f"{live_server.url}/logga-in/")
    tab_to(page, by_id("id_username"))
    page.keyboard.type(username)
    tab_to(page, by_id("id_password"))
    page.keyboard.type(DEMO_PASSWORD)
    press_and_wait(page)
    assert "/logga-in/" not in page.url, "the login did not succeed"


@pytest.fixture
def demo(municipalities):
    from intro_sodertorn.demo import demo_load

    demo_load()


@pytest.fixture
def kb(page):
    page.set_default_timeout(8000)
    return page


def test_an_administrator_confirms_and_edits_an_insats_with_the_keyboard(kb, live_server, demo, screenshot_dir):
    from insatsbasen.models import Insats

    page = kb
    keyboard_login(page, live_server, "admin-huddinge")

    # Home page: the panel lists insatser due for review, each with its own "still correct" button.
    confirm = tab_to(page, lambda f: f["tag"] == "button" and f["name"].startswith("Stämmer fortfarande:"))
    name = confirm["name"].split(":", 1)[1].strip()
    due_before = Insats.objects.get(name=name).review_due_on
    press_and_wait(page)
    assert page.locator("#messages").inner_text().strip(), "no status message after confirming"
    assert Insats.objects.get(name=name).review_due_on > due_before

    # Open an insats from the panel, then its edit form.
    link = tab_to(page, lambda f: f["tag"] == "a" and "/insatser/" in f["href"] and f["href"].rstrip("/")[-1].isdigit())
    press_and_wait(page)
    assert page.locator("h1").inner_text().strip() == link["name"]
    tab_to(page, "Ändra")
    press_and_wait(page)
    assert "/andra/" in page.url

    tab_to(page, by_id("id_hours"))
    replace_text(page, "Måndagar 9–12 (ändrat med tangentbordet)")
    tab_to(page, by_id("id_reason"))
    page.keyboard.type("Nya tider från hösten")
    tab_to(page, lambda f: f["type"] == "submit" and f["name"] == "Spara")
    press_and_wait(page)

    history = page.locator("section[aria-labelledby=history-heading]")
    assert "Måndagar 9–12 (ändrat med tangentbordet)" in history.inner_text()
    assert "Nya tider från hösten" in history.inner_text()
    page.screenshot(path=screenshot_dir / "keyboard-insats-history.png", full_page=True)


def test_a_reporter_fills_and_submits_a_kis_report_with_the_keyboard(kb, live_server, demo, screenshot_dir):
    from natverk.models import Municipality
    from statistik.models import Period, Report

    # The demo's latest period is already reported; the region opens the next one.
    year = timezone.localdate().year
    period = Period.objects.create(year=year, deadline=timezone.localdate() + datetime.timedelta(days=30))
    page = kb
    keyboard_login(page, live_server, "rapportor-botkyrka")

    tab_to(page, f"Rapport Botkyrka {year}")
    press_and_wait(page)
    assert "KIS-rapport" in page.locator("h1").inner_text()
    # Opening the link changes nothing: the reporter starts the report with a button.
    tab_to(page, "Starta rapporten")
    press_and_wait(page)

    # The first table with a breakdown: type the parts and the total, the sum of the parts follows live.
    grid = page.locator("table.kis-grid:not([data-breakdown=none])").first
    row = grid.locator("tbody tr:has(input.kis-total)").first
    parts = row.locator("input.kis-part")
    total_id = row.locator("input.kis-total").get_attribute("id")
    part_ids = [parts.nth(i).get_attribute("id") for i in range(parts.count())]
    assert len(part_ids) >= 2
    tab_to(page, by_id(total_id), max_tabs=400)
    page.keyboard.type(str(10 * len(part_ids) + 1))
    for index, part_id in enumerate(part_ids):
        tab_to(page, by_id(part_id))
        page.keyboard.type(str(10 + (1 if index == 0 else 0)))
    sum_output = row.locator("output.kis-sum")
    assert sum_output.inner_text().startswith(str(10 * len(part_ids) + 1))
    assert "≠" not in sum_output.inner_text()
    # A wrong part is flagged in words, not only in colour.
    tab_to(page, by_id(part_ids[0]), key="Shift+Tab")
    replace_text(page, "12")
    assert "≠" in sum_output.inner_text() and "stämmer inte" in sum_output.inner_text()
    replace_text(page, "11")
    assert "≠" not in sum_output.inner_text()

    tab_to(page, "Spara och skicka in till regionen", max_tabs=600)
    press_and_wait(page)
    # Not submitted yet: the figures that differ a lot from last year need a sentence each, and the empty
    # cells must be confirmed as missing.
    for textarea_id in page.locator("textarea[name^=x-]").evaluate_all("(els) => els.map((e) => e.id)"):
        tab_to(page, by_id(textarea_id), max_tabs=100)
        page.keyboard.type("Ny förläggning i kommunen.")
    tab_to(page, by_id("id_confirm_missing"), max_tabs=600)
    page.keyboard.press("Space")
    tab_to(page, "Spara och skicka in till regionen", max_tabs=20)
    press_and_wait(page)
    report = Report.objects.get(municipality=Municipality.objects.get(code="0127"), period=period)
    page.screenshot(path=screenshot_dir / "keyboard-kis-submitted.png", full_page=True)
    assert report.status == Report.Status.SUBMITTED, page.locator("#error-summary, #messages").all_inner_texts()


def test_the_strategist_creates_and_closes_an_action_point_with_the_keyboard(kb, live_server, demo, screenshot_dir):
    from uppdrag.models import ActionPoint

    page = kb
    keyboard_login(page, live_server, "strateg")
    page.goto(f"{live_server.url}/uppdrag/atgardspunkter/ny/")

    tab_to(page, by_id("id_title"))
    page.keyboard.type("Tangentbordstest: bjud in Tyresö till nätverket")
    tab_to(page, by_id("id_description"))
    page.keyboard.type("Skapad enbart med tangentbordet.")
    # The long lists of related items come before the button: going backwards from the top is shorter.
    tab_to(page, lambda f: f["type"] == "submit" and "btn-primary" in f["html"], max_tabs=400, key="Shift+Tab")
    press_and_wait(page)
    point = ActionPoint.objects.get(title="Tangentbordstest: bjud in Tyresö till nätverket")
    assert page.url.rstrip("/").endswith(f"/{point.pk}"), page.url

    # Close it: status "done" with a note, which becomes the completion note.
    tab_to(page, by_id("id_status"))
    for _ in range(len(ActionPoint.Status.choices)):
        if focused(page)["value"] == ActionPoint.Status.DONE:
            break
        page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == ActionPoint.Status.DONE
    tab_to(page, by_id("id_note"))
    page.keyboard.type("Tyresö har tackat ja.")
    tab_to(page, "Ändra status")
    press_and_wait(page)

    point.refresh_from_db()
    assert point.status == ActionPoint.Status.DONE
    assert point.completion_note == "Tyresö har tackat ja."
    assert "Tyresö har tackat ja." in page.locator("main").inner_text()
    page.screenshot(path=screenshot_dir / "keyboard-actionpoint-closed.png", full_page=True)


PAGE_TYPES = [
    ("lasare", "/"),  # home with panels
    ("lasare", "/insatser/"),  # list with filters
    ("strateg", "/uppdrag/atgardspunkter/ny/"),  # form
    ("lasare", "/statistik/dashboard/"),  # dashboard with charts
    (None, "/katalog/"),  # public page
]


def test_the_skip_link_comes_first_and_tab_goes_round_every_page_type_without_a_trap(kb, live_server, demo):
    page = kb
    for username, path in PAGE_TYPES:
        page.context.clear_cookies()
        if username:
            keyboard_login(page, live_server, username)
        page.goto(live_server.url + path)
        page.keyboard.press("Tab")
        first = focused(page)
        assert first["href"] == "#main", f"the first tab stop on {path} is {first['html']}"
        assert_focus_visible(first)
        assert page.locator(".skip-link").is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", path
        # From the main content Tab runs through the page and around to the skip link again.
        tab_to(page, lambda f: f["href"] == "#main", max_tabs=400)


def test_the_user_menu_opens_moves_with_arrows_and_lets_focus_go(kb, live_server, demo):
    page = kb
    keyboard_login(page, live_server, "lasare")
    toggle = tab_to(page, lambda f: f["tag"] == "button" and "dropdown-toggle" in f["html"])
    page.keyboard.press("Enter")
    assert page.locator(".dropdown-menu.show").count() == 1
    page.keyboard.press("ArrowDown")
    assert focused(page)["name"] == "Mina exporter"
    page.keyboard.press("Escape")
    assert page.locator(".dropdown-menu.show").count() == 0
    assert focused(page)["name"] == toggle["name"]
    # Open again and Tab out of it: focus leaves the menu, which closes.
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    for _ in range(6):
        page.keyboard.press("Tab")
        if not page.evaluate("!!document.activeElement.closest('.dropdown-menu')"):
            break
    assert not page.evaluate("!!document.activeElement.closest('.dropdown-menu')"), "focus is trapped in the menu"
    assert page.locator(".dropdown-menu.show").count() == 0


def test_a_warning_is_announced_before_the_session_times_out_and_its_button_keeps_the_session(
    kb, live_server, demo, settings
):
    settings.SESSION_COOKIE_AGE = 130
    page = kb
    page.clock.install()
    keyboard_login(page, live_server, "admin-huddinge")
    page.goto(f"{live_server.url}/insatser/")
    warning = page.locator("#session-warning")
    assert warning.is_hidden()
    assert warning.get_attribute("role") == "alertdialog"
    label_id = warning.get_attribute("aria-labelledby")
    assert page.locator(f"#{label_id}").inner_text().strip()

    page.clock.run_for(5_000)
    assert warning.is_hidden(), "the warning came too early"
    page.clock.run_for(6_000)  # past 10 s after load: 2 minutes before the 130 s session ends
    assert warning.is_visible()
    info = focused(page)
    assert info["name"] == "Förbli inloggad", "focus should move to the warning's button"
    assert_focus_visible(info)

    with page.expect_response(lambda response: response.request.method == "GET") as keepalive:
        page.keyboard.press("Enter")
    assert keepalive.value.ok and "/logga-in/" not in keepalive.value.url
    warning.wait_for(state="hidden")
    # The server session was renewed: a page that needs login still opens.
    assert "/logga-in/" not in page.goto(f"{live_server.url}/insatser/").url
