"""``manage.py run_job`` runs any scheduled job on demand (twice sends once); the embedded scheduler of make run."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from intro_sodertorn import jobs
from intro_sodertorn.models import ReminderLog
from uppdrag.models import ActionPoint

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))


@pytest.fixture
def overdue_point(cast):
    return ActionPoint.objects.create(
        title="Informationsinsats i Botkyrka", owner_user=cast["admin-huddinge"], due_date=datetime.date(2026, 11, 18)
    )


def test_run_job_twice_sends_once(overdue_point):
    with time_machine.travel(NOW, tick=False):
        call_command("run_job", "uppdrag-action-point-reminders", stdout=io.StringIO())
        call_command("run_job", "uppdrag-action-point-reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert "Informationsinsats i Botkyrka" in mail.outbox[0].subject
    assert ReminderLog.objects.filter(key__startswith=f"uppdrag:overdue:{overdue_point.pk}:").count() == 1


def test_every_scheduled_job_runs_by_name_and_by_task_name(cast):
    out = io.StringIO()
    call_command("run_job", "--all", stdout=out)
    names = [line.split(":")[0] for line in out.getvalue().splitlines()]
    assert names == list(jobs.scheduled_jobs())
    call_command("run_job", "uppdrag.tasks.send_weekly_digest", stdout=io.StringIO())


def test_an_unknown_job_is_an_error_naming_the_known_ones():
    with pytest.raises(CommandError, match="uppdrag-weekly-digest"):
        call_command("run_job", "uppdrag-nonsense")
    with pytest.raises(CommandError):
        call_command("run_job", "os.system")  # only scheduled tasks, never any importable name


def test_the_embedded_scheduler_runs_a_job_when_its_time_comes(overdue_point):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 6, 59, 40, tzinfo=NOW.tzinfo), tick=False) as traveller:
        scheduler = jobs.EmbeddedScheduler()
        assert scheduler.run_due() == []  # nothing is due at start
        assert mail.outbox == []
        traveller.shift(datetime.timedelta(seconds=30))  # 07:00:10: the action-point reminders are due
        ran = scheduler.run_due()
        assert "uppdrag-action-point-reminders" in ran
        assert len(mail.outbox) == 1
        traveller.shift(datetime.timedelta(seconds=30))
        assert "uppdrag-action-point-reminders" not in scheduler.run_due()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("argv", "environ", "redis", "wanted"),
    [
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, "", True),
        (["manage.py", "runserver", "--noreload"], {}, "", True),
        (["manage.py", "runserver"], {}, "", False),  # the autoreloader's parent process
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, "redis://localhost:6379/0", False),  # beat does it
        (["manage.py", "runserver"], {"RUN_MAIN": "true", "EMBEDDED_SCHEDULER": "0"}, "", False),
        (["manage.py", "migrate"], {"RUN_MAIN": "true"}, "", False),
        (["pytest"], {}, "", False),
    ],
)
def test_the_embedded_scheduler_starts_only_in_the_development_server_without_a_broker(argv, environ, redis, wanted):
    with override_settings(REDIS_URL=redis, CELERY_TASK_ALWAYS_EAGER=not redis):
        assert jobs.embedded_scheduler_wanted(argv, environ) is wanted


def test_the_embedded_scheduler_is_not_running_in_tests():
    assert jobs._started is None


def test_the_reminder_log_page_shows_what_was_sent_to_whom_about_which_item(client_as, overdue_point):
    with time_machine.travel(NOW, tick=False):
        call_command("run_job", "uppdrag-action-point-reminders", stdout=io.StringIO())
    page = client_as("strateg").get("/paminnelselogg/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Informationsinsats i Botkyrka" in html and overdue_point.owner_user.email in html
    assert f'href="/uppdrag/atgardspunkter/{overdue_point.pk}/"' in html
    assert "2026-11-23" in html
    filtered = client_as("admin").get("/paminnelselogg/?typ=uppdrag.digest").content.decode()
    assert "Informationsinsats i Botkyrka" not in filtered
    for username in ("lasare", "admin-huddinge", "introchef-botkyrka", "statistik-region"):
        response = client_as(username).get("/paminnelselogg/")
        assert response.status_code == 403 and overdue_point.owner_user.email not in response.content.decode()


def test_a_failed_sending_is_shown_in_the_log_and_sent_on_the_next_run(client_as, overdue_point, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise ConnectionRefusedError("SMTP nere")

    with time_machine.travel(NOW, tick=False):
        monkeypatch.setattr(EmailBackend, "send_messages", broken)
        with pytest.raises(ConnectionRefusedError):
            call_command("run_job", "uppdrag-action-point-reminders", stdout=io.StringIO())
        monkeypatch.undo()
        assert not ReminderLog.objects.filter(kind="uppdrag.overdue").exists()
        html = client_as("strateg").get("/paminnelselogg/").content.decode()
        assert "Misslyckades" in html and "SMTP nere" in html
        assert f'href="/uppdrag/atgardspunkter/{overdue_point.pk}/"' in html
        call_command("run_job", "uppdrag-action-point-reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.filter(kind="uppdrag.overdue").count() == 1
