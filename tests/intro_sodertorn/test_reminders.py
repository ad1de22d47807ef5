"""The reminder log: the same reminder is never sent twice."""

import pytest
from django.core import mail

from intro_sodertorn.models import ReminderLog
from intro_sodertorn.reminders import reminder_already_sent, send_reminder_once

pytestmark = pytest.mark.django_db


def test_a_reminder_is_sent_once_and_logged():
    sent = send_reminder_once("test:due:1:2026-12-01", "test", ["a@exempel.se"], "Påminnelse", "Text")
    assert sent is True
    assert len(mail.outbox) == 1
    assert reminder_already_sent("test:due:1:2026-12-01")
    assert ReminderLog.objects.get().recipients == "a@exempel.se"


def test_the_same_key_twice_sends_one_email():
    for _ in range(2):
        send_reminder_once("test:due:1:2026-12-01", "test", ["a@exempel.se"], "Påminnelse", "Text")
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1


def test_another_key_sends_another_email():
    send_reminder_once("test:due:1:2026-12-01", "test", ["a@exempel.se"], "Påminnelse", "Text")
    send_reminder_once("test:overdue:1:2026-12-01", "test", ["a@exempel.se"], "Försenad", "Text")
    assert len(mail.outbox) == 2


def test_no_recipients_sends_nothing_and_logs_nothing():
    assert send_reminder_once("test:due:2", "test", ["", None], "Påminnelse", "Text") is False
    assert not mail.outbox
    assert not ReminderLog.objects.exists()


def test_a_failed_send_is_not_logged_so_the_next_run_tries_again(settings):
    settings.EMAIL_BACKEND = "tests.intro_sodertorn.failing_backend.FailingBackend"
    with pytest.raises(ConnectionError):
        send_reminder_once("test:due:3", "test", ["a@exempel.se"], "Påminnelse", "Text")
    # Not logged as sent (the next run tries again); the failure is logged under a key of its own.
    assert not ReminderLog.objects.filter(key="test:due:3").exists()
    failure = ReminderLog.objects.get()
    assert failure.kind == "test.failed" and failure.key.endswith(":test:due:3")
    assert failure.recipients == "a@exempel.se" and failure.subject.startswith("Påminnelse [")
