"""The export framework: a job runs through a real Celery worker on Redis; only the owner downloads."""

import io
import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from intro_sodertorn.celery import app as celery_app
from intro_sodertorn.exports import export_run, export_start, register_export
from intro_sodertorn.models import ExportJob


@register_export("tests.municipalities")
def build_municipalities(job, writer, progress):
    from natverk.models import Municipality

    sheet = writer.add_sheet("Kommuner", header=["Namn", "Kod"], preamble=[f"Beställd av {job.user.username}"])
    rows = list(Municipality.objects.order_by("code"))
    for index, municipality in enumerate(rows, start=1):
        sheet.append([municipality.name, municipality.code])
        progress(index, len(rows))
    sheet.append(['=HYPERLINK("http://example.org")', "+1"])
    return "kommuner.xlsx"


@register_export("tests.broken")
def build_broken(job, writer, progress):
    raise RuntimeError("the builder broke")


@pytest.fixture
def celery_worker_on_redis(settings):
    """A real Celery worker thread consuming from the Redis broker the tests started."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: run through `make test`")
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = os.environ["REDIS_URL"]
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def start_export(django_capture_on_commit_callbacks):
    """Start an export and run the queued task as the commit would (Celery inline)."""

    def start(user, kind, title):
        with django_capture_on_commit_callbacks(execute=True):
            return export_start(user, kind, title)

    return start


@pytest.mark.django_db(transaction=True)
def test_an_export_job_runs_through_a_real_worker_and_mails_the_owner(cast, celery_worker_on_redis):
    from django.db import transaction

    with transaction.atomic():
        job = export_start(cast["strateg"], "tests.municipalities", "Kommunerna")
    assert job.status == ExportJob.Status.QUEUED

    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)

    assert job.status == ExportJob.Status.DONE, job.error
    assert job.progress == 100
    assert job.started_at is not None and job.finished_at >= job.started_at
    workbook = load_workbook(job.file.path)
    rows = list(workbook["Kommuner"].iter_rows(values_only=True))
    assert rows[0] == ("Beställd av strateg", None)
    assert rows[2] == ("Namn", "Kod")
    assert rows[3] == ("Värmdö", "0120")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast["strateg"].email]
    assert "Kommunerna" in mail.outbox[0].subject


@pytest.mark.django_db
def test_formula_like_text_is_written_as_escaped_text(cast, start_export):
    job = start_export(cast["strateg"], "tests.municipalities", "Kommunerna")
    job.refresh_from_db()
    workbook = load_workbook(job.file.path)
    last = list(workbook["Kommuner"].iter_rows())[-1]
    assert last[0].value == '\'=HYPERLINK("http://example.org")'
    assert last[0].data_type == "s"
    assert last[1].value == "'+1"


@pytest.mark.django_db
def test_a_failing_builder_marks_the_job_failed_and_says_so(cast, start_export):
    job = start_export(cast["lasare"], "tests.broken", "Trasig")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "the builder broke" in job.error
    assert "misslyckades" in mail.outbox[0].subject


@pytest.mark.django_db
def test_running_a_finished_job_again_changes_nothing(cast, start_export):
    job = start_export(cast["strateg"], "tests.municipalities", "Kommunerna")
    job.refresh_from_db()
    finished_at = job.finished_at
    export_run(job.pk)
    job.refresh_from_db()
    assert job.finished_at == finished_at
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_only_the_owner_can_download_an_export(cast, client_as, start_export):
    job = start_export(cast["strateg"], "tests.municipalities", "Kommunerna")
    url = reverse("export_download", args=[job.pk])
    owner = client_as("strateg").get(url)
    assert owner.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(owner.streaming_content)))["Kommuner"]
    assert client_as("admin-huddinge").get(url).status_code == 404
    assert client_as("admin").get(url).status_code == 404


@pytest.mark.django_db
def test_my_exports_lists_only_my_own_jobs(cast, client_as, start_export):
    start_export(cast["strateg"], "tests.municipalities", "Strategens export")
    start_export(cast["lasare"], "tests.municipalities", "Läsarens export")
    body = client_as("lasare").get(reverse("exports")).content.decode()
    assert "Läsarens export" in body
    assert "Strategens export" not in body
