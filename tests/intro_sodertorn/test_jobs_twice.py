"""Every scheduled job, run twice each morning for four weeks on the demo data, sends each e-mail once.

The jobs are the ones celery beat runs (``CELERY_BEAT_SCHEDULE``, resolved by their task names, so a job added to
the schedule is run here too). The clock is frozen at each morning in turn, starting from the day the test runs
(the demo is loaded that morning, so it is dated around it). Per day:

- the second run of every job sends nothing;
- no one gets two e-mails with the same subject, nor two with the same text, under whatever keys (the issue's
  case: a "reminder" that repeated the digest of the same morning with the digest's subject).
"""

import datetime
import importlib
from collections import Counter

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from intro_sodertorn.demo import demo_load

from ..conftest import ensure_seed_data

pytestmark = pytest.mark.django_db

DAYS = 28


def scheduled_jobs():
    """The callables behind every entry of the beat schedule, in the schedule's order."""
    jobs = []
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        module, name = entry["task"].rsplit(".", 1)
        jobs.append((entry["task"], getattr(importlib.import_module(module), name)))
    return jobs


def run_all(jobs):
    for _name, job in jobs:
        job()


def per_recipient(messages, part):
    counts = Counter()
    for message in messages:
        for address in message.to:
            counts[(address, part(message))] += 1
    return [key for key, count in counts.items() if count > 1]


def test_every_scheduled_job_twice_a_morning_for_four_weeks_sends_each_mail_once():
    jobs = scheduled_jobs()
    assert {name for name, _job in jobs} >= {
        "insatsbasen.tasks.send_review_reminders",
        "statistik.tasks.send_report_reminders",
        "uppdrag.tasks.send_action_point_reminders",
        "uppdrag.tasks.send_weekly_digest",
    }
    first = datetime.datetime.now(tz=datetime.UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    with time_machine.travel(first - datetime.timedelta(hours=1), tick=False):
        ensure_seed_data()
        demo_load()
    sent_in_all = 0
    for day in range(DAYS):
        with time_machine.travel(first + datetime.timedelta(days=day), tick=False):
            before = len(mail.outbox)
            run_all(jobs)
            first_run = mail.outbox[before:]
            run_all(jobs)
            again = mail.outbox[before + len(first_run) :]
            assert again == [], (day, [(m.to, m.subject) for m in again])
            assert per_recipient(first_run, lambda m: m.subject) == [], day
            assert per_recipient(first_run, lambda m: m.body) == [], day
            sent_in_all += len(first_run)
    # The demo has insatser due for review, reports due and action points overdue: the jobs had work to do.
    assert sent_in_all > 0


@pytest.mark.django_db(transaction=True)
def test_every_scheduled_job_run_by_two_workers_at_once_sends_each_mail_once():
    """Two workers (two threads, each with its own database connection) start every job at the same moment: the
    reminder log's unique key lets one of them send each e-mail, and the other sends nothing and fails nothing."""
    import threading

    from django.db import connection

    jobs = scheduled_jobs()
    morning = datetime.datetime.now(tz=datetime.UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    with time_machine.travel(morning - datetime.timedelta(hours=1), tick=False):
        ensure_seed_data()
        demo_load()
    with time_machine.travel(morning, tick=False):
        barrier = threading.Barrier(2)
        failures = []

        def worker():
            try:
                for _name, job in jobs:
                    barrier.wait(timeout=30)
                    job()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                failures.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert failures == []
        concurrent = list(mail.outbox)
        assert concurrent, "the demo gives the morning jobs something to send"
        assert per_recipient(concurrent, lambda m: m.subject) == []
        assert per_recipient(concurrent, lambda m: m.body) == []
        # And a third run afterwards finds everything sent.
        run_all(jobs)
        assert len(mail.outbox) == len(concurrent)
