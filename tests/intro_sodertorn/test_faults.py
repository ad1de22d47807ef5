"""Faults: a worker killed in the middle of an export, a Redis that is down, a dead database connection.

The worker tests run real Celery workers as separate processes on the Redis of the test run
and kill them with SIGKILL while the export is being built; the builder tells the test that it
has started through a file, so the kill always lands in the middle of the build.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from intro_sodertorn.celery import app as celery_app
from intro_sodertorn.exports import (
    _lock_key,
    export_is_being_built,
    export_recover_stalled,
    export_run,
    export_start,
    forget_queue_state,
    register_export,
)
from intro_sodertorn.models import ExportJob

BLOCKING = "tests.faults.blocking"
REPO = Path(__file__).resolve().parents[2]
# Redis gives a killed worker's task to the next worker after this many seconds (see settings).
VISIBILITY_TIMEOUT = 2


@register_export(BLOCKING)
def build_blocking(job, writer, progress):
    """Writes its process id to <dir>/started, then waits until <dir>/release exists (or is killed)."""
    directory = Path(job.params["dir"])
    with open(directory / "started", "a") as marker:
        marker.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + 60
    while not (directory / "release").exists():
        if time.monotonic() > deadline:
            raise RuntimeError("The test never released the export")
        time.sleep(0.05)
    sheet = writer.add_sheet("Försök", header=["Försök"])
    sheet.append([job.params["_attempts"]])
    return "forsok.xlsx"


def wait_for(condition, seconds=30, what="the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


def started_pids(directory):
    path = directory / "started"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: run through `make test`")
    return url


@pytest.fixture
def export_queue(settings, redis_url):
    """Exports go through the real Redis, to a queue of this test alone."""
    settings.EXPORT_QUEUE = f"faults-{uuid.uuid4().hex[:12]}"
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    forget_queue_state()
    yield settings.EXPORT_QUEUE
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, broker
    forget_queue_state()
    import redis

    redis.Redis.from_url(redis_url).delete(settings.EXPORT_QUEUE)


@pytest.fixture
def start_worker(export_queue, tmp_path):
    """Start Celery workers as processes on the test database; every one left is killed at the end."""
    workers = []
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

    def start(pool="solo"):
        env = os.environ | {
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        }
        command = [sys.executable, "-m", "celery", "-A", "intro_sodertorn", "worker", f"--pool={pool}"]
        command += ["--concurrency=1", "-Q", export_queue, "-I", "tests.intro_sodertorn.test_faults"]
        command += ["--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel=INFO"]
        command += ["-n", f"faults-{len(workers)}-{export_queue}@%h"]
        log = open(tmp_path / f"worker-{len(workers)}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        workers.append((process, log))
        return process

    yield start
    for process, log in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def kill(process):
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_worker_is_killed_is_built_again_by_the_next_worker(cast, start_worker, tmp_path):
    job = export_start(cast["strateg"], BLOCKING, "Blockerad export", {"dir": str(tmp_path)})
    first = start_worker()
    wait_for(lambda: started_pids(tmp_path), what="the export to start")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING
    assert export_is_being_built(job.pk)

    kill(first)
    started_at = time.monotonic()
    (tmp_path / "release").touch()
    # The killed worker's connection is gone, so the database has let go of the job's lock.
    wait_for(lambda: not export_is_being_built(job.pk), seconds=5, what="the lock to be released")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING  # stuck, until a worker gets the task again
    time.sleep(max(0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - started_at)))

    start_worker()
    wait_for(lambda: ExportJob.objects.get(pk=job.pk).is_finished, seconds=60, what="the export to finish")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.params["_attempts"] == 2
    assert len(started_pids(tmp_path)) == 2
    sheet = load_workbook(job.file.path)["Försök"]
    assert list(sheet.iter_rows(values_only=True))[-1] == (2,)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_process_gives_the_export_back_at_once_to_its_pool(cast, start_worker, tmp_path):
    """Prefork: the pool sees its child die, rejects the task back to the queue and a new child builds it."""
    job = export_start(cast["strateg"], BLOCKING, "Blockerad export", {"dir": str(tmp_path)})
    worker = start_worker(pool="prefork")
    wait_for(lambda: started_pids(tmp_path), what="the export to start")
    child = started_pids(tmp_path)[0]
    assert child != worker.pid
    (tmp_path / "release").touch()
    os.kill(child, signal.SIGKILL)

    wait_for(lambda: ExportJob.objects.get(pk=job.pk).is_finished, seconds=60, what="the export to finish")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.params["_attempts"] == 2
    assert worker.poll() is None  # the same worker, no restart and no visibility timeout needed


def running_job(user, tmp_path, attempts, minutes_ago=10):
    """A job as a killed worker leaves it: RUNNING, with its attempts counted, and nobody building it."""
    (tmp_path / "release").touch()
    return ExportJob.objects.create(
        user=user,
        kind=BLOCKING,
        title="Avbruten export",
        params={"dir": str(tmp_path), "_attempts": attempts},
        status=ExportJob.Status.RUNNING,
        started_at=timezone.now() - timezone.timedelta(minutes=minutes_ago),
    )


@pytest.mark.django_db
def test_an_interrupted_export_is_built_again_while_attempts_are_left(cast, tmp_path):
    job = running_job(cast["strateg"], tmp_path, attempts=1)
    export_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert job.params["_attempts"] == 2


@pytest.mark.django_db
def test_an_export_interrupted_at_its_last_attempt_fails_and_tells_the_user_why(cast, client_as, tmp_path, settings):
    settings.EXPORT_MAX_ATTEMPTS = 3
    job = running_job(cast["strateg"], tmp_path, attempts=3)
    export_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.finished_at is not None
    assert not started_pids(tmp_path)  # not built a fourth time
    assert "misslyckades" in mail.outbox[0].subject
    page = client_as("strateg").get(reverse("exports")).content.decode()
    assert "Exporten avbröts flera gånger" in page


@pytest.mark.django_db
def test_a_second_delivery_of_an_export_being_built_does_nothing(cast, tmp_path):
    job = running_job(cast["strateg"], tmp_path, attempts=1, minutes_ago=0)
    # Another worker, alive, holds the job's lock on its own database connection.
    # A raw driver connection of its own (psycopg 3), beside Django's.
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_lock_key(job.pk)])
        assert export_is_being_built(job.pk)
        export_run(job.pk)
        assert export_recover_stalled() == 0
    finally:
        other.close()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING
    assert job.params["_attempts"] == 1
    assert not started_pids(tmp_path)


@pytest.mark.django_db
def test_stalled_exports_are_queued_again(cast, tmp_path):
    stalled = running_job(cast["strateg"], tmp_path, attempts=1)
    fresh = running_job(cast["lasare"], tmp_path, attempts=1, minutes_ago=0)
    assert export_recover_stalled() == 1  # Celery runs inline in this test
    stalled.refresh_from_db()
    fresh.refresh_from_db()
    assert stalled.status == ExportJob.Status.DONE
    assert fresh.status == ExportJob.Status.RUNNING


# --- Redis down ---------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The broker is a closed port on this machine: nothing listens there."""
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    forget_queue_state()
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, broker
    forget_queue_state()


