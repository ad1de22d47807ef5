"""Background jobs of the portal core. Thin: take ids, call a service."""

from celery import shared_task

from .exports import export_purge_old, export_recover_stalled, export_run


# Acknowledged only when it returns, and given back to the queue when the worker process
# running it dies, so a killed worker's export is built again. export_run is idempotent and
# counts the attempts, so a redelivery never builds twice and a poisoned job ends failed.
@shared_task(name="intro_sodertorn.tasks.run_export", acks_late=True, reject_on_worker_lost=True)
def run_export(job_id):
    export_run(job_id)


@shared_task(name="intro_sodertorn.tasks.purge_old_exports")
def purge_old_exports():
    return export_purge_old()


@shared_task(name="intro_sodertorn.tasks.recover_stalled_exports")
def recover_stalled_exports():
    return export_recover_stalled()


@shared_task(name="intro_sodertorn.tasks.send_password_reset")
def send_password_reset(email, options):
    """A password reset link, sent outside the request (same answer time whether the address has an account)."""
    from .login import password_reset_deliver

    password_reset_deliver(email, options)
