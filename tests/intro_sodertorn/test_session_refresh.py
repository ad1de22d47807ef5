"""The session's expiry is renewed by activity, but written at most once a minute (intro_sodertorn/sessions.py).

A page within the minute writes nothing to the session table (no UPDATE, no cookie); a page a minute or more
after the last write renews it; a session left idle for SESSION_COOKIE_AGE still ends.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

PAGE = "/uppdrag/atgardspunkter/"


def _session_writes(queries):
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")]


def _expiry(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


@pytest.fixture
def clock():
    """A clock that stands still at the real time (moved by the test), whatever --shift-days did."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_a_page_within_the_minute_does_not_write_the_session_and_one_after_renews_it(clock, client_as):
    client = client_as("strateg")
    assert client.get(PAGE).status_code == 200  # the first page after login notes when it renewed
    expiry = _expiry(client)

    clock.shift(datetime.timedelta(seconds=30))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    assert _session_writes(queries.captured_queries) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies, "no new cookie within the minute"
    assert _expiry(client) == expiry
    # The page's timeout warning counts from the last renewal, not from this page.
    assert f'data-session-seconds="{settings.SESSION_COOKIE_AGE - 30}"' in response.text

    clock.shift(datetime.timedelta(seconds=31))  # 61 s after the last write
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    assert len(_session_writes(queries.captured_queries)) == 1
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    assert _expiry(client) == expiry + datetime.timedelta(seconds=61)
    assert f'data-session-seconds="{settings.SESSION_COOKIE_AGE}"' in response.text


def test_an_active_session_lives_on_past_the_cookie_age(clock, client_as):
    client = client_as("strateg")
    client.get(PAGE)
    # A page every 20 minutes for longer than the session's age: never logged out.
    for _step in range(settings.SESSION_COOKIE_AGE // 1200 + 3):
        clock.shift(datetime.timedelta(minutes=20))
        assert client.get(PAGE).status_code == 200


def test_an_idle_session_still_expires(clock, client_as):
    client = client_as("strateg")
    assert client.get(PAGE).status_code == 200
    clock.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/logga-in/" in response.url


def test_a_session_idle_just_under_its_age_still_works_but_not_after_it(clock, client_as):
    # Renewed at most once a minute: the idle time counts from the last renewal, at most 60 s before the last page.
    client = client_as("strateg")
    client.get(PAGE)
    clock.shift(datetime.timedelta(seconds=59))
    client.get(PAGE)  # not written: within the minute
    clock.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
    assert client.get(PAGE).status_code == 200, "59 s + age - 60 s after the last renewal: still logged in"
    clock.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    assert client.get(PAGE).status_code == 302


def test_anonymous_pages_make_no_session(anonymous_client):
    with CaptureQueriesContext(connection) as queries:
        response = anonymous_client.get("/logga-in/")
    assert response.status_code == 200
    assert _session_writes(queries.captured_queries) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies
