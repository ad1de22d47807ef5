"""Which pages the accessibility tests visit, as whom, and how to show a form with errors.

Every named URL of the portal appears here: in CASES (a page, with the role that uses it)
or in NOT_PAGES (with the reason it is not a page: a download, a POST-only action, JSON).
Objects come from the demo data, which the test loads first.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

# The demo's KIS years end last year (statistik.demo.demo_years): the last four of them, women.
_LAST_YEAR = datetime.date.today().year - 1
DEMO_YEARS_QUERY = f"?fran={_LAST_YEAR - 3}&till={_LAST_YEAR}&kon=K"


@dataclass
class Case:
    user: str | None
    kwargs: Callable[[], dict] | None = None
    query: str = ""
    action: Callable | None = None
    label: str = ""


def submit_empty(selector="main form [type=submit]"):
    """Submit the page's main form as it is, to show the form with its errors."""

    def action(page):
        # Skip the browser's own checks of required fields so the server's messages show.
        page.evaluate("document.querySelectorAll('main form').forEach(form => form.noValidate = true)")
        page.locator(selector).first.click()

    return action


def choose_filters(**choices):
    """Choose options of the page's filter form (``field="option label"``, or the value for ``sprak``) and send it."""

    def action(page):
        for field, choice in choices.items():
            option = {"value": choice} if field == "sprak" else {"label": choice}
            page.select_option(f"#id_{field}", **option)
        with page.expect_navigation():
            page.locator("main form[role=search] [type=submit]").first.click()

    return action


def first(model_path, **filters):
    """kwargs {"pk": id} of the first object of a model (``"app.Model"``) matching the filters."""

    def kwargs():
        from django.apps import apps

        model = apps.get_model(model_path)
        return {"pk": model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()}

    return kwargs


def botkyrka_draft_report():
    """The Botkyrka report of the latest open period (created by report_start if missing)."""
    from natverk.models import Municipality
    from statistik.models import Period

    botkyrka = Municipality.objects.get(code="0127")
    period = Period.objects.filter(status="open").order_by("-year").first()
    return {"municipality_pk": botkyrka.pk, "period_pk": period.pk}


def botkyrka_report(status):
    def kwargs():
        from statistik.models import Report

        report = Report.objects.filter(municipality__code="0127", status=status).order_by("-period__year").first()
        return {"pk": report.pk}

    return kwargs


def botkyrka():
    from natverk.models import Municipality

    return {"pk": Municipality.objects.get(code="0127").pk}


def huddinge_insats():
    from insatsbasen.models import Insats

    return {"pk": Insats.objects.filter(owner_municipality__code="0126").order_by("pk").first().pk}


def published_insats():
    from insatsbasen.models import Insats

    return {"pk": Insats.objects.published().order_by("pk").first().pk}


# The dry run of a checked import as the job stores it: a new row flagged as a probable duplicate, a changed row.
IMPORT_ROWS = [
    {
        "number": 4,
        "name": "Svenska i vardagen",
        "action": "create",
        "errors": [],
        "warnings": ["Troligen en dubblett av rad 3 i filen, som har samma namn."],
        "changes": [],
        "pk": None,
        "data": {},
    },
    {
        "number": 5,
        "name": "Språkcafé",
        "action": "update",
        "errors": [],
        "warnings": [],
        "changes": [["Kapacitet (platser)", "25", "40"], ["Intagsdatum", "", "Januari"]],
        "pk": 1,
        "data": {},
    },
]


def import_job(status):
    """kwargs {"pk": id} of an import job of admin-huddinge in ``status`` (made here: the demo has none)."""

    def kwargs():
        from django.contrib.auth import get_user_model

        from insatsbasen.models import ImportJob
        from natverk.models import Municipality

        name = f"insatser-{status}.xlsx"
        job = ImportJob.objects.filter(file_name=name).first() or ImportJob.objects.create(
            user=get_user_model().objects.get(username="admin-huddinge"),
            municipality=Municipality.objects.get(code="0126"),
            file_name=name,
            status=status,
            progress={"checking": 40}.get(status, 100),
            result={"file_error": "", "rows": IMPORT_ROWS} if status != "checking" else {},
            row_count=len(IMPORT_ROWS),
            created_count=1 if status == "done" else 0,
            updated_count=1 if status == "done" else 0,
            error="Rad 5: Insatsen har ändrats i Insatsbasen efter att filen exporterades. Ingenting har importerats."
            if status == "failed"
            else "",
        )
        return {"pk": job.pk}

    return kwargs


