"""Sessions end after ``SESSION_COOKIE_AGE`` seconds without activity, written at most once a minute.

Django's ``SESSION_SAVE_EVERY_REQUEST`` renews the expiry by writing the session on every request: an
UPDATE and a COMMIT on every page. ``SessionRefreshMiddleware`` (after ``SessionMiddleware``) renews it
only when the last renewal is ``SESSION_REFRESH_SECONDS`` or more ago, by touching a timestamp in the
session, which makes ``SessionMiddleware`` save it (new expiry in the database, new cookie max-age).
A session therefore ends between ``SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS`` and
``SESSION_COOKIE_AGE`` seconds after the last request; ``request.session_seconds_left`` says exactly
when, for the page's warning before the timeout.
"""

import time

from django.conf import settings

REFRESHED_KEY = "_refreshed_at"


def refresh_seconds():
    return getattr(settings, "SESSION_REFRESH_SECONDS", 60)


class SessionRefreshMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None:
            request.session_seconds_left = self._refresh(session)
        response = self.get_response(request)
        if session is not None and session.modified and not session.is_empty():
            # Saved by the page anyway (a login, a message): that renews the expiry too.
            session[REFRESHED_KEY] = int(time.time())
        return response

    @staticmethod
    def _refresh(session):
        """Renew the session when due; the seconds it has left after this request."""
        age = settings.SESSION_COOKIE_AGE
        # Reading loads the session (no query without a session cookie); an expired one comes back empty.
        refreshed = session.get(REFRESHED_KEY)
        if session.is_empty():
            return age
        now = int(time.time())
        if refreshed is None or now - refreshed >= refresh_seconds() or now < refreshed:
            session[REFRESHED_KEY] = now
            return age
        return age - (now - refreshed)
