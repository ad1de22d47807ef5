"""Oversized and malformed input gets a message, never a server error.

Every URL of the portal (the resolver walk and the demo world of the permission matrix,
tests/security/matrix.py) is visited by a role that may use it. The forms on the pages are read
(their action and field names), so each view that takes a POST gets its own fields back with
hostile values: a megabyte in every field, NUL bytes, text where a number or a date belongs, a
date that does not exist, huge and negative numbers, ids that do not exist, two values where one
is expected. Every page that takes a query string gets the same in its filters, plus ``page`` and
``sort`` nonsense and a huge query string; every URL with an id gets ids beyond 2^63. A body over
DATA_UPLOAD_MAX_MEMORY_SIZE or with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS gets the 400
page in Swedish. Each request runs in a savepoint that is rolled back, like the matrix's.
"""

import html
import re
import time
import uuid
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from tests.url_walk import url_names

from . import matrix
from .matrix import ANON, PARTS, ROLES, rules_of

world = matrix.world

TIMINGS = []
MEGABYTE = "x" * (1024 * 1024)
# One hostile value for every field at once (name -> value); "list" sends two values for each field.
HOSTILE = {
    "NUL bytes": "abc\x00def",
    "text": "inte ett tal",
    "a date that does not exist": "2026-02-30",
    "a huge number": "99999999999999999999",
    "an id over 2^63": str(2**63 + 5),
    "a negative number": "-1",
    "an id that does not exist": "999999999",
    "a decimal": "1.5",
    "formula text": "=cmd|' /C calc'!A0",
}
LIST_VALUES = ["1", "inte ett tal"]
QUERY_HOSTILE = {
    "page": ["-1", "x", "0", "99999999999999999999"],
    "sort": ["evil", "-password", "__class__"],
    "sortera": ["evil", "-password"],
}
SKIPPED_URLS = {
    "logout",  # ends the session the rest of the walk uses; it takes no input
    "javascript-catalog",
}
FIELDS_MAX_PER_POST = 8  # 8 fields x 1 MB stays under DATA_UPLOAD_MAX_MEMORY_SIZE (10 MB)


# --- Reading the forms of a page ---------------------------------------------------------------


