from celery import shared_task

from . import services


@shared_task(name="statistik.tasks.send_report_reminders")
def send_report_reminders():
    """Daily: reporters are reminded once before a period's deadline and once when it is overdue."""
    return services.report_reminders_send()
