"""Every URL of the portal × the nine members of the cast × GET and POST, against tests/security/matrix.py.

Each request runs in a savepoint that is rolled back afterwards, so every request sees the same
data and an allowed action (verifying an insats, pausing it) cannot change what the next role
gets. For every refused request the database must be unchanged: the tables the request wrote to
(PostgreSQL's per-transaction write counters; every table on other databases) are compared row
for row with the state before. No response a role is not allowed to read may carry the private
text planted in the targeted object.
"""

import hashlib
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connection, transaction
from django.urls import reverse

from tests.url_walk import url_names

from . import matrix
from .matrix import ANON, MATRIX, PARTS, ROLES, entry_for, rules_of

# The shared fixtures: the demo world built once per module, a logged-in client per role.
world = matrix.world
clients = matrix.clients

# A session row is the client's own login state, not portal data: logging out is allowed to touch it.
IGNORED_TABLES = {"django_session"}


# --- Did a request change anything? ------------------------------------------------------------


def portal_tables():
    return sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)} - IGNORED_TABLES)


def table_fingerprint(table):
    """Row count and a hash of every row of one table."""
    with connection.cursor() as cursor:
        quoted = connection.ops.quote_name(table)
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quoted} AS t"
            )
            return cursor.fetchone()
        cursor.execute(f"SELECT * FROM {quoted}")
        rows = sorted(repr(row) for row in cursor.fetchall())
        return len(rows), hashlib.md5("|".join(rows).encode()).hexdigest()


def write_counters():
    """Rows inserted, updated and deleted per table in this transaction so far (None: not known)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return dict(cursor.fetchall())


class Fingerprints:
    """The state before any request, per table, taken lazily: every request is rolled back, so it is constant."""

    def __init__(self):
        self.before = {}

    def of(self, table):
        if table not in self.before:
            self.before[table] = table_fingerprint(table)
        return self.before[table]


def touched_tables(before, after):
    tables = set(portal_tables())
    if before is None:
        return tables
    return {table for table in tables if after.get(table, 0) != before.get(table, 0)}


# --- Running one request -----------------------------------------------------------------------


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _refused(response):
    """403/404/405, or the login page for an anonymous visitor."""
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code == 302:
        location = urlsplit(response["Location"])
        return location.path == reverse("login") and "next=" in location.query
    return False


def request_once(client, method, url, data):
    """One request in a savepoint that is rolled back: the status, the body and what it changed."""
    with transaction.atomic():
        before = write_counters()
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        after = write_counters()
        touched = touched_tables(before, after)
        changed_now = {table: table_fingerprint(table) for table in touched}
        transaction.set_rollback(True)
    body = _body(response)
    return response, body, changed_now


def check_url(name, rule, url, world, clients, fingerprints, methods=("GET", "POST")):
    """Every role and method on one URL: the mismatches, as readable lines."""
    problems = []
    for role in ROLES:
        client = clients[role]
        session = client.cookies.get(settings.SESSION_COOKIE_NAME)
        for method in methods:
            expected = rule.status(method, role)
            data = rule.data(world) if rule.data else None
            response, body, changed = request_once(client, method, url, data)
            # Logging out (or a language switch) must not leak into the next request.
            client.cookies.clear()
            if session is not None:
                client.cookies[settings.SESSION_COOKIE_NAME] = session.value
            where = f"{name}{f' [{rule.label}]' if rule.label else ''} {method} {url} as {role}"
            if response.status_code not in expected:
                problems.append(f"{where}: expected {'/'.join(map(str, expected))}, got {response.status_code}")
            if _refused(response):
                altered = sorted(table for table, state in changed.items() if state != fingerprints.of(table))
                if altered:
                    problems.append(f"{where}: refused ({response.status_code}) but changed {', '.join(altered)}")
            private = rule.private and role not in rule.private_readers
            if private and world.secrets[rule.private].encode() in body:
                problems.append(f"{where}: the response shows the private text of {rule.private}")
    return problems


def admin_urls():
    """The admin index and every registered model's list: Django admin is staff only, as one rule."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    return urls


# --- The tests ---------------------------------------------------------------------------------


def test_every_url_pattern_has_an_entry_in_the_matrix():
    missing = sorted(name for name in url_names() if entry_for(name) is None)
    assert not missing, "Add the expected statuses to tests/security/matrix.py for: " + ", ".join(missing)


def test_the_matrix_names_no_url_that_is_gone():
    covered = {entry_for(name) for name in url_names()}
    stale = sorted(set(MATRIX) - covered)
    assert not stale, "Remove matrix entries for URLs that no longer exist: " + ", ".join(stale)


def test_every_entry_states_a_status_for_every_role_and_method():
    for name in MATRIX:
        for rule in rules_of(name):
            for role in ROLES:
                for method in ("GET", "POST"):
                    assert rule.status(method, role), (name, role, method)


@pytest.mark.django_db
@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_role_gets_the_expected_status_and_nothing_more(part, world, clients):
    fingerprints = Fingerprints()
    problems, requests = [], 0
    for name in sorted(MATRIX):
        if name == "admin:*" or not PARTS[part](name):
            continue
        for rule in rules_of(name):
            url = reverse(name, kwargs=rule.args(world) if rule.args else None)
            problems += check_url(name, rule, url, world, clients, fingerprints)
            requests += len(ROLES) * 2
    assert requests
    assert not problems, f"{len(problems)} of {requests} requests differ from the matrix:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_django_admin_is_for_staff_only(world, clients):
    fingerprints = Fingerprints()
    rule = MATRIX["admin:*"]
    problems = []
    for url in admin_urls():
        # GET every list; POST to the index only (a list's POST is an admin action, covered by Django).
        methods = ("GET", "POST") if url == reverse("admin:index") else ("GET",)
        problems += check_url("admin", rule, url, world, clients, fingerprints, methods=methods)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_anonymous_client_is_not_logged_in(clients):
    """Guard for the matrix itself: the roles really are who the matrix says."""
    assert clients[ANON].get(reverse("exports")).status_code == 302
    assert clients["system administrator"].get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_the_fingerprint_notices_a_write_that_is_rolled_back_afterwards(world):
    """Guard for the matrix itself: a refused request that wrote would be caught."""
    from insatsbasen.models import Insats

    fingerprints = Fingerprints()
    with transaction.atomic():
        before = write_counters()
        Insats.objects.filter(pk=world.objects["insats"].pk).update(name="Changed behind the user's back")
        touched = touched_tables(before, write_counters())
        changed = {table: table_fingerprint(table) for table in touched}
        transaction.set_rollback(True)
    assert "insatsbasen_insats" in touched
    assert changed["insatsbasen_insats"] != fingerprints.of("insatsbasen_insats")
