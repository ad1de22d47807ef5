"""The public catalogue's filters: municipality, category and language, as GET parameters a newcomer or a case
officer can bookmark and share, usable on a phone."""

import re
from urllib.parse import urljoin

import pytest

from insatsbasen.models import Category, Insats

pytestmark = pytest.mark.django_db


def names(response):
    return [insats.name for insats in response.context["page"].object_list]


@pytest.fixture
def catalogue(make_insats, municipalities, taxonomy):
    sfi, so = Category.objects.get(slug="sfi"), Category.objects.exclude(slug="sfi").first()
    shared = make_insats("SFI i Botkyrka och Huddinge", municipality="Botkyrka", languages=["sv", "ar"], category=sfi)
    shared.participating_municipalities.set([municipalities["Huddinge"], municipalities["Salem"]])
    make_insats("SFI Huddinge", municipality="Huddinge", languages=["sv"], category=sfi)
    make_insats("Samhällsorientering på arabiska", municipality="Huddinge", languages=["ar"], category=so)
    make_insats("Samhällsorientering på dari", municipality="Haninge", languages=["prs"], category=so)
    make_insats("Utkast i Huddinge", municipality="Huddinge", languages=["ar"], status=Insats.Status.DRAFT)
    return {"sfi": sfi, "so": so}


def test_the_municipality_filter_lists_what_is_run_there_once(anonymous_client, catalogue, municipalities):
    response = anonymous_client.get("/katalog/", {"kommun": municipalities["Huddinge"].pk})
    # Owned by Huddinge, or run together with it (owned by Botkyrka); never a draft; each insats once.
    assert sorted(names(response)) == ["SFI Huddinge", "SFI i Botkyrka och Huddinge", "Samhällsorientering på arabiska"]
    response = anonymous_client.get("/katalog/", {"kommun": municipalities["Salem"].pk})
    assert names(response) == ["SFI i Botkyrka och Huddinge"]


def test_category_and_language_filters_combine_with_each_other_and_with_search(
    anonymous_client, catalogue, municipalities
):
    response = anonymous_client.get("/katalog/", {"kategori": catalogue["so"].pk})
    assert sorted(names(response)) == ["Samhällsorientering på arabiska", "Samhällsorientering på dari"]
    response = anonymous_client.get("/katalog/", {"sprak": "ar"})
    assert sorted(names(response)) == ["SFI i Botkyrka och Huddinge", "Samhällsorientering på arabiska"]
    response = anonymous_client.get(
        "/katalog/", {"kommun": municipalities["Huddinge"].pk, "kategori": catalogue["sfi"].pk, "sprak": "ar"}
    )
    assert names(response) == ["SFI i Botkyrka och Huddinge"]
    response = anonymous_client.get("/katalog/", {"q": "samhällsorientering", "sprak": "prs"})
    assert names(response) == ["Samhällsorientering på dari"]


def test_the_page_shows_the_chosen_filters_so_a_bookmark_opens_the_same_list(
    anonymous_client, catalogue, municipalities
):
    huddinge = municipalities["Huddinge"].pk
    response = anonymous_client.get(
        "/katalog/", {"q": "sfi", "kommun": huddinge, "sprak": "ar"}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    page = response.content.decode()
    assert f'<option value="{huddinge}" selected>Huddinge</option>' in page
    assert '<option value="ar" selected>Arabiska</option>' in page
    for field in ("id_q", "id_kommun", "id_kategori", "id_sprak"):
        assert f'<label class="form-label" for="{field}">' in page
    # Each chosen filter can be removed on its own; the search text and the other filter stay.
    chips = {label: href for href, label in re.findall(r'href="\?([^"]*)">([^<]+) <span aria-hidden', page)}
    assert set(chips) == {"Huddinge", "Arabiska"}
    assert chips["Huddinge"] == "q=sfi&amp;sprak=ar"
    assert chips["Arabiska"] == f"q=sfi&amp;kommun={huddinge}"
    assert 'href="?q=sfi">Ta bort alla filter</a>' in page


def test_pages_keep_the_filters(anonymous_client, make_insats, municipalities):
    for number in range(35):
        make_insats(f"Kurs {number:02}", municipality="Tyresö", languages=["so"])
    make_insats("Kurs i Huddinge", languages=["so"])
    tyreso = municipalities["Tyresö"].pk
    response = anonymous_client.get("/katalog/", {"kommun": tyreso, "sprak": "so"})
    assert response.context["page"].paginator.count == 35
    assert f'href="?kommun={tyreso}&amp;sprak=so&amp;page=2"' in response.content.decode()
    second = anonymous_client.get("/katalog/", {"kommun": tyreso, "sprak": "so", "page": 2})
    assert len(names(second)) == 5 and "Kurs i Huddinge" not in names(second)


@pytest.mark.parametrize(
    "params",
    [{"kommun": "abc"}, {"kommun": "999999"}, {"kategori": "-1"}, {"sprak": "xx"}, {"sprak": "ar" * 500}],
)
def test_a_value_that_is_not_a_choice_is_ignored(anonymous_client, catalogue, params):
    response = anonymous_client.get("/katalog/", params)
    assert response.status_code == 200
    assert len(names(response)) == 4 and response.context["active_filters"] == []


def test_nothing_found_with_filters_says_to_remove_one(anonymous_client, catalogue, municipalities):
    response = anonymous_client.get(
        "/katalog/", {"kommun": municipalities["Nykvarn"].pk, "sprak": "ar"}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert names(response) == []
    assert "Ta bort ett filter" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_filters_fit_the_screen_and_the_filtered_page_passes_axe(
    page, live_server, catalogue, municipalities, screenshot_dir
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/katalog/")
    page.select_option("#id_kommun", label="Huddinge")
    page.select_option("#id_sprak", value="ar")
    with page.expect_navigation():
        page.get_by_role("button", name="Sök").click()
    assert "kommun=" in page.url and "sprak=ar" in page.url
    assert sorted(page.locator("article h2").all_inner_texts()) == [
        "SFI i Botkyrka och Huddinge",
        "Samhällsorientering på arabiska",
    ]
    # Nothing wider than the phone; every control the phone's full width and a comfortable height to tap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for selector in ("#id_q", "#id_kommun", "#id_kategori", "#id_sprak", "main form[role=search] [type=submit]"):
        box = page.locator(selector).bounding_box()
        assert box["width"] > 300 and box["height"] >= 38, selector
    page.screenshot(path=screenshot_dir / "katalog-filters-phone.png", full_page=True)

    page.add_script_tag(url=urljoin(page.url, "/static/vendor/axe-core/axe.min.js"))
    violations = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
            'wcag21aa']}})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    assert violations == []

    page.get_by_role("link", name=re.compile("^Huddinge")).click()
    page.wait_for_load_state()
    assert "kommun=" not in page.url and "sprak=ar" in page.url
