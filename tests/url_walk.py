"""Walking the URL resolver: every URL pattern of the site by name, for the tests that must cover each page
(accessibility cases, query budgets, the permission matrix, hostile input). Unnamed patterns are listed as
``<unnamed ...>`` so they cannot hide."""

from django.urls import URLPattern, URLResolver, get_resolver


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"


def url_names():
    """Every URL pattern of the site, by name."""
    return set(_walk(get_resolver().url_patterns))


def portal_url_names():
    """Every named URL pattern of the portal's own pages (Django admin's left out)."""
    return {name for name in url_names() if not name.startswith("admin:") and not name.startswith("<unnamed")}
