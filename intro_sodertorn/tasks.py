"""Background jobs of the portal core. Thin: take ids, call a service."""

from celery import shared_task

from .exports import export_purge_old, export_run


@shared_task(name="intro_sodertorn.tasks.run_export")
def run_export(job_id):
    export_run(job_id)


@shared_task(name="intro_sodertorn.tasks.purge_old_exports")
def purge_old_exports():
    return export_purge_old()
