"""The reminder log: send a reminder at most once per key.

Every scheduled reminder of the portal goes through ``send_reminder_once``. The key names
the reminder exactly (for example ``insatsbasen:review:huddinge:2026-11-23:first`` or
``uppdrag:due:42:2026-12-01``); the row is written in the same transaction that sends the
mail, so a job that runs twice, or two workers at once, send one e-mail.
"""

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from .models import ReminderLog


def reminder_already_sent(key):
    return ReminderLog.objects.filter(key=key).exists()


def send_reminder_once(key, kind, recipients, subject, body, html_body=None):
    """Send the e-mail unless a reminder with this key was sent before. Returns True if sent."""
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return False
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                key=key[:255], kind=kind, recipients=", ".join(recipients), subject=subject[:255]
            )
            # Sent inside the transaction: if sending fails, the log row goes too and the
            # next run tries again.
            send_mail(subject, body, None, recipients, html_message=html_body)
    except IntegrityError:
        return False
    except Exception as error:
        # Sending failed: the reminder is not logged as sent (the next run tries again), but the
        # failure is, under a key of its own, so the reminder log in the portal shows what failed.
        _failure_record(key, kind, recipients, subject, error)
        raise
    return True


FAILED_SUFFIX = ".failed"


def _failure_record(key, kind, recipients, subject, error):
    from django.utils import timezone

    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                key=f"failed:{timezone.now():%Y%m%d%H%M%S%f}:{key}"[:255],
                kind=f"{kind}{FAILED_SUFFIX}"[:100],
                recipients=", ".join(recipients),
                subject=f"{subject} [{type(error).__name__}: {error}]"[:255],
            )
    except Exception:  # noqa: BLE001 - recording the failure must never hide the error itself
        pass
