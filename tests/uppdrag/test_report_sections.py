"""The report's activities, insatsbasen and KIS sections: read from the other apps, frozen with the report."""

import datetime

from django.urls import reverse

from insatsbasen.models import Insats, InsatsChange
from natverk.models import Meeting, Network
from uppdrag import report_sections
from uppdrag.models import ReportSnapshot

START, END = datetime.date(2026, 9, 1), datetime.date(2026, 11, 30)


def test_the_activities_start_from_the_periods_meetings(db):
    network = Network.objects.create(name="Södertörns SFI-nätverk")
    Meeting.objects.create(
        network=network, date=datetime.date(2026, 10, 5), place="Huddinge", agenda="Omställningen\nÖvrigt"
    )
    Meeting.objects.create(network=network, date=datetime.date(2026, 8, 5), agenda="Före perioden")
    text = report_sections.activities_text(START, END)
    assert text == "1. 2026-10-05 Södertörns SFI-nätverk (Huddinge): Omställningen"


def test_the_strategist_edits_the_activities_and_the_report_opens_with_them(client_as, points):
    client = client_as("strateg")
    form = client.get("/uppdrag/rapporter/ny/")
    assert "activities" in form.context["form"].fields
    client.post(
        "/uppdrag/rapporter/ny/",
        {
            "title": "Rapport",
            "period_start": START.isoformat(),
            "period_end": END.isoformat(),
            "activities": "1. Uppdaterat webbplatsen\n3. SKL:s konferens 26-27/2",
            "save": "1",
        },
    )
    snapshot = ReportSnapshot.objects.get()
    html = client.get(reverse("uppdrag:report_detail", args=[snapshot.pk])).content.decode()
    assert "Aktiviteter under perioden" in html
    assert '<li value="3">SKL:s konferens 26-27/2</li>' in html
    assert html.index("Aktiviteter under perioden") < html.index("Läget i korthet")


def test_the_insatsbasen_section_counts_freshness_new_and_ended(db, municipalities):
    import importlib

    import time_machine
    from django.apps import apps

    importlib.import_module("insatsbasen.migrations.0002_seed_taxonomy").seed(apps, None)
    from insatsbasen.models import Category

    category = Category.objects.first()

    def insats(name, municipality, due, created):
        with time_machine.travel(datetime.datetime.combine(created, datetime.time(9)), tick=False):
            return Insats.objects.create(
                name=name,
                short_description=name,
                category=category,
                owner_municipality=municipalities[municipality],
                status=Insats.Status.PUBLISHED,
                review_due_on=due,
            )

    insats("Gammal och färsk", "Huddinge", END + datetime.timedelta(days=30), datetime.date(2025, 1, 10))
    insats("Gammal och sen", "Huddinge", END - datetime.timedelta(days=3), datetime.date(2025, 1, 10))
    insats("Ny i perioden", "Botkyrka", END + datetime.timedelta(days=90), datetime.date(2026, 10, 1))
    ended = insats("Avslutad", "Botkyrka", END, datetime.date(2025, 3, 1))
    ended.status = Insats.Status.ARCHIVED
    ended.save()
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9), tick=False):
        InsatsChange.objects.create(insats=ended, field="status", old_value="published", new_value="archived")

    section = report_sections.insatsbasen_section(START, END)
    rows = {row["municipality"]: row for row in section["rows"]}
    assert rows["Huddinge"] == {
        "municipality": "Huddinge",
        "active": 2,
        "due": 1,
        "fresh_percent": 50,
        "new": 0,
        "ended": 0,
    }
    assert rows["Botkyrka"]["active"] == 1 and rows["Botkyrka"]["new"] == 1 and rows["Botkyrka"]["ended"] == 1
    assert section["new"] == [{"name": "Ny i perioden", "municipality": "Botkyrka"}]
    assert section["new_total"] == 1 and section["ended_total"] == 1
    assert "Salem" not in rows  # nothing there: no row


def test_the_kis_section_shows_who_reported_which_period(db, municipalities):
    from statistik import services as statistik_services
    from statistik.models import Period, Report

    Report.objects.all().delete()
    Period.objects.all().delete()
    older = Period.objects.create(year=2025, deadline=datetime.date(2026, 3, 31), status="closed")
    latest = Period.objects.create(year=2026, half=1, deadline=datetime.date(2026, 9, 30))
    Period.objects.create(year=2027, deadline=datetime.date(2028, 3, 31))  # begins after the report period
    for period, status in ((older, "approved"), (latest, "submitted")):
        report = statistik_services.report_get_or_create(municipalities["Huddinge"], period)
        Report.objects.filter(pk=report.pk).update(status=status)
    section = report_sections.kis_section(END)
    assert section["periods"] == ["2025", "2026 H1"]
    rows = {row["municipality"]: row["statuses"] for row in section["rows"]}
    assert rows["Huddinge"] == ["approved", "submitted"]
    assert rows["Botkyrka"] == ["", ""]
