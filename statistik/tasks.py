from celery import shared_task

from . import notifications, services


@shared_task(name="statistik.tasks.send_report_reminders")
def send_report_reminders():
    """Daily: reporters are reminded once before a period's deadline and once when it is overdue."""
    return services.report_reminders_send()


@shared_task(name="statistik.tasks.notify_report_event")
def notify_report_event(event_id):
    """Queued when a report is submitted, returned, reopened or approved: e-mail the people concerned, once."""
    return notifications.event_notify(event_id)


@shared_task(name="statistik.tasks.notify_period_opened")
def notify_period_opened(period_id):
    """Queued when a period opens: e-mail the reporters of every member municipality, once."""
    return notifications.period_opened_notify(period_id)


@shared_task(name="statistik.tasks.send_missed_notifications")
def send_missed_notifications():
    """Every 15 minutes: what the immediate send missed (the queue was down); the log keeps it to once."""
    return notifications.notifications_sweep()
