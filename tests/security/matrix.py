"""The permission matrix: for every URL of the portal, who gets which status on GET and POST.

Read an entry as a sentence: ``"insatsbasen:edit": expect(get=only(OWN_WRITERS), post=only(OWN_WRITERS),
args=pk("insats"))`` says: the edit page of a Huddinge insats opens (200) for Huddinge's
administrator, the strategist and the system administrator, sends anonymous visitors to the login
page (302) and refuses (403) everyone else, on GET and on an empty POST alike.

Every object in a URL belongs to Huddinge unless the entry says otherwise, so "own municipality"
(``admin-huddinge``) and "another municipality" (``admin-botkyrka``) mean something. The KIS
reporter and intro manager of the cast work for Botkyrka: for them Huddinge is another
municipality, and the entries marked "Botkyrka" show their own side.

A status map is ``{role or tuple of roles or ALL: status or tuple of accepted statuses}``; the
first key naming a role wins, ``ALL`` is the default. An entry may list several variants (a
list of expect()), e.g. a published and an archived insats.

``private`` names text planted in the targeted object (see ``world_build``) that only the roles
in ``private_readers`` may get in a response body: a refused GET must never carry it, and a
page everyone may open (a contact) must not show the notes to those who may not read them.
"""

import uuid
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings

# --- The cast ------------------------------------------------------------------------------

ANON = "anonymous"
READER = "reader"
OWN_ADMIN = "admin of own municipality"
OTHER_ADMIN = "admin of another municipality"
REPORTER = "reporter (Botkyrka)"
MANAGER = "intro manager (Botkyrka)"
STRATEGIST = "strategist"
STAT_ADMIN = "regional statistics admin"
SYSADMIN = "system administrator"

ROLES = (ANON, READER, OWN_ADMIN, OTHER_ADMIN, REPORTER, MANAGER, STRATEGIST, STAT_ADMIN, SYSADMIN)
USERNAME = {
    ANON: None,
    READER: "lasare",
    OWN_ADMIN: "admin-huddinge",
    OTHER_ADMIN: "admin-botkyrka",
    REPORTER: "rapportor-botkyrka",
    MANAGER: "introchef-botkyrka",
    STRATEGIST: "strateg",
    STAT_ADMIN: "statistik-region",
    SYSADMIN: "admin",
}
ALL = "*"

# --- Groups of the cast, as the apps define them ---------------------------------------------

REGION = (STRATEGIST, SYSADMIN)  # manages uppdrag and the network register
OWN_WRITERS = (OWN_ADMIN, STRATEGIST, SYSADMIN)  # may change Huddinge's insatser, contacts, organisations
EDITORS = (OWN_ADMIN, OTHER_ADMIN, STRATEGIST, SYSADMIN)  # may create insatser and import
FOLLOW_UP = (OWN_ADMIN, OTHER_ADMIN, MANAGER, STRATEGIST, STAT_ADMIN, SYSADMIN)  # insats scoreboard, statistics
MUNICIPAL = (OWN_ADMIN, OTHER_ADMIN, REPORTER, MANAGER, STRATEGIST, SYSADMIN)  # may add contacts/organisations
BOTKYRKA_STAFF = (REPORTER, MANAGER)

# The form was shown again with its errors, or the action was done and the browser sent on.
FORM = (200, 302, 400)


def logged_in(status=200):
    """Every logged-in user; anonymous visitors are sent to the login page."""
    return {ANON: 302, ALL: status}


def only(roles, status=200, others=403):
    """Those roles get ``status``, other logged-in users ``others``, anonymous visitors the login page."""
    return {ANON: 302, roles: status, ALL: others}


PUBLIC = {ALL: 200}
NOT_ALLOWED = {ALL: 405}  # the method is refused before anything else
LOGIN_THEN_NOT_ALLOWED = {ANON: 302, ALL: 405}  # login_required runs first, then the method check
POST_ONLY = LOGIN_THEN_NOT_ALLOWED  # the GET of a POST-only action


@dataclass(frozen=True)
class Expect:
    get: dict
    post: dict
    args: object = None  # callable(world) -> URL kwargs
    private: str | None = None  # key of world.secrets planted in the object
    private_readers: tuple = ()
    label: str = ""
    data: object = None  # callable(world) -> POST body (default: empty)
    extra: dict = field(default_factory=dict)

    def status(self, method, role):
        return resolve_status(self.get if method == "GET" else self.post, role)


