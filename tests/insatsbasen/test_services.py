import datetime
import io

import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from insatsbasen import imports, services
from insatsbasen.exports import build_insatser
from insatsbasen.models import Insats
from intro_sodertorn.models import ExportJob
from intro_sodertorn.xlsx import XlsxWriter


def due_insats(make_insats, name, municipality="Huddinge"):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0), tick=False):
        insats = make_insats(name, municipality=municipality, verified_days_ago=0)
    return insats  # verified 2026-01-05: due 2026-07-05


def test_review_job_sends_one_digest_per_municipality_and_never_twice(cast, make_insats):
    due_insats(make_insats, "Kurs A")
    due_insats(make_insats, "Kurs B")
    due_insats(make_insats, "Kurs C", municipality="Botkyrka")
    with time_machine.travel(datetime.date(2026, 7, 6), tick=False):
        services.review_reminders_send()
        services.review_reminders_send()
    assert len(mail.outbox) == 2
    huddinge = next(m for m in mail.outbox if "Huddinge" in m.subject)
    assert huddinge.to == ["admin-huddinge@exempel.se"] and "Kurs A" in huddinge.body and "Kurs B" in huddinge.body


def test_a_reminder_after_two_weeks_and_unverified_after_four_with_the_strategist_told(cast, make_insats):
    insats = due_insats(make_insats, "Kurs A")
    for day in (datetime.date(2026, 7, 6), datetime.date(2026, 7, 20), datetime.date(2026, 7, 21)):
        with time_machine.travel(day, tick=False):
            services.review_reminders_send()
    assert len(mail.outbox) == 2 and "Kurs A" in mail.outbox[1].body
    insats.refresh_from_db()
    assert insats.unverified_since is None
    with time_machine.travel(datetime.date(2026, 8, 3), tick=False):
        services.review_reminders_send()
        services.review_reminders_send()
    insats.refresh_from_db()
    assert insats.unverified_since == datetime.date(2026, 8, 3)
    assert len(mail.outbox) == 3 and mail.outbox[2].to == ["strateg@exempel.se"]


def test_a_verified_insats_gets_no_more_reminders(cast, make_insats):
    insats = due_insats(make_insats, "Kurs A")
    with time_machine.travel(datetime.date(2026, 7, 6), tick=False):
        services.review_reminders_send()
        services.insats_verify(insats, cast["admin-huddinge"])
    with time_machine.travel(datetime.date(2026, 7, 25), tick=False):
        services.review_reminders_send()
    assert len(mail.outbox) == 1


def test_the_task_runs_the_service(cast, make_insats):
    from insatsbasen.tasks import send_review_reminders

    due_insats(make_insats, "Kurs A")
    with time_machine.travel(datetime.date(2026, 7, 6), tick=False):
        send_review_reminders.delay()
    assert len(mail.outbox) == 1


def test_the_scoreboard_shows_shares_and_missing_admins(cast, make_insats):
    due_insats(make_insats, "Gammal")
    make_insats("Färsk")
    rows = {row["municipality"].name: row for row in services.freshness_scoreboard()}
    assert (
        rows["Huddinge"]["share"] == 50
        and rows["Huddinge"]["has_intro_admin"]
        and not rows["Huddinge"]["has_sfi_admin"]
    )
    assert rows["Botkyrka"]["has_sfi_admin"] and rows["Botkyrka"]["total"] == 0


def export_bytes(user, params=None):
    job = ExportJob.objects.create(user=user, kind="insatsbasen.insatser", title="t", params=params or {})
    writer = XlsxWriter()
    build_insatser(job, writer, lambda done, total: None)
    return writer.to_bytes()


def upload(data):
    return SimpleUploadedFile("insatser.xlsx", data)


