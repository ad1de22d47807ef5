"""The demo data is dated relative to the day it is loaded, so `make run` looks alive on any day.

Loaded today and a year from today, every part shows the same picture around that day: an
assignment period that is running, action points both overdue and coming, insatser both fresh
and due for review, meetings held and coming, KIS figures up to last year with the reporting
round for last year in progress, and reminders that go out once.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from insatsbasen import tasks as insats_tasks
from insatsbasen.models import FreshnessSnapshot, Insats
from intro_sodertorn.demo import demo_load
from natverk.models import Meeting
from statistik import tasks as kis_tasks
from statistik.models import Period, Report
from uppdrag import tasks as uppdrag_tasks
from uppdrag.models import ActionPoint, Assignment

from ..conftest import ensure_seed_data

pytestmark = pytest.mark.django_db


def _scheduled_reminders():
    insats_tasks.send_review_reminders()
    kis_tasks.send_report_reminders()
    uppdrag_tasks.send_action_point_reminders()


@pytest.mark.parametrize("years_ahead", [0, 1], ids=["today", "a year from today"])
def test_the_demo_data_is_dated_around_the_day_it_is_loaded(years_ahead):
    load_day = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=365 * years_ahead)
    # 09:00 UTC on that day: after the morning jobs would have run.
    load_at = load_day.replace(hour=9, minute=0, second=0, microsecond=0)
    with time_machine.travel(load_at, tick=False):
        ensure_seed_data()
        demo_load()
        today = timezone.localdate()

        assignment = Assignment.objects.get()
        assert assignment.period_start <= today <= assignment.period_end

        open_points = ActionPoint.objects.exclude(status="done").exclude(due_date=None)
        assert open_points.filter(due_date__lt=today).exists(), "some action points are overdue"
        assert open_points.filter(due_date__gte=today).exists(), "some action points are coming"

        published = Insats.objects.filter(status=Insats.Status.PUBLISHED)
        due = published.due_for_review(today).count()
        assert 0 < due < published.count(), "some insatser are due for review, not all"
        assert FreshnessSnapshot.objects.filter(day=today).exists()
        starts = list(Insats.objects.exclude(start_date=None).values_list("start_date", flat=True))
        assert starts and all(abs((start - today).days) < 366 for start in starts)

        assert Meeting.objects.filter(date__lt=today).exists()
        assert Meeting.objects.filter(date__gt=today).exists()

        # KIS: complete years up to last year; last year's round is the one in progress.
        years = sorted(Period.objects.values_list("year", flat=True))
        assert years[-1] == today.year - 1
        open_periods = Period.objects.filter(status=Period.Status.OPEN)
        assert list(open_periods.values_list("year", flat=True)) == [today.year - 1]
        assert open_periods.get().deadline == datetime.date(today.year, 2, 28)
        now = timezone.now()
        assert not Report.objects.filter(submitted_at__gt=now).exists(), "nothing was reported in the future"
        assert not Report.objects.filter(approved_at__gt=now).exists()

        _scheduled_reminders()
        sent = len(mail.outbox)
        assert sent > 0, "the demo gives the morning jobs something to remind about"
        # The same jobs again the same morning: nothing is sent twice.
        _scheduled_reminders()
        assert len(mail.outbox) == sent
