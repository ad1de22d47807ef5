"""Exports in an S3-compatible bucket: a worker and the web process that share nothing but the bucket.

The test starts moto's standalone S3 server (a real HTTP server on 127.0.0.1, no internet) and a
real Celery worker process on the Redis of the test run. The worker's settings come from the
EXPORT_STORAGE_* variables and its MEDIA_ROOT is an empty folder of its own; the web side (the
test client) has another empty MEDIA_ROOT and the storage settings.py makes of the same
variables. So the file the owner downloads can only have come through the bucket. Erasure and
retention then delete the objects in the bucket, checked by listing it with boto3.
"""

import datetime
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from intro_sodertorn.celery import app as celery_app
from intro_sodertorn.exports import export_purge_old, forget_queue_state
from intro_sodertorn.models import ExportJob
from tests.natverk import factories

REPO = Path(__file__).resolve().parents[2]
NAME = "Åsa Öberg-Lind"
REGION = "eu-north-1"


def wait_for(condition, seconds=60, what="the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server as a process of its own on a free port of 127.0.0.1."""
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def answers():
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_for(answers, seconds=30, what="moto's S3 server")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def bucket_environment(s3_endpoint):
    """A new, empty bucket, and the variables that point the portal at it."""
    name = f"exports-{uuid.uuid4().hex[:12]}"
    environment = {
        "EXPORT_STORAGE_BUCKET": name,
        "EXPORT_STORAGE_ENDPOINT_URL": s3_endpoint,
        "EXPORT_STORAGE_REGION": REGION,
        "EXPORT_STORAGE_ACCESS_KEY_ID": "test-key",
        "EXPORT_STORAGE_SECRET_ACCESS_KEY": "test-secret",
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return environment, client


def objects_in(client, bucket):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def settings_in_a_process(environment, code):
    """What intro_sodertorn/settings.py makes of the environment, read in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "intro_sodertorn.settings", **environment},
        cwd=REPO,
        timeout=60,
    )
    return result


@pytest.fixture
def web_on_the_bucket(settings, bucket_environment):
    """The test process (the web side) stores exports as settings.py configures them from the variables."""
    environment, _client = bucket_environment
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES['exports']))"
    result = settings_in_a_process(environment, code)
    assert result.returncode == 0, result.stderr
    exports = json.loads(result.stdout)
    assert exports["BACKEND"] == "storages.backends.s3.S3Storage"
    settings.STORAGES = {**settings.STORAGES, "exports": exports}
    return environment


@pytest.fixture
def worker_on_the_bucket(settings, web_on_the_bucket, tmp_path):
    """A Celery worker process on Redis, with the bucket variables and an empty MEDIA_ROOT of its own."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: run through `make test`")
    queue = f"bucket-{uuid.uuid4().hex[:12]}"
    settings.EXPORT_QUEUE = queue
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = redis_url
    forget_queue_state()
    db = connection.settings_dict
    media = tmp_path / "worker-media"
    media.mkdir()
    environment = os.environ | web_on_the_bucket
    environment |= {
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(media),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    command = [sys.executable, "-m", "celery", "-A", "intro_sodertorn", "worker", "--pool=solo", "-Q", queue]
    command += ["--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"{queue}@%h"]
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 (closed with the process)
    worker = subprocess.Popen(
        command, cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield media
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        log.close()
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, broker
        forget_queue_state()
        import redis

        redis.Redis.from_url(redis_url).delete(queue)


def files_under(folder):
    return [path for path in Path(folder).rglob("*") if path.is_file()] if Path(folder).exists() else []


def export_members(client, network):
    """The strategist's member list of a network, started through the page; the worker builds it."""
    response = client.post(reverse("natverk:network_export", args=[network.pk]))
    assert response.status_code == 302
    job = ExportJob.objects.filter(kind="natverk.members", params__network_id=network.pk).latest("created_at")
    wait_for(lambda: ExportJob.objects.get(pk=job.pk).is_finished, what="the worker to build the export")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    return job


@pytest.mark.django_db(transaction=True)
def test_an_export_built_by_a_worker_is_downloaded_erased_and_purged_through_the_bucket(
    cast, municipalities, client_as, anonymous_client, bucket_environment, worker_on_the_bucket
):
    environment, s3 = bucket_environment
    bucket = environment["EXPORT_STORAGE_BUCKET"]
    botkyrka = municipalities["Botkyrka"]
    person = factories.contact(NAME, factories.organisation("SFI Botkyrka", botkyrka), botkyrka, email="asa@exempel.se")
    with_person = factories.network("Södertörns SFI-nätverk")
    factories.member(with_person, person, botkyrka)
    without_person = factories.network("Styrgruppen")
    factories.member(without_person, factories.contact("Mona Fredriksson"), municipalities["Huddinge"])
    strateg = client_as("strateg")

    holding = export_members(strateg, with_person)
    other = export_members(strateg, without_person)

    # Each file in the bucket, in a folder of its job; nothing on either side's file system.
    assert objects_in(s3, bucket) == sorted([holding.file.name, other.file.name])
    assert holding.file.name.startswith("exports/") and f"/{holding.pk}/medlemmar-" in holding.file.name
    assert files_under(worker_on_the_bucket) == []
    assert files_under(django_settings.MEDIA_ROOT) == []

    # The owner downloads it through the portal, streamed from the bucket, under the file's own name.
    url = reverse("export_download", args=[holding.pk])
    response = strateg.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{holding.file.name.rsplit("/", 1)[-1]}"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert NAME in [row[0] for row in sheet.iter_rows(values_only=True)]
    assert files_under(django_settings.MEDIA_ROOT) == []
    # Nobody else: another user and even the system administrator get 404, a visitor the login page.
    assert client_as("admin-huddinge").get(url).status_code == 404
    assert client_as("admin").get(url).status_code == 404
    anonymous = anonymous_client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))

    # Erasure: the person's member list is deleted from the bucket once the anonymisation commits;
    # the other list (read from the bucket to see whether it holds the person) stays.
    strateg.post(reverse("natverk:contact_anonymise", args=[person.pk]), {"reason": "request", "confirm": "on"})
    holding.refresh_from_db()
    assert holding.params["_failure"] == "erased" and not holding.file
    assert objects_in(s3, bucket) == [other.file.name]
    assert strateg.get(url).status_code == 404

    # Retention: the day after EXPORT_RETENTION_DAYS the purge deletes the object and the jobs.
    later = timezone.now() + datetime.timedelta(days=django_settings.EXPORT_RETENTION_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        assert export_purge_old() == 2
    assert objects_in(s3, bucket) == []
    assert not ExportJob.objects.filter(pk__in=[holding.pk, other.pk]).exists()


@pytest.mark.django_db
def test_an_object_gone_from_the_bucket_is_a_404_not_an_error(cast, client_as, bucket_environment, web_on_the_bucket):
    environment, s3 = bucket_environment
    job = ExportJob.objects.create(user=cast["strateg"], kind="natverk.members", title="Medlemmar")
    job.file.save("medlemmar.xlsx", ContentFile(b"not really a workbook"), save=False)
    job.status = ExportJob.Status.DONE
    job.save()
    assert objects_in(s3, environment["EXPORT_STORAGE_BUCKET"]) == [job.file.name]
    s3.delete_object(Bucket=environment["EXPORT_STORAGE_BUCKET"], Key=job.file.name)

    assert client_as("strateg").get(reverse("export_download", args=[job.pk])).status_code == 404


def test_a_bucket_with_half_a_key_stops_the_portal_from_starting():
    environment = {
        "EXPORT_STORAGE_BUCKET": "exports",
        "EXPORT_STORAGE_ACCESS_KEY_ID": "only-the-id",
        "EXPORT_STORAGE_SECRET_ACCESS_KEY": "",
    }
    result = settings_in_a_process(environment, "")
    assert result.returncode != 0
    assert "Set both EXPORT_STORAGE_ACCESS_KEY_ID and EXPORT_STORAGE_SECRET_ACCESS_KEY" in result.stderr


def test_without_a_bucket_exports_stay_on_the_file_system_under_media_root():
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES['exports']))"
    result = settings_in_a_process({"EXPORT_STORAGE_BUCKET": ""}, code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
