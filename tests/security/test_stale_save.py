"""No lost update through any edit form: a stale save is refused, the user's input kept, the other change stays.

For every URL of the permission matrix (tests/security/matrix.py) that takes a POST, this file either holds a
stale-save case (``STALE_SAVES``) or says why the POST is not an edit of something others edit too
(``NOT_EDITS``); a new URL that takes a POST fails the first test until it has one or the other.

A case is two people through the HTTP client, on the matrix's demo world: both open the form (its fields are read
from the page, the hidden version included), the second saves a change, then the first saves their own change
from the page they loaded. The first must get the conflict (HTTP 409, or the form again with the Swedish message),
with their input still in the form, and the form opened afresh must show the second person's change.
Each case runs in a savepoint that is rolled back.
"""

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from . import matrix
from .matrix import ANON, MATRIX, ROLES, USERNAME, rules_of

world = matrix.world
clients = matrix.clients

CONFLICT = "Någon annan sparade"


@dataclass(frozen=True)
class Stale:
    """Field changes of the second (saved first) and the first person (stale); a callable gets the form's fields."""

    second: object
    first: object
    rule: int = 0  # which variant of the matrix's entry (its URL and who may save)
    stored: object = None  # callable(world) -> {field: saved value}, where the form opened afresh does not show it
    note: str = ""

    def changes(self, which, fields):
        value = self.second if which == "second" else self.first
        return value(fields) if callable(value) else value


def _free_figure(fields):
    """The field of a typed figure that no rule ties to another (no breakdown, no sub-count, no rule across)."""
    from django.db.models import Q

    from statistik.models import Indicator, IndicatorRule

    tied = set(IndicatorRule.objects.values_list("indicator", flat=True)) | set(
        IndicatorRule.objects.values_list("other", flat=True)
    )
    free = Indicator.objects.filter(kind="typed", breakdown="none", part_of__isnull=True, parts__isnull=True).exclude(
        Q(pk__in=tied)
    )
    names = sorted(f"v-{code}-T" for code in free.values_list("code", flat=True) if f"v-{code}-T" in fields)
    assert names, "no figure of the report is free of rules"
    return names[0]


STALE_SAVES = {
    "insatsbasen:edit": Stale({"how_to_apply": "Ring växeln (andra)."}, {"eligibility": "Alla vuxna (första)."}),
    "insatsbasen:text_edit": Stale({"summary": "Kort text (andra)."}, {"for_whom": "Vuxna (första)."}),
    "statistik:indicator_edit": Stale({"source": "SCB (andra)"}, {"name_en": "Changed by the first"}),
    "statistik:periods": Stale(
        {"new_deadline": "2031-03-31"}, {"new_deadline": "2031-04-30"}, note="a period's deadline (one field)"
    ),
    # One figure no rule ties to another, so neither input is refused by the checks before the version's.
    "statistik:report": Stale(
        lambda fields: {_free_figure(fields): "11"},
        lambda fields: {_free_figure(fields): "22"},
        rule=1,
        note="the figures of Botkyrka's draft report",
    ),
    "uppdrag:actionpoint_edit": Stale(
        {"description": "Beskrivning (andra)."}, {"title": "Åtgärdspunkt ändrad av den första"}
    ),
    "uppdrag:area_edit": Stale({"description": "Område (andra)."}, {"title": "Område (första)"}),
    "uppdrag:assignment_edit": Stale({"description": "Uppdraget (andra)."}, {"title": "Uppdraget (första)"}),
    "uppdrag:commitment_edit": Stale({"description": "Åtagande (andra)."}, {"title": "Åtagande (första)"}),
    "uppdrag:commitment_health": Stale({"health_note": "Försenat (andra)."}, {"health_note": "Enligt plan (första)."}),
    "uppdrag:area_health": Stale({"health_note": "Försenat (andra)."}, {"health_note": "Enligt plan (första)."}),
    "natverk:organisation_edit": Stale({"website": "https://andra.example.se"}, {"name": "Matrisenheten (första)"}),
    "natverk:contact_edit": Stale({"title": "Rektor (andra)"}, {"phone": "08-111 11 11"}),
    "natverk:network_edit": Stale({"purpose": "Syfte (andra)."}, {"name": "Nätverket (första)"}),
    # The form always proposes today: the saved end date is read from the database.
    "natverk:membership_end": Stale(
        {"valid_to": "2024-01-31"},
        {"valid_to": "2024-02-29"},
        stored=lambda world: {
            "valid_to": str(type(world.objects["membership"]).objects.get(pk=world.objects["membership"].pk).valid_to)
        },
    ),
    "natverk:meeting_edit": Stale({"place": "Tumba (andra)"}, {"agenda": "Dagordning (första)."}),
}

