"""Shared fixtures: the cast of named users, clients logged in as them, the browser.

Every test runs on the real components: PostgreSQL and Redis started by scripts/test.sh,
Chromium from Debian driven by Playwright.
"""

import os

import pytest
from django.contrib.auth import get_user_model

from intro_sodertorn.cast import CAST, DEMO_PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- The clock moved forward ---------------------------------------------------------------
# A test that reads the real clock against a fixed calendar date passes until the calendar
# reaches that date. ``--shift-days=N`` runs the whole session N days in the future (the clock
# keeps ticking from there), so such a test fails now instead of on the day it meets the
# calendar. .ci/run runs the suite once more with --shift-days=400. Browser tests are left out
# of a shifted run: Chromium keeps the real clock.
#
# ``--clock-time=HH:MM`` starts the session at that time of day in UTC. At 23:10 UTC it is
# already tomorrow in Stockholm (00:10 in winter, 01:10 in summer), so code that takes the day
# of an instant in UTC where the Stockholm day is meant (``moment.date()`` instead of
# ``timezone.localdate(moment)``) fails at once instead of once a night. .ci/run combines both.


def pytest_addoption(parser):
    parser.addoption(
        "--shift-days",
        type=int,
        default=0,
        metavar="N",
        help="run every test with the clock moved N days forward (browser tests are deselected)",
    )
    parser.addoption(
        "--clock-time",
        default="",
        metavar="HH:MM",
        help="start the session at this time of day in UTC, e.g. 23:10 (browser tests are deselected)",
    )


def _moved_clock(config):
    """Whether this session runs on a moved clock (either option)."""
    return bool(config.getoption("--shift-days", default=0) or config.getoption("--clock-time", default=""))


def pytest_configure(config):
    if not _moved_clock(config):
        return
    import datetime

    import time_machine

    days = config.getoption("--shift-days", default=0)
    target = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=days)
    clock_time = config.getoption("--clock-time", default="")
    if clock_time:
        try:
            hour, minute = (int(part) for part in clock_time.split(":"))
            target = target.replace(hour=hour, minute=minute, second=0, microsecond=0)
        except ValueError:
            raise pytest.UsageError(f"--clock-time wants HH:MM in UTC, got {clock_time!r}") from None
    traveller = time_machine.travel(target, tick=True)
    traveller.start()
    config._shift_days_traveller = traveller


def pytest_unconfigure(config):
    traveller = getattr(config, "_shift_days_traveller", None)
    if traveller is not None:
        traveller.stop()


def pytest_collection_modifyitems(config, items):
    if not _moved_clock(config):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("browser") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config):
    if _moved_clock(config):
        import datetime
        import zoneinfo

        now = datetime.datetime.now(tz=datetime.UTC)
        stockholm = now.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm"))
        return f"clock moved: the session starts at {now:%Y-%m-%d %H:%M} UTC, {stockholm:%Y-%m-%d %H:%M} in Stockholm"
    return None


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Files and e-mail stay inside the test; Celery runs inline unless a test starts a worker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Figures cached for the home page (keyed by the day) must not carry over from one test's data to another's.
    from django.core.cache import cache

    cache.clear()
    # Hashing the cast's passwords with PBKDF2 would cost seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from intro_sodertorn.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


PROJECT_APPS = ("natverk", "portal", "insatsbasen", "statistik", "uppdrag")


def ensure_seed_data():
    """The data that migrations create (municipalities, taxonomies, the KIS catalogue).

    A transactional test (live server, Celery worker) empties every table when it ends; the
    next test that needs this data gets it back by running the migrations' data functions
    again, in migration order, against the current models.
    """
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from natverk.models import Municipality

    if Municipality.objects.exists():
        return
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = [node for node in loader.graph.leaf_nodes() if node[0] in PROJECT_APPS]
    seen = set()
    with connection.schema_editor() as schema_editor:
        _run_data_functions(loader, leaves, seen, apps, schema_editor)


def _run_data_functions(loader, leaves, seen, apps, schema_editor):
    from django.db.migrations.operations.special import RunPython

    for leaf in leaves:
        for key in loader.graph.forwards_plan(leaf):
            if key in seen or key[0] not in PROJECT_APPS:
                continue
            seen.add(key)
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, schema_editor)


# Kept for tests that ask for it by this name.
ensure_municipalities = ensure_seed_data


def _create_cast_member(member):
    from intro_sodertorn.models import Role
    from natverk.models import Municipality

    User = get_user_model()
    user = User.objects.create_user(
        username=member.username,
        password=DEMO_PASSWORD,
        email=member.email,
        first_name=member.first_name,
        last_name=member.last_name,
        is_staff=member.superuser,
        is_superuser=member.superuser,
    )
    for kind, code, side in member.roles:
        municipality = Municipality.objects.get(code=code) if code else None
        Role.objects.create(user=user, kind=kind, municipality=municipality, side=side)
    return user


@pytest.fixture
def cast(db):
    """All named users of the cast, by username (admin-huddinge, strateg, lasare, ...)."""
    ensure_seed_data()
    return {member.username: _create_cast_member(member) for member in CAST}


def _client_for(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def client_as(cast):
    """``client_as("admin-huddinge")``: a test client logged in as that member of the cast."""
    from django.test import Client

    def make(username):
        return _client_for(Client, cast[username])

    return make


@pytest.fixture
def anonymous_client():
    from django.test import Client

    return Client()


@pytest.fixture
def municipalities(db):
    """The municipalities created by the data migration, by name."""
    from natverk.models import Municipality

    ensure_seed_data()
    return {municipality.name: municipality for municipality in Municipality.objects.all()}


# --- Browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "sv-SE", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def screenshot_dir():
    """Where browser tests write screenshots to look at (not checked in)."""
    from pathlib import Path

    path = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parent.parent / "screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def login(live_server):
    """``login(page, "admin-huddinge")``: log in through the real login form."""

    def do_login(page, username, password=DEMO_PASSWORD):
        page.goto(f"{live_server.url}/logga-in/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        return page

    return do_login
