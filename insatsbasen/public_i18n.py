"""The public catalogue's own languages, chosen in the URL (/katalog/ar/...), never guessed from the browser.

The staff portal keeps its two languages (sv, en; a cookie and the menu in base.html). The public views
activate the language named in their URL with ``translation.override`` for that request only: /katalog/ is
Swedish, /katalog/<code>/ is one of PUBLIC_LANGUAGES. The UI strings of the public part are translated in
insatsbasen/locale_public/ (in LOCALE_PATHS); the content of an insats stays as its municipality wrote it.
"""

import functools
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation


@dataclass(frozen=True)
class PublicLanguage:
    url_code: str  # in the URL: /katalog/<url_code>/ ("" for Swedish, the default)
    django_code: str  # the gettext catalogue activated (insatsbasen/locale_public/<locale>/)
    html_lang: str  # <html lang> and hreflang
    native_name: str  # the language named in itself, in the language menu
    rtl: bool = False


PUBLIC_LANGUAGES = [
    PublicLanguage("", "sv", "sv", "Svenska"),
    PublicLanguage("lattlast", "sv-ll", "sv", "Lättläst svenska"),
    PublicLanguage("en", "en", "en", "English"),
    PublicLanguage("ar", "ar", "ar", "العربية", rtl=True),
    PublicLanguage("prs", "fa-af", "fa-AF", "دری", rtl=True),
    PublicLanguage("fa", "fa", "fa", "فارسی", rtl=True),
    PublicLanguage("so", "so", "so", "Soomaali"),
    PublicLanguage("ti", "ti", "ti", "ትግርኛ"),
    PublicLanguage("uk", "uk", "uk", "Українська"),
]
BY_URL_CODE = {language.url_code: language for language in PUBLIC_LANGUAGES}
SWEDISH = BY_URL_CODE[""]
# The languages whose catalogue the team wrote (Swedish is the portal's own catalogue; English is the msgids).
TRANSLATED = [language for language in PUBLIC_LANGUAGES if language.django_code not in ("sv", "en")]


class PublicLanguageConverter:
    """A public language's code in the URL; only the listed ones match (anything else is a 404)."""

    regex = "|".join(language.url_code for language in PUBLIC_LANGUAGES if language.url_code)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def public_language(view):
    """Render the view in the public language of its URL (``lang``), whatever the visitor's staff language."""

    @functools.wraps(view)
    def wrapper(request, *args, lang="", **kwargs):
        language = BY_URL_CODE[lang]
        request.public_language = language
        with translation.override(language.django_code):
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                # Not found (e.g. an insats no longer published): said in the reader's language, with the menu.
                response = render(request, "insatsbasen/public_404.html", status=404)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response.headers["Content-Language"] = language.html_lang
        return response

    return wrapper


def katalog_url(language, name, *args):
    """The address of the catalogue page ``name`` (katalog:<name>) in a public language."""
    if language.url_code:
        return reverse(f"katalog:{name}", args=[language.url_code, *args])
    return reverse(f"katalog:{name}", args=list(args))


def alternates(request):
    """The current public page in every public language: the menu and the hreflang links."""
    match = request.resolver_match
    name = match.url_name
    args = [match.kwargs[key] for key in match.kwargs if key != "lang"] or list(match.args)
    query = request.GET.urlencode()
    current = getattr(request, "public_language", SWEDISH)
    return [
        {
            "language": language,
            "url": katalog_url(language, name, *args) + (f"?{query}" if query else ""),
            "current": language == current,
        }
        for language in PUBLIC_LANGUAGES
    ]