# Every other URL that takes a POST, and why a stale page cannot undo someone else's change through it.
NOT_EDITS = {
    "login": "signs in; changes nothing others edit",
    "logout": "signs out",
    "password_change": "each user's own password",
    "password_reset": "sends a link",
    "password_reset_confirm": "each user's own password, with a one-time token",
    "accessibility": "a new report from a visitor",
    "set_language": "the visitor's own language",
    "insatsbasen:index": "a POST reads like a GET",
    "insatsbasen:detail": "a POST reads like a GET",
    "insatsbasen:create": "makes a new insats",
    "insatsbasen:verify": "an action (confirm the entry is current): nothing loaded is written back",
    "insatsbasen:texts": "the list of languages; the texts are saved by insatsbasen:text_edit",
    "insatsbasen:status": "an action with its target state in the URL (publish, pause); it loads no values",
    "insatsbasen:scoreboard": "a POST reads like a GET",
    "insatsbasen:statistics": "a POST reads like a GET",
    "insatsbasen:statistics_export": "starts an export",
    "insatsbasen:gaps": "a POST reads like a GET",
    "insatsbasen:gaps_export": "starts an export",
    "insatsbasen:export": "starts an export",
    "insatsbasen:import": "an upload checked in a dry run; each row carries its version (insatsbasen/imports.py)",
    "insatsbasen:import_commit": "writes a checked import: each row's version is compared again",
    "katalog:index": "a POST reads like a GET",
    "katalog:detail": "a POST reads like a GET",
    "katalog:referral": "a POST reads like a GET",
    "katalog:referral_many": "a POST reads like a GET",
    "katalog:hsds_docs": "a POST reads like a GET",
    "katalog:hsds_services": "a POST reads like a GET",
    "katalog:hsds_service": "a POST reads like a GET",
    "katalog:hsds_organizations": "a POST reads like a GET",
    "katalog:hsds_service_at_locations": "a POST reads like a GET",
    "statistik:catalogue_version_create": "makes a new catalogue version",
    "statistik:report_start": "opens or starts a report",
    "statistik:report_review": "a workflow step: the service refuses a step from the wrong state",
    "statistik:report_reopen": "a workflow step: the service refuses a step from the wrong state",
    "statistik:report_upload": "an uploaded file replaces the figures it holds; nothing is loaded from the page",
    "statistik:export": "starts an export",
    "uppdrag:actionpoint_create": "makes a new action point",
    "uppdrag:actionpoint_from_decision": "makes a new action point",
    "uppdrag:actionpoint_status": "the chosen new status, kept in the journal with its note; it loads no values",
    "uppdrag:actionpoint_note": "adds a journal note",
    "uppdrag:area_create": "makes a new area",
    "uppdrag:commitment_create": "makes a new commitment",
    "uppdrag:report_new": "makes a new frozen report",
    "uppdrag:report_export": "starts an export",
    "uppdrag:report_publish": "an action on a frozen report",
    "uppdrag:reminder_settings": "each user's own setting: nobody else edits it",
    "natverk:organisation_create": "makes a new organisation",
    "natverk:contact_create": "makes a new contact",
    "natverk:contact_extract": "starts a register extract",
    "natverk:contact_anonymise": "an action that cannot be undone; a form open meanwhile becomes stale",
    "natverk:network_create": "makes a new network",
    "natverk:membership_add": "makes a new membership",
    "natverk:network_export": "starts an export",
    "natverk:meeting_create": "makes a new meeting",
}


def takes_post(name):
    """A logged-in role gets something other than 405 for a POST (the matrix's statuses)."""
    return any(status != 405 for rule in rules_of(name) for role in ROLES[1:] for status in rule.status("POST", role))


# --- Reading a form with its values ------------------------------------------------------------


class ValueReader(HTMLParser):
    """The POST forms of a page: action and what the browser would send (name -> list of values)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"), "data": {}}
            self.forms.append(self._form)
            return
        if self._form is None or not attrs.get("name") or "disabled" in attrs:
            if tag == "option" and self._select is not None:
                self._option(attrs)
            return
        name = attrs["name"]
        data = self._form["data"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    data.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select":
            self._select = {"name": name, "multiple": "multiple" in attrs, "chosen": [], "first": None}
        elif tag == "textarea":
            self._textarea = name
            data.setdefault(name, []).append("")

    def _option(self, attrs):
        value = attrs.get("value", "")
        if self._select["first"] is None:
            self._select["first"] = value
        if "selected" in attrs:
            self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None and self._form is not None:
            self._form["data"][self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # As in a browser: the newline right after <textarea> is not part of the value.
            values = self._form["data"][self._textarea] if self._form is not None else [""]
            if values[-1].startswith("\r\n"):
                values[-1] = values[-1][2:]
            elif values[-1].startswith("\n"):
                values[-1] = values[-1][1:]
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            self._form["data"].setdefault(self._select["name"], []).extend(chosen)
            self._select = None


def post_forms(body, page_url):
    reader = ValueReader()
    reader.feed(body.decode())
    forms = []
    for form in reader.forms:
        if form["method"] == "post":
            form["action"] = html.unescape(form["action"]) if form["action"] else page_url
            forms.append(form)
    return forms


def form_with(body, page_url, names, where):
    """The POST form of the page that has all these fields."""
    for form in post_forms(body, page_url):
        if set(names) <= set(form["data"]):
            return form
    raise AssertionError(f"{where}: no form on the page has the fields {sorted(names)}")


def errors_of(response):
    """The error messages of a page, to say why a save was not accepted."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    found = re.findall(r"[^.]*(?:Rätta|fel|måste|Ange|Skriv)[^.]*\.", text)
    return " | ".join(" ".join(item.split()) for item in found[:5])


