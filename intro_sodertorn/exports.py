"""The export framework: every Excel export of the portal runs through here.

An app registers a builder under a key::

    from intro_sodertorn.exports import register_export

    @register_export("insatsbasen.insatser")
    def build_insatser(job, writer, progress):
        sheet = writer.add_sheet("Insatser", header=[...], preamble=[...])
        items = Insats.objects.visible_to(job.user)...
        for index, insats in enumerate(items):
            sheet.append([...])
            progress(index + 1, total)
        return "insatser.xlsx"  # optional file name

and a view starts it with ``export_start(user, "insatsbasen.insatser", title, params)``,
which records an ExportJob and queues the Celery task on commit. The builder runs with the
asking user (``job.user``) so it must scope its querysets exactly as the pages do.
The user follows the job on "Mina exporter" and gets an e-mail when it is ready.

Faults. ``run_export`` is acknowledged late and given back to the queue when its worker
dies, so a killed worker's job is delivered again; ``export_run`` then builds it again, at
most ``EXPORT_MAX_ATTEMPTS`` times, after which the job fails with a message the user reads on
"Mina exporter". While a worker builds a job it holds a PostgreSQL advisory lock on it; the
database lets go of the lock the moment that worker's connection dies. So a job found RUNNING
without its lock is a dead attempt, and a second delivery of a job being built is skipped.
``export_recover_stalled`` (every few minutes from beat) queues again the jobs whose message
was lost. When Redis is down, ``export_start`` raises ``ExportQueueUnavailable``, which
``ExportQueueMiddleware`` turns into a message on the page, and no job is left pretending to
be queued. The attempt count and the reason of a failure are kept in the job's params under
``_attempts`` and ``_failure`` (builders only read the keys they know).
"""

import contextlib
import datetime
import functools
import logging
import tempfile
import threading
import time
import traceback
import uuid

from django.conf import settings
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from .models import ExportJob
from .xlsx import XlsxWriter

logger = logging.getLogger(__name__)

_REGISTRY = {}


def register_export(kind):
    """Decorator registering a builder ``(job, writer, progress) -> filename | None``."""

    def decorator(builder):
        _REGISTRY[kind] = builder
        return builder

    return decorator


def registered_exports():
    _load_app_exports()
    return dict(_REGISTRY)


def _load_app_exports():
    # Builders live in each app's exports.py; import them so the registry is complete in
    # whichever process (web or worker) runs first.
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "exports"):
            import_module(f"{config.name}.exports")


class ExportQueueUnavailable(Exception):
    """The export queue (Redis) cannot be reached, so no export was started."""


# What the user reads beside a disabled export button, and after a refused start.
QUEUE_UNAVAILABLE_MESSAGE = gettext_lazy(
    "The export queue is not available right now, so exports cannot be started. Try again in a few minutes."
)

# Why a job failed, told on "Mina exporter" (the technical detail stays in job.error).
FAILURE_MESSAGES = {
    "error": gettext_lazy("The export could not be made. Try again, or report the problem."),
    "interrupted": gettext_lazy(
        "The export was interrupted several times because the background service stopped. "
        "Try again, or report the problem if it happens again."
    ),
    "queue_unavailable": gettext_lazy(
        "The export could not be started because the export queue was not available. Try again in a few minutes."
    ),
    # Set by natverk/erasure.py when a contact in the file was anonymised.
    "erased": gettext_lazy(
        "The file was deleted because it held personal data of a contact who has since been anonymised. "
        "Make the export again if you need it."
    ),
}

# A broker check is trusted this long: a page with an export button costs at most one quick
# Redis ping per process this often, and never waits longer than the timeout.
QUEUE_CHECK_SECONDS = 10
QUEUE_CHECK_TIMEOUT = 0.5
_queue_state = {}
_queue_state_lock = threading.Lock()


def export_queue_available():
    """Whether exports can be queued now: always when tasks run inline, else a cached Redis ping."""
    from .celery import app

    if app.conf.task_always_eager:
        return True
    url = app.conf.broker_url
    with _queue_state_lock:
        checked = _queue_state.get(url)
    if checked and time.monotonic() - checked[0] < QUEUE_CHECK_SECONDS:
        return checked[1]
    available = _broker_answers(url)
    _remember_queue_state(url, available)
    return available


def _remember_queue_state(url, available):
    with _queue_state_lock:
        _queue_state[url] = (time.monotonic(), available)


