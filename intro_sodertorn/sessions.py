"""Sessions end after ``SESSION_COOKIE_AGE`` seconds without activity, written at most once a minute.

Django's ``SESSION_SAVE_EVERY_REQUEST`` renews the expiry by writing the session on every request: an
UPDATE and a COMMIT on every page. ``SessionRefreshMiddleware`` (after ``SessionMiddleware``) renews it
only when the last renewal is ``SESSION_REFRESH_SECONDS`` or more ago, by touching a timestamp in the
session, which makes ``SessionMiddleware`` save it (new expiry in the database, new cookie max-age).
A session therefore ends between ``SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS`` and
``SESSION_COOKIE_AGE`` seconds after the last request; ``seconds_left`` says exactly when, for the
page's warning before the timeout.

Like ``SessionMiddleware``, it leaves alone a session the page never read (no query for it) and the
session of a response that failed (5xx).
"""

import time

from django.conf import settings

REFRESHED_KEY = "_refreshed_at"


def _interval():
    return getattr(settings, "SESSION_REFRESH_SECONDS", 60)


def _due(refreshed, now):
    return refreshed is None or now - refreshed >= _interval() or now < refreshed


def seconds_left(request):
    """Seconds until this session ends if no other page comes (renewed by this request when due)."""
    session = getattr(request, "session", None)
    age = settings.SESSION_COOKIE_AGE
    if session is None:
        return age
    refreshed, now = session.get(REFRESHED_KEY), int(time.time())
    return age if _due(refreshed, now) else age - (now - refreshed)


class SessionRefreshMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or response.status_code >= 500 or session.is_empty():
            return response
        now = int(time.time())
        # Saved by the page anyway (a login, a message) renews the expiry too: note it.
        if session.modified or _due(session.get(REFRESHED_KEY), now):
            session[REFRESHED_KEY] = now
        return response
