"""Template tags of the public catalogue: its addresses in the page's public language."""

from django import template

from ..public_i18n import SWEDISH
from ..public_i18n import katalog_url as _katalog_url

register = template.Library()


@register.simple_tag(takes_context=True)
def katalog_url(context, name, *args):
    """{% katalog_url "detail" insats.pk %}: the catalogue page in the language of the page being shown."""
    language = getattr(context.get("request"), "public_language", SWEDISH)
    return _katalog_url(language, name, *args)


@register.simple_tag(takes_context=True)
def public_alternates(context):
    """The page in every public language (the language menu and the hreflang links)."""
    from ..public_i18n import alternates

    return alternates(context["request"])


@register.simple_tag(takes_context=True)
def public_language(context):
    return getattr(context.get("request"), "public_language", SWEDISH)