def forget_queue_state():
    """Drop the cached broker checks (tests, and after changing the broker)."""
    with _queue_state_lock:
        _queue_state.clear()


def _broker_answers(url):
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return True
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=QUEUE_CHECK_TIMEOUT, socket_timeout=QUEUE_CHECK_TIMEOUT)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def export_start(user, kind, title, params=None):
    """Record an export job for the user and queue it once the transaction commits.

    Raises ExportQueueUnavailable when the queue cannot be reached: before anything is saved
    when the broker check already knows, else (publishing failed) after marking the job failed.
    """
    _load_app_exports()
    if kind not in _REGISTRY:
        raise ValueError(f"Unknown export kind: {kind}")
    if not export_queue_available():
        raise ExportQueueUnavailable
    # Parameters come from request data, and PostgreSQL's jsonb cannot hold a NUL character.
    params = {key: _no_nul(value) for key, value in (params or {}).items()}
    job = ExportJob.objects.create(user=user, kind=kind, title=_no_nul(title[:200]), params=params)
    transaction.on_commit(functools.partial(_queue, job.pk))
    return job


def _no_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


def _queue(job_id):
    from kombu.exceptions import OperationalError

    from .celery import app, publish
    from .tasks import run_export

    if app.conf.task_always_eager:
        run_export.delay(str(job_id))
        return
    # EXPORT_QUEUE (optional) sends exports to their own queue, e.g. a worker of their own.
    queue = getattr(settings, "EXPORT_QUEUE", None) or app.conf.task_default_queue
    try:
        publish(run_export, str(job_id), queue=queue)
    except (OperationalError, OSError) as error:
        _remember_queue_state(app.conf.broker_url, False)
        logger.warning("Export %s could not be queued: %s", job_id, error)
        job = ExportJob.objects.select_related("user").filter(pk=job_id, status=ExportJob.Status.QUEUED).first()
        if job is not None:
            _fail(job, "queue_unavailable", f"Could not be queued: {error}")
        raise ExportQueueUnavailable from error


def _fail(job, reason, detail):
    job.status = ExportJob.Status.FAILED
    job.params = {**job.params, "_failure": reason}
    job.error = detail[-2000:]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "params", "error", "finished_at"])


def failure_message(job):
    """The sentence telling the user why their job failed."""
    return FAILURE_MESSAGES.get(job.params.get("_failure"), FAILURE_MESSAGES["error"])


def _lock_key(job_id):
    # One 64-bit advisory lock key per job, from its UUID4: nothing else in the portal takes
    # advisory locks, and two jobs would have to share their first 8 bytes to collide.
    return int.from_bytes(uuid.UUID(str(job_id)).bytes[:8], "big", signed=True)


@contextlib.contextmanager
def _builder_lock(job_id):
    """Hold the job's advisory lock while building; yields False when another worker holds it."""
    if connection.vendor != "postgresql":
        # Without PostgreSQL there is no Redis either: exports run inline, one at a time.
        yield True
        return
    key = _lock_key(job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            # If the connection broke while building, the database already let go of the lock.
            with contextlib.suppress(Exception), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def export_is_being_built(job_id):
    """Whether a live worker holds the job's lock (known only on PostgreSQL)."""
    if connection.vendor != "postgresql":
        return False
    key = _lock_key(job_id)
    with connection.cursor() as cursor:
        # A bigint advisory key shows in pg_locks as classid (high half) and objid (low half).
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1"
            " AND classid = ((%s::bigint >> 32) & 4294967295)::oid AND objid = (%s::bigint & 4294967295)::oid)",
            [key, key],
        )
        return cursor.fetchone()[0]


def export_run(job_id):
    """Run one export job: build the workbook, store the file, tell the user. Idempotent.

    A job that is finished, or being built by another live worker, is left alone. A job found
    RUNNING without its worker (the worker died) is built again, or fails after the last attempt.
    """
    _load_app_exports()
    with _builder_lock(job_id) as acquired:
        if not acquired:
            logger.info("Export %s is being built by another worker: this delivery is skipped", job_id)
            return ExportJob.objects.filter(pk=job_id).first()
        job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
        if job is None or job.is_finished:
            return job
        attempts = int(job.params.get("_attempts", 0))
        if job.status == ExportJob.Status.RUNNING:
            logger.warning("Export %s: attempt %s was interrupted", job.pk, attempts)
            if attempts >= settings.EXPORT_MAX_ATTEMPTS:
                _fail(job, "interrupted", f"Interrupted {attempts} times (the worker stopped): given up.")
                _notify(job)
                return job
        _build(job, attempts + 1)
    _notify(job)
    return job


