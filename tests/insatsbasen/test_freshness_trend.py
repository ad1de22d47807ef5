"""Freshness over time: a daily snapshot per municipality from the nightly job, on the statistics page and in Excel."""

import datetime
import io
import re

import time_machine
from django.core import mail
from django.utils import translation
from openpyxl import load_workbook

from insatsbasen import services, stats
from insatsbasen.exports import build_statistics
from insatsbasen.models import FreshnessSnapshot
from intro_sodertorn.models import ExportJob
from intro_sodertorn.xlsx import XlsxWriter
from natverk.models import Municipality

from .test_services import due_insats


def test_the_nightly_job_stores_one_snapshot_per_municipality_and_day_and_one_mail(cast, make_insats):
    from insatsbasen.tasks import send_review_reminders

    due_insats(make_insats, "Kurs A")  # due 2026-07-05
    with time_machine.travel(datetime.date(2026, 6, 1), tick=False):
        make_insats("Kurs B")
    with time_machine.travel(datetime.date(2026, 7, 6), tick=False):
        send_review_reminders.delay()
        send_review_reminders.delay()
    assert len(mail.outbox) == 1
    snapshots = FreshnessSnapshot.objects.filter(day=datetime.date(2026, 7, 6))
    assert snapshots.count() == Municipality.objects.members_on(datetime.date(2026, 7, 6)).count()
    huddinge = snapshots.get(municipality__name="Huddinge")
    assert (huddinge.maintained, huddinge.fresh, huddinge.share) == (2, 1, 50)
    assert snapshots.get(municipality__name="Botkyrka").share is None
    assert FreshnessSnapshot.objects.filter(municipality__name="Huddinge").count() == 1


def test_a_second_run_the_same_day_updates_the_snapshot(cast, make_insats):
    insats = due_insats(make_insats, "Kurs A")
    day = datetime.date(2026, 7, 6)
    services.freshness_snapshot_take(day)
    services.insats_verify(insats, cast["admin-huddinge"], now=datetime.datetime(2026, 7, 6, 10, tzinfo=datetime.UTC))
    services.freshness_snapshot_take(day)
    huddinge = FreshnessSnapshot.objects.get(day=day, municipality__name="Huddinge")
    assert (huddinge.maintained, huddinge.fresh) == (1, 1)


def snapshots_for_a_month(make_insats):
    """Huddinge: two insatser, one goes overdue on 2026-07-05; Botkyrka: one, always fresh."""
    due_insats(make_insats, "Kurs A")
    with time_machine.travel(datetime.date(2026, 6, 20), tick=False):
        make_insats("Kurs B")
        make_insats("Kurs C", municipality="Botkyrka")
    for offset in range(0, 29, 7):
        services.freshness_snapshot_take(datetime.date(2026, 6, 22) + datetime.timedelta(days=offset))


def test_the_trend_has_a_weekly_table_a_line_and_a_summary(cast, make_insats):
    snapshots_for_a_month(make_insats)
    with translation.override("en"):
        trend = stats.freshness_trend(today=datetime.date(2026, 7, 20))
    rows = trend["table"]["rows"]
    assert [row[0] for row in rows] == [datetime.date(2026, 6, 22), datetime.date(2026, 6, 29)] + [
        datetime.date(2026, 7, 6),
        datetime.date(2026, 7, 13),
        datetime.date(2026, 7, 20),
    ]
    header = trend["table"]["header"]
    first, last = dict(zip(header, rows[0], strict=True)), dict(zip(header, rows[-1], strict=True))
    assert (first["Maintained"], first["Verified in time"], first["All municipalities (%)"]) == (3, 3, 100)
    assert (last["All municipalities (%)"], last["Huddinge (%)"], last["Botkyrka (%)"]) == (67, 50, 100)
    assert (
        "from 100 %" in trend["summary"] and "to 67 %" in trend["summary"] and "Huddinge with 50 %" in trend["summary"]
    )
    chart = trend["chart"]
    assert len(chart["polyline"].split()) == 5
    assert chart["last"]["share"] == 67


def test_without_snapshots_the_page_says_so(client_as, db):
    page = client_as("strateg").get("/insatser/statistik/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Det finns inga mätningar ännu" in page and "<svg" not in page


def test_the_statistics_page_shows_the_chart_the_table_and_the_summary(client_as, make_insats):
    snapshots_for_a_month(make_insats)
    with time_machine.travel(datetime.date(2026, 7, 21), tick=False):
        page = client_as("introchef-botkyrka").get("/insatser/statistik/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<svg viewBox="0 0 640 240"' in page and 'aria-describedby="trend-summary"' in page
    assert "Aktualitet över tid" in page and "från 100 %" in page
    # SVG coordinates are never written the Swedish way ("12,0").
    assert 'y1="12.0"' in page and not re.search(r'(x|y|cx|cy|y1|y2)="\d+,\d', page)
    assert "Andel bekräftade i tid per kommun (%)" in page and '<th scope="col" class="num">Huddinge</th>' in page


def test_the_trend_is_exported_with_the_other_tables(cast, make_insats):
    snapshots_for_a_month(make_insats)
    job = ExportJob.objects.create(user=cast["strateg"], kind="insatsbasen.statistik", title="t", params={})
    writer = XlsxWriter()
    with time_machine.travel(datetime.date(2026, 7, 21), tick=False):
        build_statistics(job, writer, lambda done, total: None)
    workbook = load_workbook(io.BytesIO(writer.to_bytes()))
    sheet = next(ws for ws in workbook.worksheets if ws.title.startswith("Aktualitet över tid"))
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if row and row[0] == "Dag")
    assert "Huddinge (%)" in header
    assert len([row for row in values if row and isinstance(row[0], datetime.datetime | datetime.date)]) == 5