def expect(get, post, *, args=None, private=None, private_readers=(), label="", data=None):
    return Expect(get, post, args, private, tuple(private_readers), label, data)


def resolve_status(table, role):
    """The accepted statuses (a tuple) of a role in a status map."""
    for key, status in table.items():
        if key == role or (isinstance(key, tuple) and role in key):
            return status if isinstance(status, tuple) else (status,)
    return table[ALL] if isinstance(table[ALL], tuple) else (table[ALL],)


def pk(name):
    def args(world):
        return {"pk": world.objects[name].pk}

    args.__name__ = f"pk({name})"
    return args


def kwargs(**builders):
    def args(world):
        return {key: value(world) if callable(value) else value for key, value in builders.items()}

    return args


def obj_pk(name):
    return lambda world: world.objects[name].pk


def hsds_service_id(name):
    """The HSDS service id (a UUID) of an insats of the world."""

    def service_id(world):
        from insatsbasen.hsds import hsds_id

        return uuid.UUID(hsds_id("service", world.objects[name].pk))

    return service_id


# --- The matrix --------------------------------------------------------------------------------

MATRIX = {
    # Portal core
    "home": expect(
        PUBLIC, NOT_ALLOWED, private="point", private_readers=OWN_WRITERS, label="the owner's action point is theirs"
    ),
    "login": expect({ANON: 200, ALL: 302}, {ANON: 200, ALL: 302}),
    "logout": expect(NOT_ALLOWED, {ALL: 302}),
    "password_change": expect(logged_in(), logged_in()),
    "password_change_done": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED),
    "password_reset": expect(PUBLIC, PUBLIC),
    "password_reset_done": expect(PUBLIC, NOT_ALLOWED),
    "password_reset_confirm": expect(
        PUBLIC, PUBLIC, args=kwargs(uidb64="MQ", token="set-password"), label="an invalid link"
    ),
    "password_reset_complete": expect(PUBLIC, NOT_ALLOWED),
    "exports": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, private="export", private_readers=[OWN_ADMIN]),
    "export_download": expect(
        {ANON: 302, OWN_ADMIN: 200, ALL: 404},
        LOGIN_THEN_NOT_ALLOWED,
        args=pk("export"),
        private="export_file",
        private_readers=[OWN_ADMIN],
        label="an export of admin-huddinge: the owner only, even the system administrator gets 404",
    ),
    "accessibility": expect(PUBLIC, PUBLIC),
    "audit_log": expect(only(SYSADMIN), LOGIN_THEN_NOT_ALLOWED),
    "reminder_log": expect(only(REGION), LOGIN_THEN_NOT_ALLOWED, label="the strategist and the system administrator"),
    "search": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, label="the empty search page; scoping: test_global_search"),
    "set_language": expect({ALL: 302}, {ALL: 302}, label="GET changes nothing and redirects"),
    "javascript-catalog": expect(PUBLIC, NOT_ALLOWED),
    "healthz": expect(PUBLIC, NOT_ALLOWED),
    "export_status": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, private="export", private_readers=[OWN_ADMIN]),
    # Django admin: one rule for every admin URL, checked on the index and every model's list.
    "admin:*": expect({ANON: 302, SYSADMIN: 200, ALL: 302}, {ANON: 302, SYSADMIN: 200, ALL: 302}),
    # Insatsbasen
    "insatsbasen:index": expect(
        logged_in(), logged_in(), private="insats", private_readers=[], label="a POST reads like a GET"
    ),
    "insatsbasen:create": expect(only(EDITORS), only(EDITORS)),
    "insatsbasen:detail": [
        expect(
            logged_in(),
            logged_in(),
            args=pk("insats"),
            private="insats",
            private_readers=OWN_WRITERS,
            label="published: everyone reads it, internal notes only for those who may change it",
        ),
        expect(
            {ANON: 302, OWN_WRITERS: 200, ALL: 404},
            {ANON: 302, OWN_WRITERS: 200, ALL: 404},
            args=pk("insats_archived"),
            private="insats_archived",
            private_readers=OWN_WRITERS,
            label="archived: only its own municipality and the region",
        ),
    ],
    "insatsbasen:edit": [
        expect(
            only(OWN_WRITERS),
            only(OWN_WRITERS, FORM),
            args=pk("insats"),
            private="insats",
            private_readers=OWN_WRITERS,
            label="published",
        ),
        expect(
            {ANON: 302, OWN_WRITERS: 200, ALL: 404},
            {ANON: 302, OWN_WRITERS: FORM, ALL: 404},
            args=pk("insats_archived"),
            private="insats_archived",
            private_readers=OWN_WRITERS,
            label="archived",
        ),
    ],
    "insatsbasen:verify": expect(POST_ONLY, only(OWN_WRITERS, 302), args=pk("insats")),
    "insatsbasen:texts": expect(
        only(OWN_WRITERS), only(OWN_WRITERS), args=pk("insats"), private="insats", private_readers=OWN_WRITERS
    ),
    "insatsbasen:text_edit": expect(
        only(OWN_WRITERS),
        only(OWN_WRITERS, FORM),
        args=kwargs(pk=obj_pk("insats"), language="ar"),
        private="insats",
        private_readers=OWN_WRITERS,
        label="Arabic",
    ),
    "insatsbasen:status": expect(
        POST_ONLY, only(OWN_WRITERS, 302), args=kwargs(pk=obj_pk("insats"), action="pause"), label="pause"
    ),
    "insatsbasen:scoreboard": expect(only(FOLLOW_UP), only(FOLLOW_UP)),
    "insatsbasen:statistics": expect(only(FOLLOW_UP), only(FOLLOW_UP)),
    "insatsbasen:statistics_export": expect(POST_ONLY, only(FOLLOW_UP, 302)),
    "insatsbasen:gaps": expect(only(FOLLOW_UP), only(FOLLOW_UP)),
    "insatsbasen:gaps_export": expect(POST_ONLY, only(FOLLOW_UP, 302)),
    "insatsbasen:export": expect(POST_ONLY, logged_in(302), label="the export is scoped to what the user reads"),
    "insatsbasen:import": expect(only(EDITORS), only(EDITORS)),
    "insatsbasen:import_list": expect(
        only(EDITORS), LOGIN_THEN_NOT_ALLOWED, private="import_job", private_readers=[OWN_ADMIN]
    ),
    "insatsbasen:import_job": expect(
        {ANON: 302, OWN_ADMIN: 200, ALL: 404},
        LOGIN_THEN_NOT_ALLOWED,
        args=pk("import_job"),
        private="import_job",
        private_readers=[OWN_ADMIN],
        label="an import of admin-huddinge: the owner only, even the system administrator gets 404",
    ),
    "insatsbasen:import_job_status": expect(
        {ANON: 302, OWN_ADMIN: 200, ALL: 404}, LOGIN_THEN_NOT_ALLOWED, args=pk("import_job")
    ),
    "insatsbasen:import_commit": expect(
        POST_ONLY,
        {ANON: 302, OWN_ADMIN: 302, ALL: 404},
        args=pk("import_job"),
        label="confirms the owner's checked import (its job is queued on commit)",
    ),
    # The public catalogue: published insatser for everyone, never an internal note.
    "katalog:index": expect(PUBLIC, PUBLIC, private="insats"),
    "katalog:detail": [
        expect(PUBLIC, PUBLIC, args=pk("insats"), private="insats", label="published"),
        expect({ALL: 404}, {ALL: 404}, args=pk("insats_draft"), private="insats_draft", label="a draft"),
    ],
    # The referral sheet (issue 18): public like the page it is made from; a draft has none.
    "katalog:referral": [
        expect(PUBLIC, PUBLIC, args=pk("insats"), private="insats", label="published"),
        expect({ALL: 404}, {ALL: 404}, args=pk("insats_draft"), private="insats_draft", label="a draft"),
    ],
    "katalog:referral_many": expect(PUBLIC, PUBLIC),
    "katalog:hsds_docs": expect(PUBLIC, PUBLIC),
    "katalog:hsds_services": expect(PUBLIC, PUBLIC, private="insats"),
    "katalog:hsds_service": [
        expect(PUBLIC, PUBLIC, args=kwargs(service_id=hsds_service_id("insats")), private="insats", label="published"),
        expect(
            {ALL: 404},
            {ALL: 404},
            args=kwargs(service_id=hsds_service_id("insats_draft")),
            private="insats_draft",
            label="a draft",
        ),
    ],
    "katalog:hsds_organizations": expect(PUBLIC, PUBLIC, private="insats"),
    "katalog:hsds_service_at_locations": expect(PUBLIC, PUBLIC, private="insats"),
    # Statistik: Huddinge's report is another municipality's for the Botkyrka reporter and manager.
    "statistik:index": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED),
    "statistik:overview": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, private="report_huddinge"),
    "statistik:periods": expect(only(STAT_ADMIN), only(STAT_ADMIN, FORM)),
    "statistik:catalogue": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED),
    "statistik:indicator_edit": expect(only(STAT_ADMIN), only(STAT_ADMIN), args=pk("indicator")),
    "statistik:catalogue_version_create": expect(POST_ONLY, only(STAT_ADMIN, 302)),
    # Both reports exist: GET and POST open them for those who see them. A POST by the reporter
    # starts a missing report (tests/statistik/test_validation.py); a GET never does.
    "statistik:report_start": [
        expect(
            {ANON: 302, (STAT_ADMIN, SYSADMIN): 302, ALL: 404},
            {ANON: 302, (STAT_ADMIN, SYSADMIN): 302, ALL: 404},
            args=kwargs(municipality_pk=obj_pk("huddinge"), period_pk=obj_pk("open_period")),
            label="Huddinge",
        ),
        expect(
            {ANON: 302, (REPORTER, MANAGER, STAT_ADMIN, SYSADMIN): 302, ALL: 404},
            {ANON: 302, (REPORTER, MANAGER, STAT_ADMIN, SYSADMIN): 302, ALL: 404},
            args=kwargs(municipality_pk=obj_pk("botkyrka"), period_pk=obj_pk("open_period")),
            label="Botkyrka",
        ),
    ],
    "statistik:report": [
        expect(
            {ANON: 302, (STAT_ADMIN, SYSADMIN): 200, ALL: 404},
            {ANON: 302, SYSADMIN: FORM, STAT_ADMIN: 403, ALL: 404},
            args=pk("report_huddinge"),
            private="report_huddinge",
            private_readers=(STAT_ADMIN, SYSADMIN),
            label="Huddinge, returned by the region",
        ),
        expect(
            {ANON: 302, (REPORTER, MANAGER, STAT_ADMIN, SYSADMIN): 200, ALL: 404},
            {ANON: 302, (REPORTER, SYSADMIN): FORM, (MANAGER, STAT_ADMIN): 403, ALL: 404},
            args=pk("report_botkyrka"),
            label="Botkyrka, a draft",
        ),
    ],
    "statistik:report_review": expect(
        POST_ONLY,
        {ANON: 302, STAT_ADMIN: 302, SYSADMIN: 403, ALL: 404},
        args=pk("report_huddinge"),
        private="report_huddinge",
    ),
    "statistik:report_reopen": expect(
        POST_ONLY,
        {ANON: 302, STAT_ADMIN: 302, SYSADMIN: 403, ALL: 404},
        args=pk("report_huddinge"),
        private="report_huddinge",
    ),
    "statistik:report_template": [
        expect(
            {ANON: 302, (STAT_ADMIN, SYSADMIN): 200, ALL: 404},
            LOGIN_THEN_NOT_ALLOWED,
            args=pk("report_huddinge"),
            private="report_huddinge",
            label="Huddinge",
        ),
        expect(
            {ANON: 302, (REPORTER, MANAGER, STAT_ADMIN, SYSADMIN): 200, ALL: 404},
            LOGIN_THEN_NOT_ALLOWED,
            args=pk("report_botkyrka"),
            label="Botkyrka",
        ),
    ],
    "statistik:report_upload": [
        expect(
            POST_ONLY,
            {ANON: 302, SYSADMIN: FORM, STAT_ADMIN: 403, ALL: 404},
            args=pk("report_huddinge"),
            private="report_huddinge",
            private_readers=(STAT_ADMIN, SYSADMIN),
            label="Huddinge",
        ),
        expect(
            POST_ONLY,
            {ANON: 302, (REPORTER, SYSADMIN): FORM, (MANAGER, STAT_ADMIN): 403, ALL: 404},
            args=pk("report_botkyrka"),
            label="Botkyrka",
        ),
    ],
    "statistik:dashboard": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED),
    "statistik:dashboard_indicator": expect(
        logged_in(), LOGIN_THEN_NOT_ALLOWED, args=kwargs(code=lambda world: world.objects["indicator"].code)
    ),
    "statistik:dashboard_municipality": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, args=pk("huddinge")),
    "statistik:export": expect(POST_ONLY, logged_in(302), args=kwargs(kind="statistik.overview")),
    # Uppdrag: the point is tied to Huddinge and owned by Huddinge's administrator.
    "uppdrag:index": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, private="point", private_readers=OWN_WRITERS),
    "uppdrag:actionpoint_list": expect(
        logged_in(), LOGIN_THEN_NOT_ALLOWED, private="point", private_readers=OWN_WRITERS
    ),
    "uppdrag:actionpoint_create": expect(only(REGION), only(REGION)),
    "uppdrag:actionpoint_from_decision": expect(
        only(REGION), only(REGION), args=kwargs(decision_pk=obj_pk("decision"))
    ),
    "uppdrag:actionpoint_detail": expect(
        {ANON: 302, OWN_WRITERS: 200, ALL: 404},
        LOGIN_THEN_NOT_ALLOWED,
        args=pk("point"),
        private="point",
        private_readers=OWN_WRITERS,
    ),
    "uppdrag:actionpoint_edit": expect(
        {ANON: 302, REGION: 200, OWN_ADMIN: 403, ALL: 404},
        {ANON: 302, REGION: 200, OWN_ADMIN: 403, ALL: 404},
        args=pk("point"),
        private="point",
        private_readers=OWN_WRITERS,
        label="the owner may see it, not change it in full",
    ),
    "uppdrag:actionpoint_status": expect(
        POST_ONLY, {ANON: 302, OWN_WRITERS: 302, ALL: 404}, args=pk("point"), label="the owner updates status"
    ),
    "uppdrag:actionpoint_note": expect(POST_ONLY, {ANON: 302, OWN_WRITERS: 302, ALL: 404}, args=pk("point")),
    "uppdrag:area_list": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, private="point", private_readers=OWN_WRITERS),
    "uppdrag:area_create": expect(only(REGION), only(REGION)),
    "uppdrag:area_edit": expect(only(REGION), only(REGION), args=pk("area")),
    "uppdrag:assignment_edit": expect(only(REGION), only(REGION)),
    "uppdrag:commitment_create": expect(only(REGION), only(REGION)),
    "uppdrag:commitment_edit": expect(only(REGION), only(REGION), args=pk("commitment")),
    "uppdrag:commitment_health": expect(only(REGION), only(REGION), args=pk("commitment")),
    "uppdrag:area_health": expect(only(REGION), only(REGION), args=pk("area")),
    "uppdrag:report_list": expect(only(REGION), LOGIN_THEN_NOT_ALLOWED, private="snapshot", private_readers=REGION),
    "uppdrag:report_new": expect(only(REGION), only(REGION)),
    "uppdrag:report_detail": expect(
        only(REGION), LOGIN_THEN_NOT_ALLOWED, args=pk("snapshot"), private="snapshot", private_readers=REGION
    ),
    "uppdrag:report_export": expect(POST_ONLY, only(REGION, 302), args=pk("snapshot")),
    "uppdrag:report_publish": expect(POST_ONLY, only(REGION, 302), args=pk("snapshot")),
    "uppdrag:reminder_settings": expect(logged_in(), logged_in(FORM), label="each user's own setting"),
    # Nätverk: the organisation and contact belong to Huddinge; notes are the region's only.
    "natverk:index": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED),
    "natverk:organisation_list": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, private="organisation"),
    "natverk:organisation_create": expect(only(MUNICIPAL), only(MUNICIPAL)),
    "natverk:organisation_detail": expect(
        logged_in(), LOGIN_THEN_NOT_ALLOWED, args=pk("organisation"), private="organisation", private_readers=REGION
    ),
    "natverk:organisation_edit": expect(
        only(OWN_WRITERS), only(OWN_WRITERS), args=pk("organisation"), private="organisation", private_readers=REGION
    ),
    "natverk:contact_list": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, private="contact"),
    "natverk:contact_create": expect(only(MUNICIPAL), only(MUNICIPAL)),
    "natverk:retention_review": expect(only(REGION), LOGIN_THEN_NOT_ALLOWED),
    "natverk:contact_detail": expect(
        logged_in(), LOGIN_THEN_NOT_ALLOWED, args=pk("contact"), private="contact", private_readers=REGION
    ),
    "natverk:contact_edit": expect(
        only(OWN_WRITERS), only(OWN_WRITERS), args=pk("contact"), private="contact", private_readers=REGION
    ),
    "natverk:contact_extract": expect(
        only(REGION), only(REGION, 302), args=pk("contact"), private="contact", private_readers=REGION
    ),
    "natverk:contact_anonymise": expect(
        only(REGION), only(REGION), args=pk("contact"), private="contact", private_readers=REGION
    ),
    "natverk:network_list": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED),
    "natverk:municipality_list": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED),
    "natverk:municipality_detail": expect(
        logged_in(),
        LOGIN_THEN_NOT_ALLOWED,
        args=kwargs(code="0126"),
        private="point",
        private_readers=OWN_WRITERS,
        label="Huddinge: its action point only for those who may see it",
    ),
    "natverk:network_create": expect(only(REGION), only(REGION)),
    "natverk:network_detail": expect(logged_in(), LOGIN_THEN_NOT_ALLOWED, args=pk("network")),
    "natverk:network_edit": expect(only(REGION), only(REGION), args=pk("network")),
    "natverk:membership_add": expect(only(REGION), only(REGION), args=pk("network")),
    "natverk:membership_end": expect(only(REGION), only(REGION), args=pk("membership")),
    "natverk:network_export": expect(POST_ONLY, logged_in(302), args=pk("network")),
    "natverk:meeting_create": expect(only(REGION), only(REGION), args=pk("network")),
    "natverk:meeting_detail": expect(
        logged_in(), LOGIN_THEN_NOT_ALLOWED, args=pk("meeting"), private="meeting", private_readers=ROLES[1:]
    ),
    "natverk:meeting_edit": expect(only(REGION), only(REGION), args=pk("meeting")),
}


