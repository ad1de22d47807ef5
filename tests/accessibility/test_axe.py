"""axe-core on every page of the portal, in Swedish and in English, as the role that uses it; the public
catalogue's pages also in each of its own languages (Arabic, Tigrinya, ... right-to-left included).

The pages come from walking the URL patterns: a URL without a case in ``cases.py`` (or a
reason there why it is not a page) fails ``test_every_url_has_an_accessibility_case``, so a
page added later cannot slip through untested.
"""

import json
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.urls import reverse

from tests.url_walk import portal_url_names

from .cases import CASES, NOT_PAGES

ROOT = Path(__file__).resolve().parents[2]
AXE = (ROOT / "static/vendor/axe-core/axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_every_url_has_an_accessibility_case():
    missing = sorted(portal_url_names() - set(CASES) - set(NOT_PAGES))
    assert not missing, "Add an accessibility case (tests/accessibility/cases.py) for: " + ", ".join(missing)


def test_no_case_names_a_url_that_no_longer_exists():
    stale = sorted((set(CASES) | set(NOT_PAGES)) - portal_url_names())
    assert not stale, "Remove cases for URLs that are gone: " + ", ".join(stale)


def _session_cookie(live_server, username):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def _run_axe(page):
    # From the portal's own static files: the Content-Security-Policy allows no inline script.
    page.add_script_tag(url=urljoin(page.url, "/static/vendor/axe-core/axe.min.js"))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""",
        WCAG_TAGS,
    )
    return result


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page_has_no_wcag_a_or_aa_violations(
    language, live_server, browser, settings, screenshot_dir, municipalities
):
    from intro_sodertorn.demo import demo_load

    demo_load()
    failures, visited = [], []
    pages_dir = screenshot_dir / "pages"
    pages_dir.mkdir(exist_ok=True)
    contexts = {}
    for name, cases in sorted(CASES.items()):
        for case in cases:
            context = contexts.get(case.user)
            if context is None:
                context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
                cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
                if case.user:
                    cookies.append(_session_cookie(live_server, case.user))
                context.add_cookies(cookies)
                contexts[case.user] = context
            page = context.new_page()
            page.set_default_timeout(5000)
            url = live_server.url + reverse(name, kwargs=case.kwargs() if case.kwargs else None) + case.query
            response = page.goto(url)
            if response is None or response.status >= 400:
                failures.append(f"{name} as {case.user}: HTTP {response.status if response else '?'} at {url}")
                page.close()
                continue
            if case.action:
                try:
                    case.action(page)
                    page.wait_for_load_state()
                except Exception as error:  # noqa: BLE001 - reported with the page it happened on
                    failures.append(f"{name} as {case.user} ({case.label}): the action failed: {error}")
                    page.close()
                    continue
            # The public catalogue's language is in its URL (unprefixed: Swedish), never the staff cookie's.
            expected = "sv" if name in PUBLIC_PAGES else language
            assert page.locator("html").get_attribute("lang") == expected, url
            for violation in _run_axe(page):
                failures.append(
                    f"{name} as {case.user} ({case.label or url}): {violation['id']} [{violation['impact']}] "
                    f"{violation['help']} at {violation['nodes']}"
                )
            visited.append(url)
            if language == "sv":
                # Every page at desktop and phone width, to look at (screenshots/pages/).
                stem = f"{name.replace(':', '-')}-{cases.index(case) + 1}"
                page.screenshot(path=pages_dir / f"{stem}-desktop.png", full_page=True)
                page.set_viewport_size({"width": 390, "height": 844})
                page.screenshot(path=pages_dir / f"{stem}-phone.png", full_page=True)
            page.close()
    for context in contexts.values():
        context.close()
    (screenshot_dir / f"axe-{language}.json").write_text(
        json.dumps({"pages": len(visited), "failures": failures}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    assert visited
    assert not failures, f"{len(failures)} violations on {len(visited)} pages:\n" + "\n".join(failures)


# The public catalogue's pages that exist in every public language (/katalog/<lang>/...; insatsbasen/public_i18n.py).
PUBLIC_PAGES = ("katalog:index", "katalog:detail", "katalog:referral", "katalog:referral_many")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_pages_have_no_violations_in_every_public_language(
    live_server, browser, screenshot_dir, municipalities
):
    """Every state of the public pages in each public language: right-to-left (Arabic, Dari, Persian) included."""
    from insatsbasen.public_i18n import PUBLIC_LANGUAGES
    from intro_sodertorn.demo import demo_load

    demo_load()
    failures, visited = [], []
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    for language in [language for language in PUBLIC_LANGUAGES if language.url_code]:
        for name in PUBLIC_PAGES:
            for case in CASES[name]:
                page = context.new_page()
                page.set_default_timeout(5000)
                kwargs = {"lang": language.url_code, **(case.kwargs() if case.kwargs else {})}
                url = live_server.url + reverse(name, kwargs=kwargs) + case.query
                response = page.goto(url)
                if response is None or response.status >= 400:
                    failures.append(f"{url}: HTTP {response.status if response else '?'}")
                    page.close()
                    continue
                if case.action:
                    case.action(page)
                    page.wait_for_load_state()
                html = page.locator("html")
                assert html.get_attribute("lang") == language.html_lang, url
                assert html.get_attribute("dir") == ("rtl" if language.rtl else "ltr"), url
                for violation in _run_axe(page):
                    failures.append(
                        f"{language.url_code} {name} ({case.label or url}): {violation['id']} [{violation['impact']}] "
                        f"{violation['help']} at {violation['nodes']}"
                    )
                visited.append(url)
                if language.url_code in ("ar", "ti") and not case.query and not case.action:
                    page.screenshot(path=screenshot_dir / f"public-{language.url_code}-{name.split(':')[1]}.png")
                page.close()
    context.close()
    (screenshot_dir / "axe-public-languages.json").write_text(
        json.dumps({"pages": len(visited), "failures": failures}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    assert len(visited) == 8 * sum(len(CASES[name]) for name in PUBLIC_PAGES)
    assert not failures, f"{len(failures)} violations on {len(visited)} pages:\n" + "\n".join(failures)


def test_the_accessibility_statement_states_what_the_tests_measure():
    """/tillganglighet/ must state the measured result honestly: update it with the cases."""
    from intro_sodertorn.views import ACCESSIBILITY_MEASUREMENT as measured

    hint = "update ACCESSIBILITY_MEASUREMENT in intro_sodertorn/views.py"
    assert measured["screens"] == len(CASES), hint
    assert measured["states"] == sum(len(cases) for cases in CASES.values()), hint
    assert f"axe v{measured['axe_version']}" in AXE[:100], hint
