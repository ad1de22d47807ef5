"""Background jobs of insatsbasen: the import's two steps, and the scheduled ones (in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import imports, services


@shared_task(name="insatsbasen.tasks.send_review_reminders")
def send_review_reminders():
    """Daily: review digests, reminders, "unverified" marks and the day's freshness snapshot (idempotent)."""
    return services.review_job_run()


# The import's two steps (insatsbasen/imports.py). Acknowledged late and given back to the queue when the worker
# dies: the check only writes its own job, and the commit is one transaction under the job's row lock that also
# marks it done, so a redelivered task never imports twice.
@shared_task(name="insatsbasen.tasks.check_import", acks_late=True, reject_on_worker_lost=True)
def check_import(job_id):
    imports.import_job_check(job_id)


@shared_task(name="insatsbasen.tasks.commit_import", acks_late=True, reject_on_worker_lost=True)
def commit_import(job_id):
    imports.import_job_commit(job_id)


@shared_task(name="insatsbasen.tasks.purge_old_imports")
def purge_old_imports():
    """Daily: import jobs and any upload left older than IMPORT_RETENTION_DAYS are deleted."""
    return imports.import_job_purge_old()


@shared_task(name="insatsbasen.tasks.recover_stalled_imports")
def recover_stalled_imports():
    """Every few minutes: import steps whose queue message was lost or whose worker died are queued again."""
    return imports.import_job_recover_stalled()
