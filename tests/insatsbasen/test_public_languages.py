"""The public catalogue in the newcomers' own languages (issue 18): the language is in the URL, never guessed from
the browser or taken from the staff portal's cookie; right-to-left for Arabic, Dari and Persian; every public UI
string translated in every public language; the referral sheet with the Swedish text beside it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from insatsbasen.models import Insats
from insatsbasen.public_i18n import PUBLIC_LANGUAGES, TRANSLATED
from insatsbasen.public_messages import parse_po, public_msgids

LOCALE_PUBLIC = settings.BASE_DIR / "insatsbasen" / "locale_public"


@pytest.fixture
def insats(make_insats):
    return make_insats(
        "SFI för föräldrar",
        municipality="Huddinge",
        languages=["sv", "ar"],
        how_to_apply="Ring SFI-expeditionen.",
        intake=Insats.Intake.CONTINUOUS,
    )


def html_of(response):
    return response.content.decode()


# --- catalogues -------------------------------------------------------------------------------------------------


def test_the_public_messages_include_the_templates_strings_and_what_the_models_print():
    msgids = public_msgids()
    assert ("", "What are you looking for?") in msgids
    assert ("", "Referral sheet") in msgids
    assert ("language name", "Tigrinya") in msgids
    assert ("", "Continuous intake") in msgids
    assert ("", "March") in msgids
    # Staff-only strings are not part of the public catalogue.
    assert ("", "Log out") not in msgids


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda language: language.django_code)
def test_every_public_message_is_translated_in_every_public_language(language):
    path = LOCALE_PUBLIC / translation.to_locale(language.django_code) / "LC_MESSAGES" / "django.po"
    entries, fuzzy = parse_po(path.read_text(encoding="utf-8"))
    missing = [msgid for msgid in public_msgids() if msgid not in entries or not all(entries[msgid])]
    assert not missing, f"{path}: no translation for {missing}"
    assert not fuzzy, f"{path}: fuzzy entries {sorted(fuzzy)}"
    # The compiled catalogue is there and in use: Django answers in the language.
    mo = path.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= path.stat().st_mtime - 1, f"compile {path}"
    with translation.override(language.django_code):
        assert translation.gettext("What are you looking for?") == entries[("", "What are you looking for?")][0]


def test_a_placeholder_survives_translation():
    for language in TRANSLATED:
        path = LOCALE_PUBLIC / translation.to_locale(language.django_code) / "LC_MESSAGES" / "django.po"
        entries, _ = parse_po(path.read_text(encoding="utf-8"))
        for (_context, msgid), strings in entries.items():
            wanted = sorted(re.findall(r"%\(\w+\)s", msgid))
            for text in strings:
                assert sorted(set(re.findall(r"%\(\w+\)s", text))) == sorted(set(wanted)), (language, msgid, text)


# --- pages ------------------------------------------------------------------------------------------------------


def test_the_catalogue_is_swedish_without_a_language_in_the_url_whatever_the_browser_says(anonymous_client, insats):
    anonymous_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = anonymous_client.get("/katalog/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.8")
    html = html_of(response)
    assert '<html lang="sv" dir="ltr">' in html
    assert "Vad letar du efter?" in html
    assert "bootstrap.rtl.min.css" not in html


@pytest.mark.parametrize(
    ("code", "lang", "rtl", "text"),
    [
        ("ar", "ar", True, "عمّ تبحث؟"),
        ("prs", "fa-AF", True, "دنبال چه می‌گردید؟"),
        ("fa", "fa", True, "دنبال چه می‌گردید؟"),
        ("ti", "ti", False, "እንታይ ትደሊ ኣለኻ?"),
        ("so", "so", False, "Maxaad raadinaysaa?"),
        ("uk", "uk", False, "Що ви шукаєте?"),
        ("en", "en", False, "What are you looking for?"),
        ("lattlast", "sv", False, "Vad letar du efter?"),
    ],
)
def test_each_public_language_has_its_own_address_direction_and_strings(
    anonymous_client, insats, code, lang, rtl, text
):
    response = anonymous_client.get(f"/katalog/{code}/", {"sprak": "ar"})
    assert response.status_code == 200
    html = html_of(response)
    assert f'<html lang="{lang}" dir="{"rtl" if rtl else "ltr"}">' in html
    assert ("bootstrap.rtl.min.css" in html) == rtl
    assert text in html
    assert response["Content-Language"] == lang
    # Links stay in the language; the insats's own text stays Swedish and is marked so.
    assert f'href="/katalog/{code}/{insats.pk}/"' in html
    assert 'lang="sv" dir="ltr"><a href' in html
    assert ("data-swedish-note" in html) is True


def test_the_staff_language_is_untouched_by_a_public_page(client, insats):
    client.get("/katalog/ar/")
    response = client.get("/")
    assert '<html lang="sv"' in html_of(response)
    assert translation.get_language() in ("sv", "en-us", "en")


def test_the_language_menu_names_each_language_in_itself_and_keeps_the_query(anonymous_client, insats):
    html = html_of(anonymous_client.get("/katalog/so/", {"q": "sfi", "sprak": "ar"}))
    for language in PUBLIC_LANGUAGES:
        assert f">{language.native_name}</a>" in html
    assert 'href="/katalog/ar/?q=sfi&amp;sprak=ar"' in html
    assert 'href="/katalog/?q=sfi&amp;sprak=ar"' in html
    assert 'aria-current="true">Soomaali</a>' in html
    # hreflang alternates for search engines and shared links, with Swedish as the default.
    assert 'rel="alternate" hreflang="ti"' in html
    assert 'rel="alternate" hreflang="x-default"' in html


def test_an_unknown_language_is_not_found(anonymous_client, insats):
    assert anonymous_client.get("/katalog/xx/").status_code == 404
    assert anonymous_client.get(f"/katalog/de/{insats.pk}/").status_code == 404


def test_the_detail_page_in_arabic_names_the_languages_of_instruction_in_arabic(anonymous_client, insats):
    html = html_of(anonymous_client.get(f"/katalog/ar/{insats.pk}/"))
    assert "لغة التدريس" in html
    assert "السويدية, العربية" in html
    assert "التسجيل مستمر" in html  # the intake choice
    assert "SFI för föräldrar" in html
    assert f'href="/katalog/ar/{insats.pk}/hanvisning/"' in html


def test_a_draft_is_not_shown_in_any_language(anonymous_client, make_insats):
    draft = make_insats("Utkast", status=Insats.Status.DRAFT)
    for code in ("ar", "ti", "lattlast"):
        assert anonymous_client.get(f"/katalog/{code}/{draft.pk}/").status_code == 404
        assert anonymous_client.get(f"/katalog/{code}/{draft.pk}/hanvisning/").status_code == 404
    # The not-found page speaks the reader's language, with the language menu.
    html = html_of(anonymous_client.get(f"/katalog/ar/{draft.pk}/"))
    assert '<html lang="ar" dir="rtl">' in html and "الصفحة غير موجودة" in html and ">Soomaali</a>" in html


def test_reverse_tells_the_swedish_and_the_language_addresses_apart(insats):
    assert reverse("katalog:detail", args=[insats.pk]) == f"/katalog/{insats.pk}/"
    assert reverse("katalog:detail", args=["ti", insats.pk]) == f"/katalog/ti/{insats.pk}/"
    assert reverse("katalog:referral", args=["uk", insats.pk]) == f"/katalog/uk/{insats.pk}/hanvisning/"


# --- referral sheet ---------------------------------------------------------------------------------------------


def test_the_referral_sheet_has_the_chosen_language_and_the_swedish_beside_it(anonymous_client, insats):
    response = anonymous_client.get(f"/katalog/ti/{insats.pk}/hanvisning/")
    assert response.status_code == 200
    html = html_of(response)
    assert '<html lang="ti" dir="ltr">' in html
    own, swedish = html.split("data-referral-sv")
    assert "ከመይ ጌርካ ትሓትት" in own  # How to apply, in Tigrinya
    assert "Så ansöker du" in swedish and "ከመይ ጌርካ ትሓትት" not in swedish
    assert "Ring SFI-expeditionen." in own and "Ring SFI-expeditionen." in swedish
    # The link to the public page in that language, to read on or share; no personal data in the address.
    assert f"http://testserver/katalog/ti/{insats.pk}/" in html
    assert "Cache-Control" not in response or "private" not in response["Cache-Control"]


def test_the_swedish_referral_sheet_has_one_column(anonymous_client, insats):
    html = html_of(anonymous_client.get(f"/katalog/{insats.pk}/hanvisning/"))
    assert "data-referral-sv" not in html
    assert "Så ansöker du" in html


def test_a_sheet_of_several_insatser_chosen_in_the_results_keeps_their_order_and_leaves_out_drafts(
    anonymous_client, make_insats, insats
):
    second = make_insats("Samhällsorientering på arabiska", languages=["ar"])
    third = make_insats("Praktik i Huddinge", languages=["sv"])
    draft = make_insats("Utkast", status=Insats.Status.DRAFT)
    # The search results' checkboxes send the chosen insatser to the sheet, in the page's language.
    results = html_of(anonymous_client.get("/katalog/ar/"))
    assert 'action="/katalog/ar/hanvisning/"' in results
    assert f'name="insats" value="{second.pk}"' in results
    query = f"?insats={third.pk}&insats={draft.pk}&insats={insats.pk}&insats={third.pk}&insats=x&insats={second.pk}"
    response = anonymous_client.get("/katalog/ar/hanvisning/" + query)
    html = html_of(response)
    assert response.status_code == 200
    positions = [html.index(f'id="referral-{pk}"') for pk in (third.pk, insats.pk, second.pk)]
    assert positions == sorted(positions)
    assert "Utkast" not in html
    assert html.count("data-referral-sv") == 3
    assert f"http://testserver/katalog/ar/{second.pk}/" in html


def test_a_sheet_with_nothing_published_chosen_says_how_to_choose(anonymous_client, make_insats):
    draft = make_insats("Utkast", status=Insats.Status.DRAFT)
    for query in ("", f"?insats={draft.pk}", "?insats=-1&insats=abc"):
        response = anonymous_client.get("/katalog/so/hanvisning/" + query)
        assert response.status_code == 200
        assert "U dooro warqadda gudbinta" in html_of(response)
        assert "data-referral-sv" not in html_of(response)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_case_officer_prints_a_sheet_of_three_insatser_in_arabic_on_one_a4_page(
    page, live_server, make_insats, screenshot_dir
):
    long_text = "Anmäl dig via kommunens vägledningscentrum, ring eller kom förbi på öppet hus. " * 2
    for number in range(3):
        make_insats(
            f"SFI kurs {number + 1}, Huddinge centrum",
            languages=["sv", "ar", "so"],
            how_to_apply=long_text,
            hours="Mån–tor 9–12",
            intake_dates="Start i januari, april och augusti",
            intake=Insats.Intake.FIXED,
        )
    page.goto(f"{live_server.url}/katalog/ar/?q=sfi")
    assert page.locator("html").get_attribute("dir") == "rtl"
    boxes = page.locator("input[name=insats]")
    for number in range(3):
        boxes.nth(number).check()
    with page.expect_navigation():
        page.locator("button[form=referral-form]").click()
    assert "/katalog/ar/hanvisning/?insats=" in page.url
    assert page.locator("article.referral-sheet").count() == 3
    assert page.locator("[data-referral-sv]").count() == 3
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.screenshot(path=screenshot_dir / "referral-sheet-ar-three.png", full_page=True)


@pytest.mark.parametrize("path", ["/katalog/ar/", "/katalog/ar/{pk}/", "/katalog/ti/{pk}/hanvisning/"])
def test_a_public_page_weighs_little_on_a_cheap_phone(anonymous_client, insats, path):
    """The page and the CSS and JavaScript it loads, compressed as the server sends them: under 150 kB."""
    import gzip

    from django.contrib.staticfiles import finders

    response = anonymous_client.get(path.format(pk=insats.pk))
    html = response.content
    assets = re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html)
    assets += re.findall(rb'<script src="/static/([^"]+)"', html)
    assert any(name.endswith(b".css") for name in assets)
    sizes = {name.decode(): len(gzip.compress(Path(finders.find(name.decode())).read_bytes())) for name in assets}
    total = len(gzip.compress(html)) + sum(sizes.values())
    assert total < 150_000, (total, sizes)


def test_the_referral_sheet_has_a_qr_code_of_its_page_and_is_counted_per_language(anonymous_client, insats, client_as):
    from insatsbasen.models import ReferralCount

    html = html_of(anonymous_client.get(f"/katalog/ar/{insats.pk}/hanvisning/"))
    assert html.count('class="segno"') == 1 and f"/katalog/ar/{insats.pk}/" in html
    anonymous_client.get(f"/katalog/ar/hanvisning/?insats={insats.pk}")
    anonymous_client.get(f"/katalog/{insats.pk}/hanvisning/")
    counts = {row.language: row.count for row in ReferralCount.objects.filter(insats=insats)}
    assert counts == {"ar": 2, "sv": 1}
    statistics = client_as("strateg").get("/insatser/statistik/").content.decode()
    assert "Hänvisningsblad" in statistics and "العربية" in statistics


def test_the_qr_code_reads_back_as_the_page_address(anonymous_client, insats):
    """The code holds exactly the address of the page in the sheet's language (the same code made from that address)."""
    import segno

    url = f"http://testserver/katalog/so/{insats.pk}/"
    html = html_of(anonymous_client.get(f"/katalog/so/{insats.pk}/hanvisning/"))
    assert segno.make(url, error="m").svg_inline(omitsize=True, dark="#000", light="#fff") in html
