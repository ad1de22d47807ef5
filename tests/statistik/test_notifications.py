"""People are told: a period opens, a report is submitted, returned and approved; reminders before
the deadline and when late; never twice; links with the portal's real address; a line at home."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intro_sodertorn.models import ReminderLog
from statistik import services
from statistik.models import Period, ReportEvent
from statistik.tasks import send_missed_notifications, send_report_reminders

pytestmark = pytest.mark.django_db

SITE = "https://portal.sodertorn.example"
REPORTER = "rapportor-botkyrka@exempel.se"
REGION = "statistik-region@exempel.se"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def open_period(catalogue):
    today = timezone.localdate()
    return Period.objects.create(year=today.year, deadline=today + datetime.timedelta(days=30), status="open")


@pytest.fixture
def report(make_report, municipalities, open_period):
    return make_report(municipalities["Botkyrka"], open_period)


def _full_post(report):
    """Every typed cell of the report filled with figures that agree, and the submit button."""
    data = {"submit": "1"}
    for indicator in report.version.indicators.filter(kind="typed"):
        parts = [key for key in indicator.keys if key != "T"]
        data |= {f"v-{indicator.code}-{key}": "1" for key in parts}
        data[f"v-{indicator.code}-T"] = str(max(len(parts), 1))
    data |= {"v-MOT_TOT-K": "2", "v-MOT_TOT-M": "2", "v-MOT_TOT-T": "4"}
    return data


def test_opening_a_period_tells_the_reporters_once_with_a_link_to_the_portal(
    client_as, catalogue, municipalities, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    period = Period.objects.create(year=today.year + 1, deadline=today + datetime.timedelta(days=60), status="closed")
    region = client_as("statistik-region")
    with django_capture_on_commit_callbacks(execute=True):
        region.post(reverse("statistik:periods"), {"period": period.pk, "status": "open"})
    # The cast's only reporter works for Botkyrka; the region hears which members have nobody to tell.
    assert [m.to for m in mail.outbox] == [[REPORTER], [REGION]]
    assert "Huddinge" in mail.outbox[1].body and "Botkyrka" not in mail.outbox[1].body
    message = mail.outbox[0]
    assert f"perioden {period} är öppen" in message.subject
    botkyrka = municipalities["Botkyrka"]
    assert f"{SITE}/statistik/rapport/{botkyrka.pk}/{period.pk}/" in message.body

    # The sweep, and opening it again while open, send nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        region.post(reverse("statistik:periods"), {"period": period.pk, "status": "open"})
    send_missed_notifications.delay()
    assert len(mail.outbox) == 2


def test_a_period_added_open_is_announced_too(client_as, catalogue, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    data = {"year": today.year + 2, "half": "", "deadline": (today + datetime.timedelta(days=90)).isoformat()}
    with django_capture_on_commit_callbacks(execute=True):
        client_as("statistik-region").post(reverse("statistik:periods"), data | {"status": "open"})
    assert [m.to for m in mail.outbox] == [[REPORTER], [REGION]]


def test_submit_tells_the_region_and_return_tells_the_reporter_with_the_comment(
    client_as, report, django_capture_on_commit_callbacks
):
    reporter, region = client_as("rapportor-botkyrka"), client_as("statistik-region")
    with django_capture_on_commit_callbacks(execute=True):
        reporter.post(reverse("statistik:report", args=[report.pk]), _full_post(report))
    report.refresh_from_db()
    assert report.status == "submitted"
    assert [m.to for m in mail.outbox] == [[REGION]]
    assert "Botkyrka har lämnat in sin rapport" in mail.outbox[0].subject
    assert f"{SITE}/statistik/rapporter/{report.pk}/" in mail.outbox[0].body
    # The region's home page lists it for approval.
    assert "väntar på ditt godkännande" in region.get("/").content.decode()

    comment = "Avslut till arbete för kvinnor verkar för högt, kontrollera."
    with django_capture_on_commit_callbacks(execute=True):
        region.post(reverse("statistik:report_review", args=[report.pk]), {"return": "1", "comment": comment})
    returned = mail.outbox[1]
    assert returned.to == [REPORTER] and "återsänd" in returned.subject and comment in returned.body
    # The reporter's home page and the report say so, with the region's comment.
    home = reporter.get("/").content.decode()
    assert "Återsänd av regionen:" in home and comment in home
    assert comment in reporter.get(reverse("statistik:report", args=[report.pk])).content.decode()


def test_approval_tells_the_reporter_and_shows_on_the_home_page(
    client_as, cast, make_report, municipalities, open_period, django_capture_on_commit_callbacks
):
    report = make_report(municipalities["Botkyrka"], open_period, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(report, cast["statistik-region"])
    assert [m.to for m in mail.outbox] == [[REPORTER]] and "är godkänd" in mail.outbox[0].subject
    home = client_as("rapportor-botkyrka").get("/").content.decode()
    assert "godkänd av regionen" in home


def test_what_the_queue_missed_is_sent_by_the_sweep_once(cast, report):
    # Without the on-commit callbacks run (a queue that was down), nothing is sent at first ...
    services.report_submit(report, cast["rapportor-botkyrka"])
    assert mail.outbox == []
    # ... the scheduled sweep sends it, and a second sweep sends nothing more.
    assert send_missed_notifications.delay().get() == 1
    assert send_missed_notifications.delay().get() == 0
    assert [m.to for m in mail.outbox] == [[REGION]]
    event = ReportEvent.objects.get(report=report, action="submitted")
    assert ReminderLog.objects.filter(key=f"statistik:event:{event.pk}").count() == 1


def test_a_mail_server_that_is_down_does_not_turn_a_submission_into_an_error(
    client_as, report, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.intro_sodertorn.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("rapportor-botkyrka").post(
            reverse("statistik:report", args=[report.pk]), _full_post(report)
        )
    report.refresh_from_db()
    assert response.status_code == 302 and report.status == "submitted"
    # Not logged as sent, so the sweep tries again (the failure itself is logged under its own key).
    assert not ReminderLog.objects.exclude(key__startswith="failed:").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_missed_notifications.delay().get() == 1


def test_reminders_before_the_deadline_and_when_late_never_twice_with_real_links(open_period, cast, municipalities):
    deadline = open_period.deadline
    with time_machine.travel(deadline - datetime.timedelta(days=20)):
        assert send_report_reminders.delay().get() == 0  # too early
    with time_machine.travel(deadline - datetime.timedelta(days=3)):
        send_report_reminders.delay()
        send_report_reminders.delay()
    with time_machine.travel(deadline + datetime.timedelta(days=2)):
        send_report_reminders.delay()
        send_report_reminders.delay()
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2 and "senast" in subjects[0] and "försenad" in subjects[1]
    botkyrka = municipalities["Botkyrka"]
    assert all(f"{SITE}/statistik/rapport/{botkyrka.pk}/{open_period.pk}/" in m.body for m in mail.outbox)