class FormReader(HTMLParser):
    """The forms of a page: method, action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = {"method": method, "action": attrs.get("action"), "fields": set()}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None and _sent(attrs):
            self._form["fields"].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _sent(attrs):
    """A field the form sends and the walk can fill (files are the upload tests' business)."""
    return attrs.get("name") and attrs["name"] != "csrfmiddlewaretoken" and attrs.get("type") != "file"


def forms_of(body, page_url):
    reader = FormReader()
    reader.feed(body.decode(errors="replace"))
    for form in reader.forms:
        form["action"] = html.unescape(form["action"]) if form["action"] else page_url
    return reader.forms


def url_name_of(path):
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


# --- Who visits what -------------------------------------------------------------------------


def acting_role(rule, method):
    """The first role of the cast the matrix lets through (a logged-in one before the anonymous visitor)."""
    for role in list(ROLES[1:]) + [ANON]:
        statuses = rule.status(method, role)
        if any(status in (200, 302, 400) for status in statuses) and not _only_login_redirect(role, statuses):
            return role
    return None


def _only_login_redirect(role, statuses):
    return role == ANON and statuses == (302,)


clients = matrix.clients  # a logged-in client per role that returns a 500 instead of raising


class Walk:
    """Sends requests in rolled-back savepoints and notes every server error."""

    def __init__(self, clients):
        self.clients = clients
        self.problems = []
        self.requests = 0

    def send(self, role, method, url, data=None, where=""):
        client = self.clients[role]
        session = client.cookies.get(settings.SESSION_COOKIE_NAME)
        started = time.monotonic()
        with transaction.atomic():
            response = client.get(url) if method == "GET" else client.post(url, data or {})
            transaction.set_rollback(True)
        TIMINGS.append((time.monotonic() - started, method, url[:100], where))
        client.cookies.clear()
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value
        self.requests += 1
        if response.status_code >= 500:
            self.problems.append(f"{method} {url[:120]} as {role} with {where}: {response.status_code}")
        return response


def targets(world):
    """(url name, url, rule) for every URL of the site except Django admin."""
    for name in sorted(url_names()):
        if name.startswith("admin:") or name in SKIPPED_URLS:
            continue
        for rule in rules_of(name):
            yield name, reverse(name, kwargs=rule.args(world) if rule.args else None), rule


_DISCOVERED = {}


def discover_forms(world, walk):
    """For every URL name: the POST field names and GET filter names its forms send, read from every page.

    Read once per module (the world is the same for every test of it)."""
    if id(world) not in _DISCOVERED:
        _DISCOVERED.clear()
        _DISCOVERED[id(world)] = _discover(world, walk)
    return _DISCOVERED[id(world)]


def _discover(world, walk):
    post_fields, get_fields = {}, {}
    for _name, url, rule in targets(world):
        role = acting_role(rule, "GET")
        if role is None:
            continue
        response = walk.send(role, "GET", url, where="a plain GET")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in forms_of(response.content, url):
            action_name = url_name_of(form["action"])
            if action_name is None:
                continue
            bucket = post_fields if form["method"] == "post" else get_fields
            bucket.setdefault(action_name, set()).update(form["fields"])
    return post_fields, get_fields


@pytest.mark.django_db
@pytest.mark.parametrize("part", sorted(PARTS))
def test_hostile_form_input_never_gives_a_server_error(part, world, clients):
    walk = Walk(clients)
    post_fields, _get_fields = discover_forms(world, walk)
    posted = 0
    for name, url, rule in targets(world):
        if not PARTS[part](name):
            continue
        role = acting_role(rule, "POST")
        if role is None:
            continue
        fields = sorted(post_fields.get(name, set())) or ["q"]
        posted += 1
        for start in range(0, len(fields), FIELDS_MAX_PER_POST):
            group = fields[start : start + FIELDS_MAX_PER_POST]
            walk.send(role, "POST", url, dict.fromkeys(group, MEGABYTE), where=f"1 MB in {', '.join(group)}")
        for label, value in HOSTILE.items():
            walk.send(role, "POST", url, dict.fromkeys(fields, value), where=label)
        walk.send(role, "POST", url, dict.fromkeys(fields, LIST_VALUES), where="two values for each field")
    assert posted, "no form view found: the walk is broken"
    assert not walk.problems, f"{len(walk.problems)} of {walk.requests} requests failed:\n" + "\n".join(walk.problems)


@pytest.mark.django_db
@pytest.mark.parametrize("part", sorted(PARTS))
def test_hostile_query_strings_and_ids_never_give_a_server_error(part, world, clients):
    walk = Walk(clients)
    _post_fields, get_fields = discover_forms(world, walk)
    visited = 0
    for name, url, rule in targets(world):
        if not PARTS[part](name):
            continue
        role = acting_role(rule, "GET")
        if role is None:
            continue
        visited += 1
        filters = sorted(get_fields.get(name, set()) | {"q"})
        for label, value in HOSTILE.items():
            walk.send(role, "GET", f"{url}?{urlencode(dict.fromkeys(filters, value))}", where=f"filters: {label}")
        walk.send(role, "GET", f"{url}?{urlencode(dict.fromkeys(filters, LIST_VALUES), doseq=True)}", where="lists")
        for key, values in QUERY_HOSTILE.items():
            for value in values:
                walk.send(role, "GET", f"{url}?{urlencode({key: value})}", where=f"{key}={value}")
        walk.send(role, "GET", f"{url}?{urlencode({'q': 'x' * 100_000})}", where="a 100 kB query")
        walk.send(role, "GET", f"{url}?{'&'.join(f'f{i}=1' for i in range(2000))}", where="2000 parameters")
        kwargs = rule.args(world) if rule.args else {}
        for key, value in kwargs.items():
            if isinstance(value, int):
                for huge in (2**63, 2**63 - 1, 10**30):
                    bad = reverse(name, kwargs={**kwargs, key: huge})
                    response = walk.send(role, "GET", bad, where=f"{key}={huge}")
                    if response.status_code != 404:
                        walk.problems.append(f"GET {bad} as {role}: {response.status_code}, expected 404")
    assert visited


@pytest.mark.django_db
def test_a_malformed_id_in_a_path_is_the_swedish_404_page(clients):
    for path in ("/insatser/abc/", "/insatser/-1/", "/statistik/rapporter/1e5/", "/natverk/kontakter/%00/"):
        response = clients[matrix.OWN_ADMIN].get(path)
        assert swedish_error_page(response, 404), path
        assert "Sidan hittades inte" in response.content.decode()


@pytest.mark.django_db
def test_a_refusal_is_the_swedish_403_page(clients):
    response = clients[matrix.READER].get(reverse("insatsbasen:create"))
    assert swedish_error_page(response, 403)
    assert "Du har inte behörighet" in response.content.decode()


def test_the_500_page_is_swedish_and_needs_nothing_from_the_request(rf):
    """Django renders it without the request's context, after an error that may be the database's."""
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("sv"):
        response = server_error(rf.get("/"))
    assert swedish_error_page(response, 500)
    assert "Något gick fel" in response.content.decode()


def swedish_error_page(response, status):
    """The portal's own error page (its layout, in Swedish), not Django's bare one."""
    content = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))
    return response.status_code == status and "Introduktion Södertörn" in text and 'lang="sv"' in content


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_gets_the_swedish_400_page(world, clients):
    client = clients[matrix.OWN_ADMIN]
    url = reverse("insatsbasen:create")
    too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    response = client.post(url, {"name": too_big})
    assert swedish_error_page(response, 400), response.status_code
    assert "Det som skickades kunde inte tas emot" in html.unescape(response.content.decode())


