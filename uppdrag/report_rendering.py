"""A frozen steering-group report's document, rendered once and then served as it was rendered.

A saved report never changes (``ReportSnapshot``), but its document grows with the period: a report over five years
holds thousands of points and takes a quarter of a second to render. The document (``report_body.html`` and what
it includes) is therefore kept in the cache under a key made of everything it is rendered from:

- the report's stored content, by the digest stored beside it (``ReportSnapshot.data_digest``), and its title,
  introduction, date and author's name as they are now (the admin may correct a title; a renamed user is shown
  renamed);
- the language it is read in (labels, dates and numbers are rendered in the reader's language);
- the version of the templates, template tags and translations it is rendered with: the templates' sources as
  loaded now, the code of the tags, and the language's translation catalogue, so a new release renders anew.

The parts that depend on the reader (the toolbar: print, export, publish, recipients) stay outside it, in
``report_detail.html``. Nothing can be served that another state would render differently, so there is no expiry
to tune: entries of old versions age out of the cache (``RENDERING_SECONDS``).
"""

import functools
import hashlib
import inspect

import django
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import trans_real

from intro_sodertorn.templatetags.portal import person

from . import narrative
from .templatetags import uppdrag_tags

BODY_TEMPLATE = "uppdrag/includes/report_body.html"
# Every template the body renders (the body includes the others): a change to any of them renders anew.
REPORT_TEMPLATES = (
    BODY_TEMPLATE,
    "uppdrag/includes/report_closing.html",
    "uppdrag/includes/report_health.html",
    "uppdrag/includes/report_points.html",
    "uppdrag/includes/report_since.html",
)
RENDERING_SECONDS = 30 * 24 * 3600


@functools.cache
def _code_and_catalogue_version(language):
    """Django's version, the tags' and narrative's code and the language's catalogue (fixed for a process)."""
    digest = hashlib.sha256(django.get_version().encode())
    for module in (uppdrag_tags, narrative):
        try:
            digest.update(inspect.getsource(module).encode())
        except OSError:
            # Installed without its source: a release starts new processes, and changes the templates' digest.
            digest.update(module.__name__.encode())
    catalogue = trans_real.translation(language)._catalog
    digest.update(repr(sorted(repr(item) for item in catalogue.items())).encode())
    return digest.hexdigest()


def templates_version(language):
    """A digest of what renders the document in ``language``: templates as loaded now, tags, translations."""
    digest = hashlib.sha256(_code_and_catalogue_version(language).encode())
    for name in REPORT_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:24]


def rendering_key(snapshot, language):
    """The cache key of the snapshot's document as rendered in ``language`` now (see the module's text)."""
    parts = [
        snapshot.pk,
        snapshot.data_digest,
        snapshot.title,
        snapshot.introduction,
        snapshot.created_at.isoformat(),
        person(snapshot.created_by),
        templates_version(language),
    ]
    return f"uppdrag:report-body:{snapshot.pk}:{language}:{hashlib.sha256(repr(parts).encode()).hexdigest()[:32]}"


def report_body(snapshot):
    """The snapshot's document as UTF-8 HTML in the active language: from the cache when rendered so already.

    ``snapshot`` may have ``data`` deferred: it is read from the database only when the document must be rendered.
    Kept and returned as bytes, as the response sends it: a document of megabytes is then neither decoded from the
    cache nor encoded again for every reader.
    """
    language = translation.get_language()
    key = rendering_key(snapshot, language)
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            BODY_TEMPLATE,
            {
                "report": snapshot.data,
                "title": snapshot.title,
                "introduction": snapshot.introduction,
                "date": snapshot.created_at,
                "author": person(snapshot.created_by),
            },
        ).encode()
        cache.set(key, html, RENDERING_SECONDS)
    return html


# Where report_detail.html puts the document: the page around it is rendered for the reader, then the document's
# bytes are put in its place (``with_body``).
BODY_PLACE = mark_safe("<!-- the report's document -->")


def with_body(response, body):
    """The rendered page ``response`` with the document ``body`` (bytes) in the place the template left for it."""
    before, place, after = response.content.partition(BODY_PLACE.encode())
    if not place:
        raise ValueError("The page has no place for the report's document.")
    response.content = b"".join((before, body, after))
    return response
