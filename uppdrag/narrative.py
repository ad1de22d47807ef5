"""The strategist's narrative: a small, safe subset of Markdown rendered to HTML.

Paragraphs (separated by a blank line), bulleted lists ("- " or "* " or "· "), numbered lists
("1. ") and **bold**. Everything is escaped first: raw HTML in the text is shown as text, never
run; links are not made.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

BULLET = re.compile(r"^\s*(?:[-*·•])\s+(.*)$")
NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text):
    return BOLD.sub(r"<strong>\1</strong>", escape(text))


def _item(item):
    """A bullet's text, or a numbered item (text, number) keeping its own number ("4." after "3." or not)."""
    if isinstance(item, tuple):
        return f'<li value="{int(item[1])}">{_inline(item[0])}</li>'
    return f"<li>{_inline(item)}</li>"


def narrative_html(text):
    """The narrative as HTML (already safe: built from escaped text and a fixed set of tags)."""
    blocks, paragraph, items, list_tag = [], [], [], None

    def close_paragraph():
        if paragraph:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    def close_list():
        nonlocal list_tag
        if items:
            blocks.append(f"<{list_tag}>" + "".join(_item(item) for item in items) + f"</{list_tag}>")
            items.clear()
        list_tag = None

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        bullet, numbered = BULLET.match(line), NUMBERED.match(line)
        if not line.strip():
            close_paragraph()
            close_list()
        elif bullet or numbered:
            close_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag != tag:
                close_list()
                list_tag = tag
            items.append(bullet.group(1) if bullet else (numbered.group(2), numbered.group(1)))
        elif items and line.startswith(("  ", "\t")):
            # An indented line continues the list item above.
            last = items[-1]
            items[-1] = (f"{last[0]} {line.strip()}", last[1]) if isinstance(last, tuple) else f"{last} {line.strip()}"
        else:
            close_list()
            paragraph.append(line.strip())
    close_paragraph()
    close_list()
    return mark_safe("\n".join(blocks))