def referral_of_three(page):
    """The referral sheet of three published insatser, as chosen in the catalogue's results."""
    from insatsbasen.models import Insats

    pks = Insats.objects.published().order_by("pk").values_list("pk", flat=True)[:3]
    page.goto(page.url.split("?")[0] + "?" + "&".join(f"insats={pk}" for pk in pks))


def open_decision():
    from natverk.models import Decision

    return {"decision_pk": Decision.objects.filter(action_point__isnull=True).order_by("pk").first().pk}


def indicator_code():
    from statistik.models import Indicator

    return {"code": Indicator.objects.filter(kind="typed").order_by("pk").first().code}


def fill_cell_with_error(page):
    """Type a negative count into the first cell of the report and save, to show a cell error."""
    page.locator("main input[type=number], main input[inputmode=numeric]").first.fill("-3")
    page.locator("main form button[type=submit]").first.click()


CASES = {
    # Portal core
    "home": [
        Case(None),
        Case("admin-huddinge"),
        Case("admin-botkyrka"),
        Case("rapportor-botkyrka"),
        Case("introchef-botkyrka"),
        Case("statistik-region"),
        Case("strateg"),
        Case("lasare"),
        Case("admin"),
    ],
    "login": [Case(None), Case(None, action=submit_empty(), label="login with errors")],
    "password_change": [Case("lasare"), Case("lasare", action=submit_empty(), label="with errors")],
    "password_change_done": [Case("lasare")],
    "password_reset": [Case(None)],
    "password_reset_done": [Case(None)],
    "password_reset_complete": [Case(None)],
    "exports": [Case("strateg")],
    "audit_log": [Case("admin"), Case("admin", query="?kind=login_failed")],
    "reminder_log": [Case("strateg"), Case("admin", query="?typ=uppdrag.overdue")],
    "search": [
        Case("lasare"),
        Case("lasare", query="?q=sfi", label="grouped hits"),
        Case("strateg", query="?q=sfi&typ=kontakter", label="one kind in full"),
        Case("lasare", query="?q=zzxxqq", label="no hits"),
    ],
    "accessibility": [Case(None), Case(None, action=submit_empty(), label="report with errors")],
    # Insatsbasen
    "insatsbasen:index": [Case("lasare"), Case("lasare", query="?q=kurser&sortera=namn"), Case("admin-huddinge")],
    "insatsbasen:create": [
        Case("admin-huddinge"),
        Case("admin-huddinge", action=submit_empty(), label="with errors"),
    ],
    "insatsbasen:detail": [Case("lasare", huddinge_insats), Case("admin-huddinge", huddinge_insats)],
    "insatsbasen:edit": [Case("admin-huddinge", huddinge_insats)],
    "insatsbasen:texts": [Case("admin-huddinge", huddinge_insats)],
    "insatsbasen:text_edit": [Case("admin-huddinge", lambda: {**huddinge_insats(), "language": "ar"}, label="Arabic")],
    "insatsbasen:scoreboard": [Case("strateg")],
    "insatsbasen:statistics": [Case("strateg")],
    "insatsbasen:gaps": [Case("strateg"), Case("strateg", query="?language=ar&category=1", label="one language")],
    "insatsbasen:import": [Case("admin-huddinge")],
    "insatsbasen:import_list": [Case("admin-huddinge")],
    "insatsbasen:import_job": [
        Case("admin-huddinge", import_job("checking"), label="being checked"),
        Case("admin-huddinge", import_job("checked"), label="the dry run"),
        Case("admin-huddinge", import_job("done"), label="imported"),
        Case("admin-huddinge", import_job("failed"), label="failed"),
    ],
    "katalog:index": [
        Case(None),
        Case(None, query="?q=praktik"),
        Case(None, action=choose_filters(kommun="Huddinge", sprak="ar"), label="filtered"),
    ],
    "katalog:detail": [Case(None, published_insats)],
    "katalog:referral": [Case(None, published_insats)],
    "katalog:referral_many": [
        Case(None, label="nothing chosen"),
        Case(None, action=referral_of_three, label="three insatser"),
    ],
    "katalog:hsds_docs": [Case(None)],
    # Statistik
    "statistik:index": [Case("rapportor-botkyrka"), Case("statistik-region")],
    "statistik:overview": [Case("statistik-region"), Case("introchef-botkyrka")],
    "statistik:periods": [Case("statistik-region")],
    "statistik:catalogue": [Case("statistik-region"), Case("lasare")],
    "statistik:indicator_edit": [Case("statistik-region", first("statistik.Indicator"))],
    "statistik:report_start": [Case("rapportor-botkyrka", botkyrka_draft_report, label="the report form")],
    "statistik:report": [
        Case("statistik-region", botkyrka_report("approved"), label="an approved report"),
        Case("rapportor-botkyrka", botkyrka_report("approved"), label="approved, as reporter"),
    ],
    "statistik:dashboard": [Case("introchef-botkyrka"), Case("lasare", query=DEMO_YEARS_QUERY)],
    "statistik:dashboard_indicator": [Case("introchef-botkyrka", indicator_code)],
    "statistik:dashboard_municipality": [Case("introchef-botkyrka", botkyrka), Case("lasare", botkyrka)],
    # Uppdrag
    "uppdrag:index": [Case("strateg"), Case("lasare")],
    "uppdrag:actionpoint_list": [Case("strateg"), Case("strateg", query="?forsenade=1"), Case("admin-huddinge")],
    "uppdrag:actionpoint_create": [
        Case("strateg"),
        Case("strateg", action=submit_empty(), label="with errors"),
    ],
    "uppdrag:actionpoint_from_decision": [Case("strateg", open_decision)],
    "uppdrag:actionpoint_detail": [Case("strateg", first("uppdrag.ActionPoint"))],
    "uppdrag:actionpoint_edit": [Case("strateg", first("uppdrag.ActionPoint"))],
    "uppdrag:area_list": [Case("strateg"), Case("lasare")],
    "uppdrag:area_create": [Case("strateg")],
    "uppdrag:area_edit": [Case("strateg", first("uppdrag.StrategicArea"))],
    "uppdrag:assignment_edit": [Case("strateg")],
    "uppdrag:commitment_create": [Case("strateg")],
    "uppdrag:commitment_edit": [Case("strateg", first("uppdrag.Commitment"))],
    "uppdrag:commitment_health": [Case("strateg", first("uppdrag.Commitment"))],
    "uppdrag:area_health": [Case("strateg", first("uppdrag.StrategicArea"))],
    "uppdrag:report_list": [Case("strateg")],
    "uppdrag:report_new": [Case("strateg")],
    "uppdrag:report_detail": [Case("strateg", first("uppdrag.ReportSnapshot"))],
    "uppdrag:reminder_settings": [Case("admin-huddinge")],
    # Nätverk
    "natverk:index": [Case("strateg"), Case("lasare")],
    "natverk:organisation_list": [Case("lasare")],
    "natverk:organisation_create": [Case("strateg"), Case("strateg", action=submit_empty(), label="with errors")],
    "natverk:organisation_detail": [Case("strateg", first("natverk.Organisation"))],
    "natverk:organisation_edit": [Case("strateg", first("natverk.Organisation"))],
    "natverk:contact_list": [Case("lasare"), Case("admin-botkyrka")],
    "natverk:contact_create": [Case("admin-botkyrka"), Case("admin-botkyrka", action=submit_empty(), label="errors")],
    "natverk:retention_review": [Case("strateg")],
    "natverk:contact_detail": [Case("strateg", first("natverk.Contact")), Case("lasare", first("natverk.Contact"))],
    "natverk:contact_edit": [Case("strateg", first("natverk.Contact"))],
    "natverk:contact_anonymise": [Case("strateg", first("natverk.Contact"))],
    "natverk:network_list": [Case("lasare")],
    "natverk:municipality_list": [Case("lasare")],
    "natverk:municipality_detail": [
        Case("strateg", lambda: {"code": "0126"}),
        Case("introchef-botkyrka", lambda: {"code": "0127"}),
    ],
    "natverk:network_create": [Case("strateg")],
    "natverk:network_detail": [
        Case("strateg", first("natverk.Network")),
        Case("strateg", first("natverk.Network"), query="?saknas=1", label="municipalities without representative"),
    ],
    "natverk:network_edit": [Case("strateg", first("natverk.Network"))],
    "natverk:membership_add": [Case("strateg", first("natverk.Network"))],
    "natverk:membership_end": [Case("strateg", first("natverk.Membership"))],
    "natverk:meeting_create": [Case("strateg", first("natverk.Network"))],
    "natverk:meeting_detail": [Case("strateg", first("natverk.Meeting"))],
    "natverk:meeting_edit": [Case("strateg", first("natverk.Meeting"))],
}

