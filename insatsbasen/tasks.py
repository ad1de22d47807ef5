"""Scheduled jobs of insatsbasen (the schedule is in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task(name="insatsbasen.tasks.send_review_reminders")
def send_review_reminders():
    """Daily: review digests, reminders, "unverified" marks and the day's freshness snapshot (idempotent)."""
    return services.review_job_run()