def import_through_jobs(client, municipality, data, confirm=True):
    """Upload the file and, with ``confirm``, confirm the checked import (each job run as the commit queues it,
    Celery inline); returns the job's page after the check."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/insatser/importera/", {"municipality": municipality.pk, "file": upload(data)})
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(response["Location"])
    if confirm:
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(response["Location"] + "genomfor/")
    return page


def test_export_imports_back_unchanged(cast, make_insats, municipalities, taxonomy):
    make_insats(
        "Kurs A",
        languages=["sv", "ar"],
        funding=["kommun"],
        target_groups=[taxonomy["groups"]["unga"]],
        age_min=16,
        age_max=19,
    )
    make_insats(
        "Kurs B",
        languages=["sv"],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 6, 30),
        capacity=12,
    )
    data = export_bytes(cast["admin-huddinge"], {"municipality": str(municipalities["Huddinge"].pk)})
    result = imports.import_check(upload(data), municipalities["Huddinge"], cast["admin-huddinge"])
    assert not result.file_error and not result.errors
    assert [row.action for row in result.rows] == ["unchanged", "unchanged"]


def test_import_dry_run_shows_row_errors_and_commit_is_all_or_nothing(cast, make_insats, municipalities, client_as):
    from openpyxl import load_workbook

    make_insats("Kurs A", languages=["sv"])
    data = export_bytes(cast["admin-huddinge"])
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    header_row = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), start=1) if row[0] == "Id")
    sheet.cell(header_row + 1, 2).value = "Kurs A, ny version"
    sheet.append(
        [None, "Ny kurs", "Kort", "", "SFI", "", "", None, None, "", "sv", "", "", "Huddinge"] + [""] * 18 + ["draft"]
    )
    sheet.append(
        [None, "", "Saknar namn", "", "Okänd kategori", "", "", None, None, "", "", "", "", "Huddinge"]
        + [""] * 18
        + ["draft"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_as("admin-huddinge")
    response = import_through_jobs(client, municipalities["Huddinge"], buffer.getvalue())
    result = response.context["result"]
    assert [row.action for row in result.rows] == ["update", "create", "error"], [r.errors for r in result.rows]
    # The unknown category is named once, with the column as the file calls it (no second, technical error).
    assert [error for error in result.rows[2].errors if "ategori" in error] == ["”Okänd kategori” är okänt (Kategori)."]
    assert "Med fel: 1" in response.content.decode()
    assert Insats.objects.count() == 1 and Insats.objects.get().name == "Kurs A"


def test_a_good_import_creates_and_updates(cast, make_insats, municipalities, client_as):
    from openpyxl import load_workbook

    make_insats("Kurs A", languages=["sv"])
    workbook = load_workbook(io.BytesIO(export_bytes(cast["admin-huddinge"])))
    sheet = workbook.active
    header_row = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), start=1) if row[0] == "Id")
    sheet.cell(header_row + 1, 2).value = "Kurs A, ny version"
    sheet.append(
        [None, "Ny kurs", "Kort", "", "SFI", "", "", None, None, "", "sv", "", "", "Huddinge"] + [""] * 18 + ["draft"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_through_jobs(client_as("admin-huddinge"), municipalities["Huddinge"], buffer.getvalue())
    assert set(Insats.objects.values_list("name", flat=True)) == {"Kurs A, ny version", "Ny kurs"}
    assert Insats.objects.get(name="Ny kurs").languages == ["sv"]


def test_a_bad_file_gets_a_clear_swedish_message(client_as, municipalities):
    response = client_as("admin-huddinge").post(
        "/insatser/importera/",
        {"municipality": municipalities["Huddinge"].pk, "file": SimpleUploadedFile("x.xlsx", b"inte excel")},
    )
    assert "Excel" in str(response.context["form"].errors["file"])


def test_import_for_another_municipality_is_refused(client_as, municipalities):
    response = client_as("admin-huddinge").post(
        "/insatser/importera/",
        {"municipality": municipalities["Botkyrka"].pk, "file": SimpleUploadedFile("x.xlsx", b"x")},
    )
    assert "municipality" in response.context["form"].errors


def test_the_list_export_starts_an_export_job_scoped_to_the_user(client_as, make_insats):
    make_insats("Kurs A")
    response = client_as("lasare").post("/insatser/exportera/", {"q": "kurs"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.kind == "insatsbasen.insatser" and job.params == {"q": "kurs"}
