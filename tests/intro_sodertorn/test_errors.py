"""Errors reach someone: a 500 and a failed task are e-mailed to ADMINS without what the visitor typed;
a failed e-mail is logged, not silent."""

import logging

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from intro_sodertorn.exports import export_start, register_export

PRIVATE = "Anna Svensson 19850101-1234"


def broken_view(request):
    raise RuntimeError("the view broke")


def fine_view(request):
    return HttpResponse("ok")


# This module is the ROOT_URLCONF of the tests below: the portal's URLs (the 500 page links to them) and two more.
urlpatterns = [path("trasig/", broken_view), path("hel/", fine_view), path("", include("intro_sodertorn.urls"))]


@pytest.fixture
def admins(settings):
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = ["drift@example.se", "it@example.se"]
    settings.SERVER_EMAIL = "portal-fel@example.se"
    return settings


@pytest.mark.django_db
def test_a_500_is_mailed_to_the_admins_without_body_cookies_or_query_string(admins):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "secret-session-value"
    client.cookies["extra"] = PRIVATE
    response = client.post(
        f"/trasig/?q={PRIVATE.replace(' ', '+')}",
        {"name": PRIVATE, "email": "anna@example.se"},
        HTTP_REFERER=f"https://portal.example.se/natverk/?q={PRIVATE}",
    )
    assert response.status_code == 500
    assert len(mail.outbox) == 1, "one e-mail, not one per logger"
    message = mail.outbox[0]
    assert message.to == ["drift@example.se", "it@example.se"]
    assert message.from_email == "portal-fel@example.se"
    assert "/trasig/" in message.subject
    assert "RuntimeError" in message.body and "the view broke" in message.body
    # Field names are kept, their values are not.
    assert "name = " in message.body and "q = " in message.body
    for private in ("Anna", "19850101", "anna@example.se", "secret-session-value", "Svensson"):
        assert private not in message.body, private
        assert private not in message.subject
    assert not message.alternatives, "no HTML version with the traceback's local variables"


@pytest.mark.django_db
def test_nothing_is_mailed_for_a_page_that_works_or_without_admins(admins):
    Client().get("/hel/")
    assert mail.outbox == []
    admins.ADMINS = []
    Client(raise_request_exception=False).get("/trasig/")
    assert mail.outbox == []


def test_a_failed_celery_task_is_mailed_to_the_admins(admins):
    logging.getLogger("celery.app.trace").error("Task %s raised unexpected: %r", "x.y", RuntimeError("boom"))
    assert len(mail.outbox) == 1
    assert "Task x.y raised unexpected" in mail.outbox[0].subject


def test_a_made_up_host_header_is_not_mailed(admins):
    admins.ALLOWED_HOSTS = ["portal.example.se"]
    Client(raise_request_exception=False).get("/hel/", HTTP_HOST="scanner.example.com")
    assert mail.outbox == []


@register_export("tests.errors.tiny")
def build_tiny(job, writer, progress):
    writer.add_sheet("Blad", header=["A"]).append(["1"])
    return "liten.xlsx"


@pytest.mark.django_db
def test_an_export_whose_mail_fails_is_done_and_the_failure_logged(
    cast, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.intro_sodertorn.failing_backend.FailingBackend"
    user = cast["strateg"]
    assert user.email
    with (
        caplog.at_level(logging.ERROR, logger="intro_sodertorn.exports"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = export_start(user, "tests.errors.tiny", "Liten")
    job.refresh_from_db()
    assert job.status == "done"
    records = [record for record in caplog.records if "could not be sent" in record.getMessage()]
    assert len(records) == 1
    assert user.email not in records[0].getMessage()
    assert records[0].exc_info[0] is ConnectionError


@pytest.mark.django_db
def test_an_accessibility_report_whose_mail_fails_is_kept_and_logged(settings, caplog):
    from intro_sodertorn.models import AccessibilityReport

    settings.EMAIL_BACKEND = "tests.intro_sodertorn.failing_backend.FailingBackend"
    settings.ADMINS = ["drift@example.se"]
    with caplog.at_level(logging.ERROR, logger="intro_sodertorn.views"):
        response = Client().post("/tillganglighet/", {"page_url": "/katalog/", "description": "Knappen syns inte"})
    assert response.status_code == 302
    assert AccessibilityReport.objects.filter(description="Knappen syns inte").exists()
    assert any("could not be sent" in record.getMessage() for record in caplog.records)
