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
"""

import datetime
import logging
import traceback

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

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


def export_start(user, kind, title, params=None):
    """Record an export job for the user and queue it once the transaction commits."""
    _load_app_exports()
    if kind not in _REGISTRY:
        raise ValueError(f"Unknown export kind: {kind}")
    job = ExportJob.objects.create(user=user, kind=kind, title=title[:200], params=params or {})
    from .tasks import run_export

    transaction.on_commit(lambda: run_export.delay(str(job.pk)))
    return job


def export_run(job_id):
    """Run one export job: build the workbook, store the file, tell the user. Idempotent."""
    _load_app_exports()
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status in (ExportJob.Status.DONE, ExportJob.Status.RUNNING):
        return job
    job.status = ExportJob.Status.RUNNING
    job.started_at = timezone.now()
    job.progress = 0
    job.save(update_fields=["status", "started_at", "progress"])

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
        job.file.save(filename, ContentFile(writer.to_bytes()), save=False)
        job.status = ExportJob.Status.DONE
        job.progress = 100
        job.error = ""
    except Exception:
        logger.exception("Export %s failed", job.pk)
        job.status = ExportJob.Status.FAILED
        job.error = traceback.format_exc(limit=3)[-2000:]
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    _notify(job)
    return job


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
    send_mail(subject, body, None, [job.user.email], fail_silently=True)


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
