"""Scheduled jobs of uppdrag (the schedule is in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task(name="uppdrag.tasks.send_action_point_reminders")
def send_action_point_reminders():
    """Owners before the due date and when overdue; watch items at their expected month."""
    return services.action_point_reminders_send()


@shared_task(name="uppdrag.tasks.send_weekly_digest")
def send_weekly_digest():
    """The strategist's weekly summary of overdue and coming action points."""
    return services.weekly_digest_send()