def flat(data):
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


# --- The tests ---------------------------------------------------------------------------------


def test_every_url_that_takes_a_post_has_a_stale_save_case_or_a_reason():
    posting = {name for name in MATRIX if name != "admin:*" and takes_post(name)}
    missing = sorted(posting - set(STALE_SAVES) - set(NOT_EDITS))
    assert not missing, "Add a stale-save case (or the reason it is not an edit) for: " + ", ".join(missing)
    assert sorted((set(STALE_SAVES) | set(NOT_EDITS)) - posting) == [], "the tables name URLs that take no POST"
    assert not set(STALE_SAVES) & set(NOT_EDITS)


def editors(rule, name):
    """The two roles that may open and save the form (the same role twice when only one may)."""
    roles = [
        role
        for role in ROLES
        if role != ANON and 200 in rule.status("GET", role) and set(rule.status("POST", role)) & {200, 302}
    ]
    assert roles, f"{name}: nobody may save this form"
    return roles[0], roles[1] if len(roles) > 1 else roles[0]


def client_for(world, role):
    client = Client(raise_request_exception=False)
    client.force_login(world.users[USERNAME[role]])
    return client


def stale_save(name, case, world, clients):
    """Run one case; returns the problems found, as readable lines."""
    rule = rules_of(name)[case.rule]
    url = reverse(name, kwargs=rule.args(world) if rule.args else None)
    first_role, second_role = editors(rule, name)
    first = clients[first_role]
    second = clients[second_role] if second_role != first_role else client_for(world, second_role)
    where = f"{name} {url} ({first_role} stale, {second_role} saves first)"

    page_first, page_second = first.get(url), second.get(url)
    assert page_first.status_code == page_second.status_code == 200, where
    fields = post_forms(page_first.content, url)
    some_fields = {name for form in fields for name in form["data"]}
    second_changes = case.changes("second", some_fields)
    first_changes = case.changes("first", some_fields)
    names = set(second_changes) | set(first_changes)
    form_first = form_with(page_first.content, url, names, where)
    form_second = form_with(page_second.content, url, names, where)
    version_fields = [name for name in form_first["data"] if "version" in name or name in ("seen", "loaded_values")]
    problems = []
    if not version_fields:
        problems.append(f"{where}: the form carries no version")

    saved = second.post(form_second["action"], flat(form_second["data"]) | second_changes)
    if saved.status_code != 302:
        return [f"{where}: the second person's save was not accepted ({saved.status_code}): {errors_of(saved)}"]

    response = first.post(form_first["action"], flat(form_first["data"]) | first_changes)
    body = response.content.decode()
    if response.status_code not in (200, 409) or CONFLICT not in html.unescape(body):
        problems.append(f"{where}: the stale save got {response.status_code} without the conflict message")
    else:
        kept = form_with(response.content, url, first_changes, where)["data"]
        for field_name, value in first_changes.items():
            if kept[field_name] != [value]:
                problems.append(f"{where}: the first person's {field_name}={value!r} is not kept ({kept[field_name]})")

    if case.stored:
        fresh = {field_name: [value] for field_name, value in case.stored(world).items()}
    else:
        fresh = form_with(second.get(url).content, url, names, where)["data"]
    for field_name, value in second_changes.items():
        if fresh[field_name] != [value]:
            problems.append(f"{where}: the second person's {field_name}={value!r} is lost ({fresh[field_name]})")
    for field_name, value in first_changes.items():
        if field_name not in second_changes and fresh.get(field_name) == [value]:
            problems.append(f"{where}: the stale {field_name}={value!r} was saved")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(STALE_SAVES))
def test_a_stale_save_is_refused_with_the_input_kept_and_the_other_change_saved(name, world, clients):
    with transaction.atomic():
        problems = stale_save(name, STALE_SAVES[name], world, clients)
        transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
