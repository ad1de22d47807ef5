"""Swedish by default: the portal's language is chosen by the user, never guessed from the browser.

Django's LocaleMiddleware falls back on the browser's Accept-Language when neither the URL nor the language cookie
names a language, so a municipal computer set up in English got an English portal without anyone asking. This
middleware, placed just before LocaleMiddleware, hides that header: the language is then the URL's prefix
(``/en/…``), else the language cookie set by the language switch (remembered), else LANGUAGE_CODE, Swedish.
"""


class IgnoreBrowserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