QUEUE_DOWN = "Exportkön är inte tillgänglig just nu"


@pytest.mark.django_db
def test_with_redis_down_an_export_page_serves_and_its_button_says_why_it_is_off(client_as, redis_down):
    started = time.monotonic()
    response = client_as("statistik-region").get(reverse("statistik:overview"))
    assert time.monotonic() - started < 5  # a quick refusal, not a hang
    assert response.status_code == 200
    body = response.content.decode()
    assert QUEUE_DOWN in body
    assert "disabled" in body.split(QUEUE_DOWN)[0].rsplit("<button", 1)[1]


@pytest.mark.django_db
def test_with_redis_down_starting_an_export_says_so_and_leaves_no_queued_job(cast, client_as, redis_down):
    network = pytest.importorskip("natverk.models").Network.objects.create(name="Samverkansgruppen")
    client = client_as("strateg")
    page = reverse("natverk:network_detail", args=[network.pk])
    response = client.post(reverse("natverk:network_export", args=[network.pk]), HTTP_REFERER=page, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == page
    assert QUEUE_DOWN in response.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_when_publishing_fails_the_job_is_marked_failed_not_left_queued(cast, client_as, redis_down):
    # The broker check still believes Redis is up (it went down a moment ago): publishing fails.
    from intro_sodertorn import exports

    exports._remember_queue_state(celery_app.conf.broker_url, True)
    client = client_as("strateg")
    response = client.post(reverse("insatsbasen:statistics_export"), follow=True)
    assert response.status_code == 200
    assert QUEUE_DOWN in response.content.decode()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED
    assert job.params["_failure"] == "queue_unavailable"
    assert "kön inte var tillgänglig" in client.get(reverse("exports")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["home", "exports", "insatsbasen:index", "natverk:contact_list", "uppdrag:index", "statistik:dashboard"]
)
def test_with_redis_down_pages_keep_serving(client_as, redis_down, url):
    assert client_as("strateg").get(reverse(url)).status_code == 200


# --- PostgreSQL restarted -----------------------------------------------------------------------


def test_database_connections_are_checked_before_reuse():
    # A persistent connection (CONN_MAX_AGE) that died with a PostgreSQL restart is replaced
    # before the request uses it; scripts/check-faults.sh restarts a real PostgreSQL under gunicorn.
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert django_settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


# --- One export button ----------------------------------------------------------------------------


def export_url_names():
    """Names of the URLs whose view starts an export (found in the views' source, so none is forgotten)."""
    import inspect

    from django.urls import get_resolver

    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif pattern.name and "export_start(" in inspect.getsource(inspect.unwrap(pattern.callback)):
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_form_that_starts_an_export_draws_its_button_with_the_shared_tag():
    import re

    names = export_url_names()
    assert {"insatsbasen:export", "natverk:network_export", "natverk:contact_extract"} <= names
    forms = 0
    for template in [*REPO.glob("templates/**/*.html"), *REPO.glob("*/templates/**/*.html")]:
        text = template.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b.*?</form>", text, flags=re.DOTALL):
            action = re.search(r"""action="\{% url '([^']+)'""", form)
            if action and action.group(1) in names:
                forms += 1
                assert "{% export_button" in form, f"{template.relative_to(REPO)}: {action.group(1)}"
    assert forms >= 6
