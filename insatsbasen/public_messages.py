"""Which gettext messages the public catalogue shows: its templates' strings, the language names and intake
choices it prints, and the month names of its dates. tests/insatsbasen/test_public_languages.py checks that
every one is translated in every public language's catalogue (insatsbasen/locale_public/<locale>/).

To list them (e.g. after adding a string to a public template):
    DJANGO_DEBUG=1 .venv/bin/python -c "import django; django.setup(); \
        from insatsbasen.public_messages import public_msgids; print(*public_msgids(), sep='\\n')"
"""

import ast
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import dates, translation
from django.utils.translation.template import templatize

PUBLIC_TEMPLATES = [
    "insatsbasen/templates/insatsbasen/public_base.html",
    "insatsbasen/templates/insatsbasen/public_index.html",
    "insatsbasen/templates/insatsbasen/public_detail.html",
    "insatsbasen/templates/insatsbasen/public_referral.html",
    "insatsbasen/templates/insatsbasen/public_404.html",
    "insatsbasen/templates/insatsbasen/_public_referral_facts.html",
    "insatsbasen/templates/insatsbasen/_public_swedish_note.html",
    "insatsbasen/templates/insatsbasen/_confirmed.html",
    "insatsbasen/templates/insatsbasen/_did_you_mean.html",
    "templates/includes/pagination.html",
]
PUBLIC_PYTHON = ["insatsbasen/views_public.py", "insatsbasen/public_i18n.py"]
KEYWORDS = [
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext:1,2",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "pgettext_lazy:1c,2",
    "npgettext:1c,2,3",
    "npgettext_lazy:1c,2,3",
    "_",
]


def _msgid_of(lazy_text):
    """(context, msgid) of a lazy gettext/pgettext string."""
    args = lazy_text._args
    return (args[0], args[1]) if len(args) == 2 else ("", args[0])


def parse_po(text):
    """{(context, msgid): [msgstr, ...]} and the fuzzy keys of a .po/.pot text (enough of the format for ours)."""
    entries, fuzzy = {}, set()
    current, field, is_fuzzy = {}, None, False

    def flush():
        nonlocal current, is_fuzzy
        if "msgid" in current:
            key = (current.get("msgctxt", ""), current["msgid"])
            if key[1]:
                entries[key] = [current[name] for name in sorted(current) if name.startswith("msgstr")]
                if "msgid_plural" in current:
                    entries[key] = entries[key] or [""]
                if is_fuzzy:
                    fuzzy.add(key)
        current, is_fuzzy = {}, False

    for line in text.splitlines() + [""]:
        line = line.strip()
        if not line:
            flush()
            field = None
        elif line.startswith("#,") and "fuzzy" in line:
            is_fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            keyword, _, value = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and "msgstr" in current:
                flush()
            field = keyword
            current[field] = ast.literal_eval(value)
    return entries, fuzzy


def public_msgids():
    """Every (context, msgid) the public pages can show, sorted."""
    base = Path(settings.BASE_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        sources = []
        for index, name in enumerate(PUBLIC_TEMPLATES):
            target = Path(tmp) / f"template_{index}.py"
            target.write_text(templatize((base / name).read_text(encoding="utf-8"), origin=name), encoding="utf-8")
            sources.append(str(target))
        sources += [str(base / name) for name in PUBLIC_PYTHON]
        pot = subprocess.run(
            ["xgettext", "--language=Python", "--from-code=UTF-8", "--output=-"]
            + [f"--keyword={keyword}" for keyword in KEYWORDS]
            + sources,
            check=True,
            capture_output=True,
            env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        ).stdout.decode("utf-8")
    found = set(parse_po(pot)[0])
    from .models import LANGUAGES, Insats

    found |= {_msgid_of(name) for _code, name in LANGUAGES}
    found |= {_msgid_of(label) for label in Insats.Intake.labels}
    found |= {_msgid_of(month) for month in dates.MONTHS.values()}
    with translation.override(None):
        return sorted(found)