@pytest.mark.django_db
def test_too_many_fields_get_the_swedish_400_page(world, clients):
    client = clients[matrix.OWN_ADMIN]
    url = reverse("insatsbasen:create")
    data = {f"falt{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10)}
    response = client.post(url, data)
    assert swedish_error_page(response, 400), response.status_code


def teardown_module():
    import os

    if os.environ.get("H4_TIMINGS"):
        for row in sorted(TIMINGS, reverse=True)[:25]:
            print(f"{row[0]:.2f}s {row[1]} {row[2]} {row[3]}")
        print("total", sum(row[0] for row in TIMINGS), len(TIMINGS))


# --- Long texts ------------------------------------------------------------------------------


def test_every_text_field_of_the_portals_forms_has_a_maximum_length():
    """A model TextField has no limit of its own; each form field for one must have a max_length."""
    import inspect
    from importlib import import_module

    from django import forms

    uncapped = []
    for module in ("insatsbasen.forms", "statistik.forms", "uppdrag.forms", "natverk.forms", "intro_sodertorn.views"):
        for name, form_class in vars(import_module(module)).items():
            own = inspect.isclass(form_class) and form_class.__module__ == module
            if own and issubclass(form_class, forms.BaseForm):
                uncapped += [
                    f"{module}.{name}.{field_name}"
                    for field_name, field in form_class.base_fields.items()
                    if isinstance(field, forms.CharField) and field.max_length is None
                ]
    assert uncapped == [], "decorate the form with intro_sodertorn.forms.cap_text_fields"


@pytest.mark.django_db
def test_a_megabyte_of_notes_is_refused_with_a_swedish_message_and_nothing_saved(world, clients):
    from natverk.models import Organisation

    before = Organisation.objects.count()
    response = clients[matrix.STRATEGIST].post(
        reverse("natverk:organisation_create"), {"name": "Föreningen Lång text", "kind": "other", "notes": MEGABYTE}
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Anteckningar: Säkerställ att detta värde har som mest 20000 tecken" in text
    assert Organisation.objects.count() == before


# --- NUL, overlong and broken UTF-8 in paths and query strings ------------------------------------

# Raw values, already percent-encoded as they travel in a URL: a NUL byte (PostgreSQL refuses it in text), a
# 5,000-character segment and two byte sequences that are not UTF-8.
RAW_HOSTILE = {
    "NUL": "%00",
    "5,000 characters": "x" * 5000,
    "invalid UTF-8 %FF%FE": "%FF%FE",
    "invalid UTF-8 %C3%28": "%C3%28",
}
# Every query parameter a view reads by name (test_every_query_parameter_a_view_reads_is_walked keeps the list
# complete); the filters of a page's GET forms are read from the page and sent too.
QUERY_PARAMETERS = {
    "q",
    "alla",
    "page",
    "sida",
    "sort",
    "sortera",
    "per_page",
    "insats",
    "organisation",
    "saknas",
    "kontakt",
    "period",
    "jamfor",
    "typ",
    "id",
    "status",
    "language",
    "category",
    "kommun",
    "kategori",
    "sprak",
    "year_from",
    "year_to",
    "sex",
    "age",
}
# Who walks each URL: the anonymous visitor, an administrator and the strategist, and whoever may open the page.
PATH_ROLES = (ANON, matrix.OWN_ADMIN, matrix.STRATEGIST)
# Stand-ins that match each converter, replaced by the hostile text in the reversed URL.
SENTINELS = {int: 8765432109, str: "zzplatshallarezz", uuid.UUID: uuid.UUID("5e175e17-5e17-4e17-8e17-5e175e175e17")}


def hostile_paths(name, kwargs):
    """(label, URL) with each path argument in turn replaced by each hostile value, and one appended segment."""
    for key, value in kwargs.items():
        sentinel = next(stand_in for kind, stand_in in SENTINELS.items() if isinstance(value, kind))
        try:
            url = reverse(name, kwargs={**kwargs, key: sentinel})
        except NoReverseMatch:  # a converter narrower than its type (four digits): the real value's segment
            url = reverse(name, kwargs=kwargs).replace(f"/{value}/", f"/{sentinel}/", 1)
        assert str(sentinel) in url, (name, key)
        for label, raw in RAW_HOSTILE.items():
            yield f"{key}: {label}", url.replace(str(sentinel), raw, 1)
    url = reverse(name, kwargs=kwargs or None)
    for label, raw in RAW_HOSTILE.items():
        yield f"an extra segment: {label}", f"{url}{raw}/"


def walk_roles(rule):
    roles = list(PATH_ROLES)
    acting = acting_role(rule, "GET")
    if acting is not None and acting not in roles:
        roles.append(acting)
    return roles


def check_no_traceback(walk, response, where):
    if not getattr(response, "streaming", False) and b"Traceback" in response.content:
        walk.problems.append(f"{where}: the response shows a traceback")


@pytest.mark.django_db
@pytest.mark.parametrize("part", sorted(PARTS))
def test_nul_overlong_and_broken_utf8_in_paths_and_query_strings_never_give_a_server_error(part, world, clients):
    """Each path argument and each query parameter the view reads gets each hostile value, as the anonymous visitor,
    an administrator, the strategist and the role that may open the page: all parameters at once for each role,
    then one parameter at a time for the role that may open the page."""
    walk = Walk(clients)
    _post_fields, get_fields = discover_forms(world, walk)
    visited = 0
    for name, url, rule in targets(world):
        if not PARTS[part](name):
            continue
        visited += 1
        kwargs = rule.args(world) if rule.args else {}
        parameters = sorted(QUERY_PARAMETERS | get_fields.get(name, set()))
        acting = acting_role(rule, "GET")
        for role in walk_roles(rule):
            for label, bad in hostile_paths(name, kwargs):
                response = walk.send(role, "GET", bad, where=f"path {label}")
                check_no_traceback(walk, response, f"GET {bad[:120]} as {role}")
            for label, raw in RAW_HOSTILE.items():
                query = "&".join(f"{parameter}={raw}" for parameter in parameters)
                response = walk.send(role, "GET", f"{url}?{query}", where=f"every parameter: {label}")
                check_no_traceback(walk, response, f"GET {url}?…{label} as {role}")
        if acting is None:
            continue
        for parameter in sorted(get_fields.get(name, set()) | {"q", "page"}):
            for label, raw in RAW_HOSTILE.items():
                walk.send(acting, "GET", f"{url}?{parameter}={raw}", where=f"{parameter}: {label}")
    assert visited
    assert not walk.problems, f"{len(walk.problems)} of {walk.requests} requests failed:\n" + "\n".join(walk.problems)


def test_every_query_parameter_a_view_reads_is_walked():
    """A parameter read by name in the apps' code (request.GET.get("x"), params.get("x")) is in QUERY_PARAMETERS."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    read = set()
    for app in ("insatsbasen", "natverk", "uppdrag", "statistik", "intro_sodertorn"):
        for source in (root / app).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            text = source.read_text(encoding="utf-8")
            read |= set(re.findall(r"request\.GET(?:\.get|\.getlist)?[\[(]\s*\"(\w+)\"", text))
    assert read, "the search found no parameters"
    assert sorted(read - QUERY_PARAMETERS) == []
