"""The Excel import as background jobs: the upload only stores the file, a job checks it (the dry run), the user
confirms, a second job writes every row or none; only the owner sees and confirms a job."""

import datetime
import io
import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from insatsbasen import imports, tasks
from insatsbasen.models import ImportJob, Insats, InsatsChange
from intro_sodertorn.celery import app as celery_app

from .test_excel_roundtrip import append_row, export_workbook, set_cell

NEW = {"short_description": "Kort", "category": "SFI", "owner_municipality": "Huddinge", "status": "Utkast"}


def xlsx(workbook, name="insatser.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def course(make_insats):
    return make_insats("Svenska i vardagen", capacity=25, languages=["sv"])


@pytest.fixture
def good_file(cast, course, municipalities):
    """Huddinge's export with one insats changed and two new rows."""
    workbook = export_workbook(cast["admin-huddinge"], {"municipality": str(municipalities["Huddinge"].pk)})
    set_cell(workbook.active, "Svenska i vardagen", "capacity", 40)
    append_row(workbook.active, name="Helt ny kurs", **NEW)
    append_row(workbook.active, name="En till ny kurs", **NEW)
    return workbook


@pytest.fixture
def upload(client_as, municipalities, django_capture_on_commit_callbacks):
    """Upload a workbook as admin-huddinge, the check job run as the commit queues it (Celery inline)."""

    def post(workbook, client=None):
        client = client or client_as("admin-huddinge")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("insatsbasen:import"),
                {"municipality": municipalities["Huddinge"].pk, "file": xlsx(workbook)},
                HTTP_ACCEPT_LANGUAGE="sv",
            )
        assert response.status_code == 302, response.context["form"].errors
        job = ImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
        return client, job

    return post


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    def post(client, job):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("insatsbasen:import_commit", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="sv")
        job.refresh_from_db()
        return response

    return post


