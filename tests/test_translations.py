"""Swedish is the default and complete language: no empty or fuzzy entry in any catalogue."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(path for path in ROOT.glob("**/locale/sv/LC_MESSAGES/*.po") if ".venv" not in path.parts)


def _entries(text):
    """(msgid, msgstr values, flags) for each entry of a .po file, header excluded."""
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines or all(line.startswith("#~") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        current, fields = None, {}
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d+\])?|msgctxt)\s+"(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        strings = [value for key, value in fields.items() if key.startswith("msgstr")]
        yield fields["msgid"], strings, flags


def test_there_is_a_swedish_catalogue_for_the_project():
    assert ROOT / "locale/sv/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_swedish_entry_is_translated_and_not_fuzzy(catalogue):
    problems = []
    for msgid, strings, flags in _entries(catalogue.read_text(encoding="utf-8")):
        if "fuzzy" in flags:
            problems.append(f"fuzzy: {msgid!r}")
        elif not strings or any(not value for value in strings):
            problems.append(f"empty: {msgid!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_catalogue_is_compiled_and_up_to_date(catalogue):
    compiled = catalogue.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run compilemessages"
    assert compiled.stat().st_mtime >= catalogue.stat().st_mtime - 1 or _mo_matches(catalogue, compiled)


def _mo_matches(po, mo):
    import gettext

    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    for msgid, strings, flags in _entries(po.read_text(encoding="utf-8")):
        if "fuzzy" in flags or not strings or "\\" in msgid:
            continue
        if translations.gettext(msgid) != strings[0] and not msgid.count("%"):
            return False
    return True
