"""English is complete and Swedish stays Swedish: every page of the accessibility walk, rendered in English, shows
none of the portal's own Swedish phrases, and rendered in Swedish none of its English ones.

The phrases are the portal's catalogues (every ``locale/sv`` of the project and the apps): a message of three words or
more whose Swedish differs from its English. Data (insats names, descriptions) is Swedish in both languages and is
not in the catalogues, so it does not count; a short label ("Status") could be data, so it is left out. Text the page
marks as written in another language (``lang``) is that language on purpose and is left out too.
"""

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from ..accessibility.cases import rendered

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [ROOT / "locale/sv/LC_MESSAGES/django.po"] + sorted(ROOT.glob("*/locale/sv/LC_MESSAGES/django.po"))


def _entries(path):
    """(msgid, msgstr) of a .po file's translated singular messages, without a context, placeholders or markup."""
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "msgctxt" in block or "msgid_plural" in block or block.lstrip().startswith("#~"):
            continue
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, flags=re.M)
        if not match:
            continue
        msgid, msgstr = ("".join(re.findall(r'"(.*)"', part)) for part in match.groups())
        if msgid and msgstr:
            yield msgid.replace('\\"', '"'), msgstr.replace('\\"', '"')


def _phrases(index):
    """The catalogues' phrases of one side (0: English msgid, 1: Swedish msgstr) that the other side lacks."""
    phrases = set()
    for path in CATALOGUES:
        for pair in _entries(path):
            phrase = pair[index]
            if pair[0] == pair[1] or len(phrase.split()) < 3 or len(phrase) > 90:
                continue
            if any(mark in phrase for mark in ("%", "{", "<", "\\n", "&")):
                continue
            phrases.add(phrase.strip().rstrip(".:"))
    return phrases


def _visible_text(content, language):
    """The page's text, leaving out what the page marks as another language (``lang``: an import job's messages
    written in the uploader's language at the time, the Swedish beside a translation)."""
    tree = lxml_html.fromstring(content)
    for node in tree.xpath("//script|//style|//template"):
        node.drop_tree()
    for node in tree.xpath("//body//*[@lang]"):
        if node.get("lang") and not node.get("lang").startswith(language) and node.getparent() is not None:
            node.drop_tree()
    return " ".join(" ".join(tree.text_content().split()).split())


def _walk(language):
    pages = []
    for name, _case, url, response in rendered(language, public=False):  # the public pages: tests/insatsbasen
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            pages.append((f"{name} ({url})", _visible_text(response.content, language)))
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "other_side"), [("en", 1), ("sv", 0)])
def test_no_page_shows_a_phrase_of_the_other_language(language, other_side):
    from intro_sodertorn.demo import demo_load

    from ..conftest import ensure_seed_data

    ensure_seed_data()
    demo_load()
    phrases = _phrases(other_side)
    assert len(phrases) > 200, "the catalogues were read"
    pages = _walk(language)
    assert len(pages) > 60
    found = [f"{page}: “{phrase}”" for page, text in pages for phrase in phrases if phrase in text]
    assert not found, f"{len(found)} phrases in the wrong language:\n" + "\n".join(sorted(set(found))[:80])