def test_the_upload_is_checked_by_the_job_and_the_preview_shows_what_would_happen(good_file, upload, course):
    client, job = upload(good_file)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.progress == 100
    assert (job.row_count, job.error_count) == (3, 0)
    assert not job.file, "the rows are in the job: the upload is not kept"
    page = client.get(reverse("insatsbasen:import_job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "25</del>" in page and "40</ins>" in page
    assert page.count("Blir ny insats") >= 2 and "Importera nu" in page
    assert Insats.objects.count() == 1 and Insats.objects.get().capacity == 25, "the dry run writes nothing"


def test_a_file_that_changes_nothing_says_so_and_offers_no_import(cast, course, municipalities, upload):
    workbook = export_workbook(cast["admin-huddinge"], {"municipality": str(municipalities["Huddinge"].pk)})
    client, job = upload(workbook)
    page = client.get(reverse("insatsbasen:import_job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Inget att importera: alla rader är som de redan är i Insatsbasen." in page
    assert "Importera nu" not in page


def test_confirming_imports_every_row_with_history_and_shows_the_counts(good_file, upload, confirm, course):
    client, job = upload(good_file)
    response = confirm(client, job)
    assert response.status_code == 302
    assert job.status == ImportJob.Status.DONE and (job.created_count, job.updated_count) == (2, 1)
    assert set(Insats.objects.values_list("name", flat=True)) == {
        "Svenska i vardagen",
        "Helt ny kurs",
        "En till ny kurs",
    }
    course.refresh_from_db()
    assert course.capacity == 40 and course.version == 2
    assert InsatsChange.objects.filter(field="created", reason="Import från Excel").count() == 2
    assert InsatsChange.objects.filter(insats=course, field="capacity", new_value="40").exists()
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Importen är klar: 2 skapade, 1 uppdaterade." in page


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_error_in_swedish(
    good_file, upload, confirm, course, municipalities
):
    append_row(good_file.active, name="Kurs med fel", **{**NEW, "category": "Okänd kategori"})
    client, job = upload(good_file)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.error_count == 1
    page = client.get(reverse("insatsbasen:import_job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "”Okänd kategori” är okänt (Kategori)." in page
    assert "1 rad har fel." in page and "Importera nu" not in page

    response = confirm(client, job)  # the button is not there, but a forged POST is refused too
    assert job.status == ImportJob.Status.CHECKED
    assert Insats.objects.count() == 1 and Insats.objects.get().capacity == 25
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Den här importen väntar inte på att bekräftas." in page


def test_a_row_that_went_wrong_since_the_check_rejects_the_whole_commit(good_file, upload, confirm, course):
    client, job = upload(good_file)
    Insats.objects.filter(pk=course.pk).update(version=7)  # someone saved it after the export
    confirm(client, job)
    assert job.status == ImportJob.Status.FAILED
    assert "Insatsen har ändrats i Insatsbasen efter att filen exporterades." in job.error
    assert "Ingenting har importerats." in job.error
    assert Insats.objects.count() == 1, "nothing half-saved: the two new rows are not there either"
    assert not InsatsChange.objects.exists()
    page = client.get(reverse("insatsbasen:import_job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Ingenting importerades." in page


def test_a_commit_task_delivered_twice_imports_once(good_file, upload, course):
    _client, job = upload(good_file)
    assert imports.import_job_commit_start(job)
    tasks.commit_import.run(str(job.pk))
    tasks.commit_import.run(str(job.pk))  # a redelivery (acks_late) finds the job done
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 2
    assert Insats.objects.filter(name="Helt ny kurs").count() == 1
    assert not imports.import_job_commit_start(job), "a done job is not committed again"


def test_a_check_task_delivered_again_after_the_check_changes_nothing(good_file, upload):
    _client, job = upload(good_file)
    job.refresh_from_db()
    checked_at = job.checked_at
    tasks.check_import.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.checked_at == checked_at


def test_only_the_owner_sees_and_confirms_a_job(good_file, upload, client_as, cast):
    _client, job = upload(good_file)
    for username in ("admin-botkyrka", "strateg", "lasare"):
        other = client_as(username)
        assert other.get(reverse("insatsbasen:import_job", args=[job.pk])).status_code == 404
        assert other.get(reverse("insatsbasen:import_job_status", args=[job.pk])).status_code == 404
        assert other.post(reverse("insatsbasen:import_commit", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED


def test_an_owner_who_is_no_longer_an_editor_of_the_municipality_cannot_confirm(good_file, upload, cast):
    client, job = upload(good_file)
    cast["admin-huddinge"].roles.all().delete()
    assert client.get(reverse("insatsbasen:import_job", args=[job.pk])).status_code == 403
    assert client.post(reverse("insatsbasen:import_commit", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and Insats.objects.count() == 1


def test_my_imports_lists_only_my_own_jobs(good_file, upload, client_as):
    client, job = upload(good_file)
    page = client.get(reverse("insatsbasen:import_list"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert reverse("insatsbasen:import_job", args=[job.pk]) in page and "3 rader att bekräfta" in page
    other = client_as("admin-botkyrka").get(reverse("insatsbasen:import_list")).content.decode()
    assert str(job.pk) not in other
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CHECKING, progress=40)
    page = client.get(reverse("insatsbasen:import_list"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Kontrolleras</span> 40 %" in page


def test_the_status_url_tells_the_script_how_far_the_job_is(good_file, upload):
    client, job = upload(good_file)
    answer = client.get(reverse("insatsbasen:import_job_status", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="sv").json()
    assert answer == {
        "status": "checked",
        "working": False,
        "progress": 100,
        "label": "Kontrollerad, väntar på din bekräftelse",
    }


def test_a_plainly_wrong_file_is_refused_in_the_request_without_a_job(client_as, municipalities):
    client = client_as("admin-huddinge")
    for name, data, message in [
        ("x.xlsx", b"inte excel alls", "inte en Excelarbetsbok"),
        ("x.xls", b"PK\x03\x04", "måste vara en Excelarbetsbok (.xlsx)"),
        ("x.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "lösenordsskyddad"),
    ]:
        response = client.post(
            reverse("insatsbasen:import"),
            {"municipality": municipalities["Huddinge"].pk, "file": SimpleUploadedFile(name, data)},
            HTTP_ACCEPT_LANGUAGE="sv",
        )
        assert message in str(response.context["form"].errors["file"]), name
    assert not ImportJob.objects.exists()


def test_without_the_queue_the_upload_says_so_and_makes_no_job(good_file, client_as, municipalities, monkeypatch):
    monkeypatch.setattr(imports, "import_queue_available", lambda: False)
    response = client_as("admin-huddinge").post(
        reverse("insatsbasen:import"),
        {"municipality": municipalities["Huddinge"].pk, "file": xlsx(good_file)},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 200
    assert "bakgrundstjänsten inte var tillgänglig" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_damaged_workbook_fails_in_the_job_with_a_swedish_message(
    client_as, municipalities, django_capture_on_commit_callbacks
):
    client = client_as("admin-huddinge")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insatsbasen:import"),
            {"municipality": municipalities["Huddinge"].pk, "file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken")},
            HTTP_ACCEPT_LANGUAGE="sv",
        )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("insatsbasen:import_job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "skadad" in job.error and not job.file
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert job.error in page and "Ingenting importerades." in page


def test_steps_whose_message_was_lost_are_queued_again(
    good_file, course, client_as, municipalities, django_capture_on_commit_callbacks
):
    client = client_as("admin-huddinge")
    # The upload's on-commit callback never runs here: its message is lost.
    client.post(reverse("insatsbasen:import"), {"municipality": municipalities["Huddinge"].pk, "file": xlsx(good_file)})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED
    assert tasks.recover_stalled_imports.run() == 0, "not waiting long enough to be lost"
    long_ago = timezone.now() - imports.STALLED - datetime.timedelta(minutes=1)
    ImportJob.objects.update(created_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recover_stalled_imports.run() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED

    assert imports.import_job_commit_start(job)  # its message lost as well
    ImportJob.objects.update(started_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recover_stalled_imports.run() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 2
    assert tasks.recover_stalled_imports.run() == 0


def test_old_jobs_and_their_uploads_are_purged(cast, municipalities, settings):
    job = ImportJob(user=cast["admin-huddinge"], municipality=municipalities["Huddinge"], file_name="x.xlsx")
    job.file.save("x.xlsx", SimpleUploadedFile("x.xlsx", b"PK"), save=False)
    job.save()
    path = job.file.path
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=15))
    assert tasks.purge_old_imports.run() == 1
    assert not ImportJob.objects.exists() and not os.path.exists(path)


# --- On the real broker, with a real worker ------------------------------------------------------------------------


@pytest.fixture
def celery_on_redis():
    """Tasks go to the Redis broker of the test run; ``worker()`` starts a real Celery worker thread on it."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: run through `make test`")
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = os.environ["REDIS_URL"]
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(celery_app.conf.task_default_queue)
    yield lambda: start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10)
    celery_app.conf.task_always_eager = True


def wait_for(job, *statuses, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"the job is still {job.status}")


@pytest.mark.django_db(transaction=True)
def test_upload_check_and_commit_run_through_a_real_worker_and_the_upload_request_reads_no_rows(
    cast, course, client_as, municipalities, celery_on_redis
):
    workbook = export_workbook(cast["admin-huddinge"], {"municipality": str(municipalities["Huddinge"].pk)})
    append_row(workbook.active, name="Helt ny kurs", **NEW)
    client = client_as("admin-huddinge")
    started = time.monotonic()
    response = client.post(
        reverse("insatsbasen:import"), {"municipality": municipalities["Huddinge"].pk, "file": xlsx(workbook)}
    )
    assert response.status_code == 302 and time.monotonic() - started < 2
    job = ImportJob.objects.get()
    # No worker yet: the request stored the file and queued the check, and read no row of it.
    assert job.status == ImportJob.Status.QUEUED and job.result == {} and job.row_count == 0 and job.file
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert 'role="status"' in page and "Uppdatera sidan" in page and "import_job.js" in page

    with celery_on_redis():
        wait_for(job, ImportJob.Status.CHECKED, ImportJob.Status.FAILED)
        assert job.status == ImportJob.Status.CHECKED and (job.row_count, job.error_count) == (2, 0), job.error
        assert client.post(reverse("insatsbasen:import_commit", args=[job.pk])).status_code == 302
        wait_for(job, ImportJob.Status.DONE, ImportJob.Status.FAILED)
    assert job.status == ImportJob.Status.DONE and (job.created_count, job.updated_count) == (1, 0), job.error
    assert Insats.objects.filter(name="Helt ny kurs").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_job_page_follows_the_job_and_shows_the_dry_run_without_a_reload(page, live_server, cast, municipalities):
    job = ImportJob.objects.create(
        user=cast["admin-huddinge"],
        municipality=municipalities["Huddinge"],
        file_name="insatser.xlsx",
        status=ImportJob.Status.CHECKING,
        progress=30,
    )
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill("admin-huddinge")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + reverse("insatsbasen:import_job", args=[job.pk]))
    assert page.locator("#import-progress").get_attribute("value") == "30"
    page.evaluate("window.notReloaded = true")

    ImportJob.objects.filter(pk=job.pk).update(progress=60)
    expect(page.locator("#import-progress")).to_have_attribute("value", "60")  # the script set it
    row = {"number": 2, "name": "Helt ny kurs", "action": "create", "errors": [], "warnings": [], "changes": []}
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.CHECKED, progress=100, row_count=1, result={"rows": [{**row, "pk": None, "data": {}}]}
    )
    page.get_by_role("button", name="Importera nu").wait_for()
    assert page.locator("#import-status").inner_text() == "Kontrollerad, väntar på din bekräftelse"
    assert "Helt ny kurs" in page.locator("#import-job").inner_text()
    assert page.evaluate("window.notReloaded") is True, "the content was replaced, the page not reloaded"