NOT_PAGES = {
    "logout": "POST-only action",
    "password_reset_confirm": "needs a one-time token; the same template as password_change",
    "export_download": "file download",
    "set_language": "POST-only action",
    "javascript-catalog": "JavaScript",
    "healthz": "JSON health check",
    "export_status": "JSON for the export page's script",
    "insatsbasen:verify": "POST-only action",
    "insatsbasen:status": "POST-only action",
    "insatsbasen:export": "POST-only action that starts an export job",
    "insatsbasen:statistics_export": "POST-only action that starts an export job",
    "insatsbasen:gaps_export": "POST-only action that starts an export job",
    "insatsbasen:import_commit": "POST-only action that starts the import's commit job",
    "insatsbasen:import_job_status": "JSON for the import job page's script",
    "katalog:hsds_services": "JSON",
    "katalog:hsds_service": "JSON",
    "katalog:hsds_organizations": "JSON",
    "katalog:hsds_service_at_locations": "JSON",
    "statistik:report_review": "POST-only action",
    "statistik:report_reopen": "POST-only action",
    "statistik:report_template": "Excel download",
    "statistik:report_upload": "POST-only action",
    "statistik:catalogue_version_create": "POST-only action",
    "statistik:export": "POST-only action that starts an export job",
    "uppdrag:actionpoint_status": "POST-only action",
    "uppdrag:actionpoint_note": "POST-only action",
    "uppdrag:report_export": "POST-only action that starts an export job",
    "uppdrag:report_publish": "POST-only action that publishes a report and redirects to it",
    "natverk:contact_extract": "JSON download (GET) or export job (POST)",
    "natverk:network_export": "POST-only action that starts an export job",
}


# The public catalogue's pages: their language is in the URL (/katalog/en/...), not in the language cookie.
PUBLIC_PAGES = ("katalog:index", "katalog:detail", "katalog:referral", "katalog:referral_many")


def rendered(language, *, public=True, follow=False):
    """Every case of the walk through Django's test client in ``language`` (the cookie; the public catalogue's
    pages by their URL), one logged-in client per user: yields (url name, case, url, response). ``public=False``
    leaves the public catalogue's pages out."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    clients = {}
    for name, cases in sorted(CASES.items()):
        if name in PUBLIC_PAGES and not public:
            continue
        for case in cases:
            client = clients.get(case.user)
            if client is None:
                client = clients[case.user] = Client()
                if case.user:
                    client.force_login(get_user_model().objects.get(username=case.user))
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            url = reverse(name, kwargs=case.kwargs() if case.kwargs else None) + case.query
            if name in PUBLIC_PAGES and language != "sv":
                url = url.replace("/katalog/", f"/katalog/{language}/", 1)
            yield name, case, url, client.get(url, follow=follow)
