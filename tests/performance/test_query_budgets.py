"""Query budgets: every list, detail and dashboard page issues as many SQL queries at five times the data.

Each app's pages are opened, as the role that uses them, on a small seeded dataset and again after
four times as much has been added (``largedata.seed`` of every app). A page whose number of queries
grows with the data has an N+1 (a query per row): the test names it with both counts.

The pages come from walking the URL patterns: a GET page without a case in BUDGETS (or a reason in
NOT_BUDGETED why it is not a list, detail or dashboard page) fails
``test_every_page_has_a_query_budget_or_a_reason``, so a page added later cannot be forgotten.
Detail pages open the busiest object of their kind at each size (the most members, values, links),
so what grows with the data grows on the page too.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insatsbasen import largedata as insatsbasen_data
from natverk import largedata as natverk_data
from statistik import largedata as statistik_data
from tests.accessibility.cases import import_job
from tests.url_walk import portal_url_names
from uppdrag import largedata as uppdrag_data

# The small size; the large one adds four times as much again.
SMALL = {"contacts": 8, "meetings": 3, "insatser": 8, "years": 2, "action_points": 8}


@dataclass
class Case:
    user: str | None
    kwargs: object = None  # a function returning the URL kwargs, evaluated at each size
    query: str = ""


def busiest(model_path, related, **filters):
    """kwargs {"pk": id} of the object with the most ``related`` rows (the newest among equals)."""

    def kwargs():
        from django.apps import apps

        model = apps.get_model(model_path)
        queryset = model.objects.filter(**filters).annotate(busy=Count(related, distinct=True))
        return {"pk": queryset.order_by("-busy", "-pk").values_list("pk", flat=True).first()}

    return kwargs


def botkyrka_approved_report():
    from statistik.models import Report

    report = Report.objects.filter(municipality__code="0127", status="approved").order_by("-period__year").first()
    return {"pk": report.pk}


def botkyrka():
    from natverk.models import Municipality

    return {"pk": Municipality.objects.get(code="0127").pk}


def key_indicator():
    from statistik.models import Indicator

    return {"code": Indicator.objects.filter(kind="typed", breakdown="sex").order_by("pk").first().code}


def fresh_steering_report():
    """A steering-group report of the last five years, saved now: it freezes every action point of them."""
    from django.contrib.auth import get_user_model

    from uppdrag import services
    from uppdrag.models import Assignment

    today = datetime.date.today()
    report = services.report_snapshot_create(
        Assignment.current(),
        get_user_model().objects.get(username="strateg"),
        "Lägesrapport",
        today - datetime.timedelta(days=5 * 365),
        today,
    )
    return {"pk": report.pk}


BUDGETS = {
    # Portal core: the home page is every role's dashboard.
    "home": [Case("strateg"), Case("admin-huddinge"), Case("statistik-region"), Case("lasare")],
    "exports": [Case("strateg")],
    "audit_log": [Case("admin")],
    "reminder_log": [Case("strateg")],
    "search": [Case("lasare", query="?q=sfi"), Case("strateg", query="?q=an&typ=kontakter")],
    # Insatsbasen
    "insatsbasen:index": [
        Case("lasare"),
        Case("admin-huddinge"),
        Case("strateg", query="?q=kurser"),
        Case("strateg", query="?sortera=granskning"),
    ],
    "insatsbasen:detail": [
        Case("lasare", busiest("insatsbasen.Insats", "changes", status="published")),
        Case("admin-huddinge", busiest("insatsbasen.Insats", "changes", owner_municipality__code="0126")),
    ],
    "insatsbasen:scoreboard": [Case("strateg")],
    "insatsbasen:statistics": [Case("strateg")],
    "insatsbasen:gaps": [Case("strateg")],
    "insatsbasen:import_list": [Case("admin-huddinge")],
    "insatsbasen:import_job": [Case("admin-huddinge", import_job("checked"))],
    "katalog:index": [Case(None), Case(None, query="?q=praktik")],
    "katalog:detail": [Case(None, busiest("insatsbasen.Insats", "places", status="published"))],
    "katalog:referral": [Case(None, busiest("insatsbasen.Insats", "places", status="published"))],
    # Statistik
    "statistik:index": [Case("rapportor-botkyrka"), Case("statistik-region")],
    "statistik:overview": [Case("statistik-region"), Case("introchef-botkyrka")],
    "statistik:periods": [Case("statistik-region")],
    "statistik:catalogue": [Case("statistik-region")],
    "statistik:report": [Case("statistik-region", botkyrka_approved_report)],
    "statistik:dashboard": [Case("introchef-botkyrka"), Case("lasare", query="?kon=K")],
    "statistik:dashboard_indicator": [Case("introchef-botkyrka", key_indicator)],
    "statistik:dashboard_municipality": [Case("introchef-botkyrka", botkyrka), Case("lasare", botkyrka)],
    # Uppdrag
    "uppdrag:index": [Case("strateg"), Case("lasare")],
    "uppdrag:actionpoint_list": [
        Case("strateg"),
        Case("strateg", query="?forsenade=1"),
        Case("admin-huddinge"),
        Case("lasare"),
    ],
    "uppdrag:actionpoint_detail": [Case("strateg", busiest("uppdrag.ActionPoint", "journal"))],
    "uppdrag:area_list": [Case("strateg"), Case("lasare")],
    "uppdrag:report_list": [Case("strateg")],
    "uppdrag:report_detail": [Case("strateg", fresh_steering_report)],
    # Nätverk
    "natverk:index": [Case("strateg"), Case("lasare")],
    "natverk:organisation_list": [Case("lasare")],
    "natverk:organisation_detail": [Case("strateg", busiest("natverk.Organisation", "contacts"))],
    "natverk:contact_list": [Case("lasare"), Case("admin-botkyrka")],
    "natverk:retention_review": [Case("strateg")],
    "natverk:contact_detail": [Case("strateg", busiest("natverk.Contact", "attendances"))],
    "natverk:network_list": [Case("lasare")],
    "natverk:municipality_list": [Case("lasare")],
    "natverk:municipality_detail": [
        Case("strateg", lambda: {"code": "0126"}),
        Case("introchef-botkyrka", lambda: {"code": "0127"}),
    ],
    "natverk:network_detail": [
        Case("strateg", busiest("natverk.Network", "memberships")),
        Case("strateg", busiest("natverk.Network", "memberships"), query="?saknas=1"),
    ],
    "natverk:meeting_detail": [Case("strateg", busiest("natverk.Meeting", "attendances"))],
}

FORM = "a form for one object: its queries do not depend on how much data there is"
NOT_BUDGETED = {
    "login": FORM,
    "logout": "POST-only action",
    "password_change": FORM,
    "password_change_done": "a static confirmation",
    "password_reset": FORM,
    "password_reset_done": "a static confirmation",
    "password_reset_confirm": FORM,
    "password_reset_complete": "a static confirmation",
    "export_download": "file download",
    "set_language": "POST-only action",
    "javascript-catalog": "JavaScript",
    "healthz": "health check: one fixed query, no list",
    "export_status": "JSON for the export page's script: one query for at most 100 jobs named by id",
    "accessibility": FORM,
    "insatsbasen:create": FORM,
    "insatsbasen:edit": FORM,
    "insatsbasen:texts": FORM,
    "insatsbasen:text_edit": FORM,
    "insatsbasen:verify": "POST-only action",
    "insatsbasen:status": "POST-only action",
    "insatsbasen:export": "POST-only action that starts an export job",
    "insatsbasen:statistics_export": "POST-only action that starts an export job",
    "insatsbasen:gaps_export": "POST-only action that starts an export job",
    "insatsbasen:import": "an upload form",
    "insatsbasen:import_commit": "POST-only action that starts the import's commit job",
    "insatsbasen:import_job_status": "JSON for the import job page's script: one job, read by its id",
    "katalog:referral_many": "at most REFERRAL_MAX (5) chosen insatser, each as on katalog:referral (budgeted)",
    "katalog:hsds_docs": "static documentation",
    "katalog:hsds_services": "JSON API, paginated",
    "katalog:hsds_service": "JSON API, one service; tests/insatsbasen/test_hsds.py",
    "katalog:hsds_organizations": "JSON API, paginated; tests/insatsbasen/test_hsds.py",
    "katalog:hsds_service_at_locations": "JSON API, paginated; tests/insatsbasen/test_hsds.py",
    "statistik:indicator_edit": FORM,
    "statistik:catalogue_version_create": "POST-only action",
    "statistik:report_start": "redirects to the report page, which has a budget, or shows one start button",
    "statistik:report_review": "POST-only action",
    "statistik:report_reopen": "POST-only action",
    "statistik:report_template": "Excel download",
    "statistik:report_upload": "POST-only action",
    "statistik:export": "POST-only action that starts an export job",
    "uppdrag:actionpoint_create": FORM,
    "uppdrag:actionpoint_from_decision": FORM,
    "uppdrag:actionpoint_edit": FORM,
    "uppdrag:actionpoint_status": "POST-only action",
    "uppdrag:actionpoint_note": "POST-only action",
    "uppdrag:area_create": FORM,
    "uppdrag:area_edit": FORM,
    "uppdrag:assignment_edit": FORM,
    "uppdrag:commitment_create": FORM,
    "uppdrag:commitment_edit": FORM,
    "uppdrag:commitment_health": FORM,
    "uppdrag:area_health": FORM,
    "uppdrag:report_new": "a form with a preview of the report, whose content the report detail budgets",
    "uppdrag:report_export": "POST-only action that starts an export job",
    "uppdrag:report_publish": "POST-only action that publishes a report (one e-mail per member) and redirects",
    "uppdrag:reminder_settings": FORM,
    "natverk:organisation_create": FORM,
    "natverk:organisation_edit": FORM,
    "natverk:contact_create": FORM,
    "natverk:contact_edit": FORM,
    "natverk:contact_extract": "JSON download (GET) or export job (POST)",
    "natverk:contact_anonymise": "a confirmation form for one contact",
    "natverk:network_create": FORM,
    "natverk:network_edit": FORM,
    "natverk:membership_add": FORM,
    "natverk:membership_end": FORM,
    "natverk:network_export": "POST-only action that starts an export job",
    "natverk:meeting_create": FORM,
    "natverk:meeting_edit": FORM,
}


def test_every_page_has_a_query_budget_or_a_reason():
    missing = sorted(portal_url_names() - set(BUDGETS) - set(NOT_BUDGETED))
    assert not missing, "Add a query budget (tests/performance/test_query_budgets.py) for: " + ", ".join(missing)


def test_no_budget_names_a_url_that_no_longer_exists():
    stale = sorted((set(BUDGETS) | set(NOT_BUDGETED)) - portal_url_names())
    assert not stale, "Remove budgets for URLs that are gone: " + ", ".join(stale)


def seed(factor):
    """Add ``factor`` times the small size in every app (they refer to each other: contacts, insatser...)."""
    natverk_data.seed(SMALL["contacts"] * factor, meetings=SMALL["meetings"] * factor)
    insatsbasen_data.seed(SMALL["insatser"] * factor)
    statistik_data.seed(SMALL["years"] * factor)
    uppdrag_data.seed(SMALL["action_points"] * factor)


def count_queries(client, name, case):
    url = reverse(name, kwargs=case.kwargs() if case.kwargs else None) + case.query
    client.get(url)  # warm up what is loaded once per process (translations, content types)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{name} {case.query} as {case.user}: HTTP {response.status_code}"
    return len(captured.captured_queries), [query["sql"] for query in captured.captured_queries]


def app_of(name):
    prefix = name.split(":")[0] if ":" in name else "portal"
    return {"katalog": "insatsbasen"}.get(prefix, prefix)


def measure(app, clients):
    counts = {}
    for name, cases in BUDGETS.items():
        if app_of(name) != app:
            continue
        for number, case in enumerate(cases):
            counts[(name, number, case.user, case.query)] = count_queries(clients(case.user), name, case)
    return counts


@pytest.mark.django_db
@pytest.mark.parametrize("app", ["portal", "insatsbasen", "statistik", "uppdrag", "natverk"])
def test_pages_issue_as_many_queries_with_five_times_the_data(app, cast, client_as, anonymous_client):
    from intro_sodertorn.models import DemoData

    DemoData.objects.create()  # every page then says the data is fictitious, as on a seeded server
    made = {}

    def clients(username):
        if username not in made:
            made[username] = client_as(username) if username else anonymous_client
        return made[username]

    seed(1)
    small = measure(app, clients)
    seed(4)
    large = measure(app, clients)
    grown = {
        page: (small[page][0], large[page][0], large[page][1]) for page in small if small[page][0] != large[page][0]
    }
    assert small, f"No budgeted page in {app}"
    assert not grown, "Pages whose queries grow with the data (small → five times larger):\n" + "\n".join(
        f"{name} {query} as {user}: {before} → {after}\n    " + "\n    ".join(sql[:200] for sql in statements[:30])
        for (name, _number, user, query), (before, after, statements) in grown.items()
    )
