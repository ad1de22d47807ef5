"""Counts are grouped, nothing a machine reads is: with USE_THOUSAND_SEPARATOR every integer the template engine
renders is grouped ("20 000" with a no-break space in Swedish, "20,000" in English), so ids, versions and years in
attributes, URLs and text must be rendered without it (|unlocalize).

Every page of the accessibility walk is rendered in both languages on the demo data with ids past seven million
(``7 000 123`` is recognisable wherever it leaks), versions past seven million, catalogue version numbers past three
thousand and one count a person reads past ten thousand.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from lxml import html as lxml_html

from ..accessibility.cases import rendered

ID_START = 7_000_000
SEPARATORS = {"sv": "\xa0", "en": ","}
# Attributes people read (a grouped count in an aria-label is right); every other attribute is read by a machine.
READ_BY_PEOPLE = {"aria-label", "title", "alt", "placeholder", "content", "aria-description", "aria-valuetext"}
# SVG geometry pairs numbers with commas ("10,200 20,300"); Swedish grouping there would still show as \xa0.
COMMA_LISTS = {"points", "d", "viewbox", "style", "srcset", "sizes", "coords"}


def _data():
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db.models import F, PositiveIntegerField

    from insatsbasen.models import Insats, SearchLog
    from intro_sodertorn.demo import demo_load
    from intro_sodertorn.models import ExportJob
    from natverk.models import AnonymisationLog
    from statistik.models import CatalogueVersion

    from ..conftest import ensure_seed_data

    ensure_seed_data()
    with connection.cursor() as cursor:  # new rows get ids past seven million (sequences are not rolled back)
        cursor.execute("SELECT setval(c.oid, %s) FROM pg_class c WHERE c.relkind = 'S'", [ID_START])
    demo_load()
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "version"), None)
        if isinstance(field, PositiveIntegerField):
            model._base_manager.update(version=F("version") + ID_START)
    CatalogueVersion.objects.update(number=F("number") + 3000)
    Insats.objects.update(capacity=12345)  # a number input's value (a form field is not localized) and a count
    strateg = get_user_model().objects.get(username="strateg")
    ExportJob.objects.create(user=strateg, kind="insatsbasen.insatser", title="Insatser")  # data-export-id
    AnonymisationLog.objects.create(contact_id_anonymised=ID_START + 999, performed_by=strateg)  # "#7000999"
    monday = datetime.date.today() - datetime.timedelta(days=datetime.date.today().weekday())
    SearchLog.objects.create(query="zzgrouped", week=monday, count=12345)
    cache.clear()


def _pages(language):
    pages = []
    for name, case, url, response in rendered(language, follow=True):
        assert response.status_code == 200, url
        pages.append((f"{name} ({url}, {case.user})", lxml_html.fromstring(response.content)))
    return pages


def _grouped(separator):
    return re.compile(rf"\d{re.escape(separator)}\d{{3}}(?!\d)")


def _problems(language, pages):
    separator = SEPARATORS[language]
    grouped = _grouped(separator)
    leaked_id = re.compile(rf"(?<!\d){str(ID_START)[0]}{separator}000{separator}\d{{3}}(?!\d)")
    # A year of the data (2010-2039) split by the separator ("2 026"), not inside a longer number; wider would take
    # counts of the demo's KIS figures for years.
    split_year = re.compile(rf"(?<![\d{separator}])2{separator}0[1-3]\d(?![\d{separator}]\d)")
    catalogue_version = re.compile(rf"(?<![\d{separator}])3{separator}00\d(?!\d)")
    problems = []
    for page, tree in pages:
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute, value in element.attrib.items():
                where = f"{page}: <{element.tag} {attribute}={value!r}>"
                if attribute.lower() in READ_BY_PEOPLE:
                    if leaked_id.search(value) or split_year.search(value):
                        problems.append(where)
                    continue
                if language == "en" and attribute.lower() in COMMA_LISTS:
                    continue
                if grouped.search(value):
                    problems.append(where)
            for text in (element.text, element.tail):
                for pattern in (leaked_id, split_year, catalogue_version):
                    for match in pattern.finditer(text or ""):
                        context = text[max(0, match.start() - 40) : match.end() + 10]
                        problems.append(f"{page}: text {context!r} in <{element.tag}>")
        for script in tree.xpath("//script"):
            if script.text and grouped.search(script.text):
                problems.append(f"{page}: <script> {grouped.search(script.text).group()!r}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_counts_are_grouped_and_ids_years_versions_are_not(language):
    _data()
    with translation.override(settings.LANGUAGE_CODE):  # the client's requests leave their language active
        pages = _pages(language)
    assert len(pages) > 100
    # The walk saw what it is meant to check: an export job's row, a number input and a version past 999.
    assert any(tree.xpath("//*[@data-export-id]") for page, tree in pages)
    assert any(tree.xpath("//input[@name='capacity'][@value='12345']") for page, tree in pages)
    assert any(tree.xpath(f"//input[@name='version'][@value > {ID_START}]") for page, tree in pages)
    problems = _problems(language, pages)
    assert not problems, f"{len(problems)} grouped numbers a machine reads or ids/years:\n" + "\n".join(
        sorted(set(problems))[:120]
    )
    # A count a person reads is grouped: the home page's searches without result.
    home = next(tree for page, tree in pages if page.startswith("home (") and ", strateg)" in page)
    expected = {"sv": "“zzgrouped” (12\xa0345)", "en": "“zzgrouped” (12,345)"}[language]
    assert expected in home.text_content()


def test_the_walk_would_notice_a_grouped_id_or_year():
    """The checks above catch what they are meant to (a guard against a check that cannot fail)."""
    tree = lxml_html.fromstring(
        '<p><a href="/insatser/7\xa0000\xa0123/" data-pk="12\xa0345">Från 2\xa0026</a>'
        '<input value="7\xa0000\xa0124"><span aria-label="12 345 insatser">v 3\xa0001</span></p>'
    )
    problems = _problems("sv", [("page", tree)])
    assert len(problems) == 5, problems
    english = lxml_html.fromstring('<p><a href="?page=1,234">2,026</a><polyline points="10,200 20,300"/></p>')
    assert len(_problems("en", [("page", english)])) == 2