def rules_of(name):
    entry = MATRIX[name]
    return entry if isinstance(entry, list) else [entry]


# --- Walking the URL resolver ------------------------------------------------------------------


# The walks run in five parts, one test each, so a failure names the part of the portal.
PARTS = {
    "core": lambda name: ":" not in name,
    "insatsbasen": lambda name: name.startswith(("insatsbasen:", "katalog:")),
    "statistik": lambda name: name.startswith("statistik:"),
    "uppdrag": lambda name: name.startswith("uppdrag:"),
    "natverk": lambda name: name.startswith("natverk:"),
}


def entry_for(name):
    """The matrix key that covers a URL name (Django admin's URLs share one rule)."""
    if name.startswith("admin:"):
        return "admin:*"
    return name if name in MATRIX else None


# --- The world: demo data plus objects with private text planted in them ----------------------


class World:
    def __init__(self):
        self.objects = {}
        self.secrets = {}

    def secret(self, name):
        value = f"PRIVATE-{name}-{uuid.uuid4().hex[:12]}"
        self.secrets[name] = value
        return value


def world_build():
    """The demo data and the targets of the matrix (Huddinge's unless the name says otherwise)."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from insatsbasen.models import Insats, InsatsChange
    from intro_sodertorn.demo import demo_load
    from intro_sodertorn.models import ExportJob
    from natverk.models import Contact, Decision, Meeting, Membership, Municipality, Network, Organisation
    from statistik import services as statistik_services
    from statistik.models import Indicator, Period, Report
    from tests.conftest import ensure_seed_data
    from uppdrag.models import ActionPoint, Commitment, ReportSnapshot, StrategicArea

    ensure_seed_data()
    demo_load()
    world = World()
    objects = world.objects
    users = {user.username: user for user in get_user_model().objects.filter(username__in=USERNAME.values())}
    world.users = users
    huddinge = objects["huddinge"] = Municipality.objects.get(code="0126")
    botkyrka = objects["botkyrka"] = Municipality.objects.get(code="0127")

    huddinge_insatser = Insats.objects.filter(owner_municipality=huddinge).order_by("pk")
    for name, status in (
        ("insats", Insats.Status.PUBLISHED),
        ("insats_archived", Insats.Status.PUBLISHED),
        ("insats_draft", Insats.Status.DRAFT),
    ):
        insats = huddinge_insatser.filter(status=status).exclude(pk__in=[o.pk for o in objects.values()]).first()
        insats.internal_notes = world.secret(name)
        if name == "insats_archived":
            insats.status = Insats.Status.ARCHIVED
        insats.save()
        objects[name] = insats
    # The change history holds the notes too, as insats_update records every changed field.
    InsatsChange.objects.create(
        insats=objects["insats"], field="internal_notes", old_value="", new_value=world.secrets["insats"]
    )
    objects["insats_botkyrka"] = Insats.objects.filter(owner_municipality=botkyrka).order_by("pk").first()

    objects["export"] = ExportJob.objects.create(
        user=users["admin-huddinge"],
        kind="insatsbasen.insatser",
        title=world.secret("export"),
        status=ExportJob.Status.DONE,
        file="exports/matrix/huddinge.xlsx",
        finished_at=timezone.now(),
    )
    world.secret("export_file")

    from insatsbasen.models import ImportJob

    objects["import_job"] = ImportJob.objects.create(
        user=users["admin-huddinge"],
        municipality=huddinge,
        file_name=world.secret("import_job"),
        status=ImportJob.Status.CHECKED,
        result={"file_error": "", "rows": []},
    )

    period = objects["open_period"] = Period.objects.filter(status=Period.Status.OPEN).order_by("-year").first()
    report = statistik_services.report_get_or_create(huddinge, period)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RETURNED, comment=world.secret("report_huddinge"))
    objects["report_huddinge"] = Report.objects.get(pk=report.pk)
    # Botkyrka's report is a draft its reporter may still fill in.
    report = statistik_services.report_get_or_create(botkyrka, period)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DRAFT)
    objects["report_botkyrka"] = Report.objects.get(pk=report.pk)
    objects["indicator"] = Indicator.objects.filter(kind="typed").order_by("pk").first()

    organisation = objects["organisation"] = Organisation.objects.create(
        name="Huddinge matrisenhet", municipality=huddinge, notes=world.secret("organisation")
    )
    contact = objects["contact"] = Contact.objects.create(
        name="Matris Kontaktsson",
        organisation=organisation,
        municipality=huddinge,
        email="matris.kontaktsson@huddinge.example",
        notes=world.secret("contact"),
    )
    objects["contact_botkyrka"] = Contact.objects.create(
        name="Botkyrka Kontaktsson", municipality=botkyrka, email="b.k@botkyrka.example"
    )
    network = objects["network"] = Network.objects.order_by("pk").first()
    objects["membership"] = Membership.objects.create(
        network=network, contact=contact, municipality=huddinge, valid_from=datetime.date(2020, 1, 1)
    )
    objects["meeting"] = Meeting.objects.create(
        network=network, date=datetime.date(2024, 3, 1), notes=world.secret("meeting")
    )
    objects["decision"] = Decision.objects.filter(action_point__isnull=True).order_by("pk").first()

    point = objects["point"] = ActionPoint.objects.create(
        title=world.secret("point"), owner_user=users["admin-huddinge"], due_date=datetime.date(2030, 1, 1)
    )
    point.municipalities.set([huddinge])
    objects["area"] = StrategicArea.objects.order_by("pk").first()
    objects["commitment"] = Commitment.objects.order_by("pk").first()
    snapshot = ReportSnapshot.objects.order_by("pk").first()
    snapshot.title = world.secret("snapshot")
    snapshot.save(update_fields=["title"])
    objects["snapshot"] = snapshot
    return world


# --- Fixtures shared by the matrix and the cross-municipality tests -----------------------------

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo data and the matrix's targets, built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        built = world_build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def clients(world, db):
    """A logged-in test client per role; the export file of admin-huddinge exists in this test's storage."""
    job = world.objects["export"]
    if not job.file.storage.exists(job.file.name):
        job.file.storage.save(job.file.name, ContentFile(world.secrets["export_file"].encode()))
    result = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if USERNAME[role]:
            client.force_login(world.users[USERNAME[role]])
        result[role] = client
    return result
