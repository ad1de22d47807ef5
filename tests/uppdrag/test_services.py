"""Uppdrag services: scheduled reminders, the weekly digest, decisions, the report content."""

import datetime

import pytest
import time_machine
from django.core import mail

from intro_sodertorn.models import ReminderLog
from natverk.models import Contact
from uppdrag import tasks
from uppdrag.models import ActionPoint, ReminderSetting
from uppdrag.services import report_build

pytestmark = pytest.mark.django_db


def at(day):
    """Freeze time at 07:00 Stockholm time on the day (when the scheduled job runs)."""
    return time_machine.travel(datetime.datetime(*day, 7, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1))))


def test_owner_gets_one_reminder_seven_days_before_the_due_date_even_if_the_job_runs_twice(points):
    # The Huddinge point is due 2026-11-28: a week before is 2026-11-21.
    with at((2026, 11, 20)):
        tasks.send_action_point_reminders()
    assert not [m for m in mail.outbox if "admin-huddinge@exempel.se" in m.to]
    with at((2026, 11, 21)):
        tasks.send_action_point_reminders()
        tasks.send_action_point_reminders()
    to_owner = [m for m in mail.outbox if m.to == ["admin-huddinge@exempel.se"]]
    assert len(to_owner) == 1
    assert "Rutin för insatsbasen i Huddinge" in to_owner[0].subject
    assert f"/uppdrag/atgardspunkter/{points['huddinge'].pk}/" in to_owner[0].body


def test_the_personal_setting_changes_when_the_reminder_comes(points, cast):
    ReminderSetting.objects.create(user=cast["admin-huddinge"], days_before=2)
    with at((2026, 11, 21)):
        tasks.send_action_point_reminders()
    assert not [m for m in mail.outbox if m.to == ["admin-huddinge@exempel.se"]]
    with at((2026, 11, 26)):
        tasks.send_action_point_reminders()
    assert len([m for m in mail.outbox if m.to == ["admin-huddinge@exempel.se"]]) == 1


def test_an_overdue_point_gives_one_more_reminder(points):
    with at((2026, 11, 21)):
        tasks.send_action_point_reminders()
    with at((2026, 11, 29)):
        tasks.send_action_point_reminders()
        tasks.send_action_point_reminders()
    subjects = [m.subject for m in mail.outbox if m.to == ["admin-huddinge@exempel.se"]]
    assert len(subjects) == 2
    assert subjects[1].startswith("Försenad åtgärdspunkt")


def test_a_point_closed_in_the_meantime_gets_no_reminder(points):
    points["huddinge"].status_set("done")
    with at((2026, 11, 21)):
        tasks.send_action_point_reminders()
    with at((2026, 11, 29)):
        tasks.send_action_point_reminders()
    assert not [m for m in mail.outbox if m.to == ["admin-huddinge@exempel.se"]]
    assert not ReminderLog.objects.filter(key__contains=f":{points['huddinge'].pk}:").exists()


def test_an_owner_contact_without_an_account_gets_the_reminder_by_e_mail(points):
    contact = Contact.objects.create(name="Fiktiv Kontakt", email="kontakt@exempel.se")
    ActionPoint.objects.create(title="Skicka underlag", owner_contact=contact, due_date=datetime.date(2026, 11, 25))
    with at((2026, 11, 23)):
        tasks.send_action_point_reminders()
    assert len([m for m in mail.outbox if m.to == ["kontakt@exempel.se"]]) == 1


def test_a_watch_item_reminds_at_the_start_of_its_expected_month_once(cast):
    ActionPoint.objects.create(
        title="Förordning om samhällsorientering",
        kind="watch",
        status="waiting",
        expected_month=datetime.date(2026, 12, 1),
        expected_text="aug–sep",
    )
    with at((2026, 11, 30)):
        tasks.send_action_point_reminders()
    assert not mail.outbox
    with at((2026, 12, 1)):
        tasks.send_action_point_reminders()
    with at((2026, 12, 2)):
        tasks.send_action_point_reminders()
    assert len(mail.outbox) == 1
    # No owner: it goes to the strategist.
    assert mail.outbox[0].to == ["strateg@exempel.se"]
    assert "Förordning om samhällsorientering" in mail.outbox[0].subject


def test_the_weekly_digest_goes_to_the_strategist_once_a_week(points):
    with at((2026, 11, 23)):
        tasks.send_weekly_digest()
        tasks.send_weekly_digest()
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["strateg@exempel.se"]
    assert "vecka 48" in digest.subject
    overdue_part, coming_part = digest.body.split("Ska vara klara inom")
    assert "Informationsinsats i Botkyrka" in overdue_part
    assert "Rapport till Lst/MIV" in coming_part
    with at((2026, 11, 30)):
        tasks.send_weekly_digest()
    assert len(mail.outbox) == 2


def test_the_weekly_digest_is_not_sent_when_nothing_needs_attention(points):
    for point in points.values():
        point.status_set("done")
    with at((2026, 11, 23)):
        tasks.send_weekly_digest()
    assert not mail.outbox


def test_a_report_lists_a_closed_point_only_if_something_happened_in_the_period(points, assignment):
    points["regional"].status_set("done")
    with at((2026, 11, 23)):
        in_period = report_build(assignment, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    before = report_build(assignment, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    titles_now = [p["title"] for section in in_period["commitments"] for p in section["points"]]
    titles_before = [p["title"] for section in before["commitments"] for p in section["points"]]
    assert "Rapport till Lst/MIV" in titles_now
    assert "Rapport till Lst/MIV" not in titles_before