# A RUNNING job without a live worker for this long, or a job QUEUED this long, lost its message.
STALLED_RUNNING = datetime.timedelta(minutes=2)
STALLED_QUEUED = datetime.timedelta(minutes=30)


def export_recover_stalled():
    """Queue again the jobs whose worker died or whose message was lost; returns how many.

    Safe to run at any time: a duplicate delivery finds the job finished or locked and does nothing.
    """
    now = timezone.now()
    stalled = ExportJob.objects.filter(status=ExportJob.Status.RUNNING, started_at__lt=now - STALLED_RUNNING)
    waiting = ExportJob.objects.filter(status=ExportJob.Status.QUEUED, created_at__lt=now - STALLED_QUEUED)
    count = 0
    for job_id in list(stalled.values_list("pk", flat=True)) + list(waiting.values_list("pk", flat=True)):
        if export_is_being_built(job_id):
            continue
        try:
            _queue(job_id)
        except ExportQueueUnavailable:
            break
        count += 1
    return count


def _build(job, attempt):
    job.status = ExportJob.Status.RUNNING
    job.started_at = timezone.now()
    job.progress = 0
    job.params = {**job.params, "_attempts": attempt}
    job.save(update_fields=["status", "started_at", "progress", "params"])

    last_saved = {"percent": 0}

    def progress(done, total):
        percent = int(done * 100 / total) if total else 100
        # Write progress in steps of 10 % to keep the job row cheap to update.
        if percent >= last_saved["percent"] + 10:
            last_saved["percent"] = percent
            ExportJob.objects.filter(pk=job.pk).update(progress=min(percent, 99))

    try:
        builder = _REGISTRY[job.kind]
        writer = XlsxWriter()
        language = job.params.get("language", settings.LANGUAGE_CODE)
        with override(language):
            filename = builder(job, writer, progress)
        filename = filename or f"{slugify(job.title) or 'export'}.xlsx"
        with tempfile.TemporaryFile() as file:
            # Through a temporary file rather than bytes: memory stays flat however long the export is.
            writer.save(file)
            job.file.save(filename, File(file, name=filename), save=False)
        job.status = ExportJob.Status.DONE
        job.progress = 100
        job.error = ""
    except Exception:
        logger.exception("Export %s failed", job.pk)
        job.status = ExportJob.Status.FAILED
        job.error = traceback.format_exc(limit=3)[-2000:]
        job.params = {**job.params, "_failure": "error"}
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "error", "params", "finished_at"])


def _notify(job):
    if not job.user.email:
        return
    with override(job.params.get("language", settings.LANGUAGE_CODE)):
        link = settings.SITE_URL + reverse("exports")
        if job.status == ExportJob.Status.DONE:
            subject = _("Your export is ready: %(title)s") % {"title": job.title}
            body = _("Your export “%(title)s” is ready. Download it from My exports:\n%(link)s") % {
                "title": job.title,
                "link": link,
            }
        else:
            subject = _("Your export failed: %(title)s") % {"title": job.title}
            body = _("Your export “%(title)s” could not be made. Try again, or report the problem.\n%(link)s") % {
                "title": job.title,
                "link": link,
            }
    try:
        send_mail(subject, body, None, [job.user.email])
    except Exception:
        # The file is ready on "Mina exporter" either way: log (no address: it is personal data), do not fail.
        logger.exception("The e-mail about export %s to user %s could not be sent", job.pk, job.user_id)


def export_purge_old(days=None):
    """Delete export jobs and their files older than the retention period."""
    days = settings.EXPORT_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    count = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


class ExportQueueMiddleware:
    """Turns ExportQueueUnavailable from any export view into a message on the page the user came from.

    One place instead of a try/except in every app's export view: the views call export_start
    and redirect to "Mina exporter" as if all went well; when the queue is down they never get there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ExportQueueUnavailable):
            return None
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.utils.http import url_has_allowed_host_and_scheme

        messages.error(request, QUEUE_UNAVAILABLE_MESSAGE)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("home")
        return redirect(back)
