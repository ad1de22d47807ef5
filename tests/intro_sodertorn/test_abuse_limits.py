"""Abuse limits on the form anyone can send (the accessibility report): per address, a trap field, and a cap on
e-mails to staff per hour with the excess kept in the portal and counted in the next e-mail."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from intro_sodertorn.models import AccessibilityReport, AuditEvent

pytestmark = pytest.mark.django_db


def report(client, ip, text="Knappen syns inte i högkontrastläge.", **extra):
    return client.post(
        "/tillganglighet/", {"page_url": "/katalog/", "description": text, "email": "", **extra}, REMOTE_ADDR=ip
    )


def test_one_address_may_send_five_an_hour_and_is_told_in_swedish(cast, anonymous_client, settings):
    for number in range(settings.ANONYMOUS_FORMS_PER_IP):
        assert report(anonymous_client, "192.0.2.40", f"Problem {number}").status_code == 302
    response = report(anonymous_client, "192.0.2.40", "Ett problem till")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vänta en timme" in page and "Ett problem till" in page, "refused, with what was written kept"
    assert not AccessibilityReport.objects.filter(description="Ett problem till").exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ANONYMOUS_FORM_THROTTLED).count() == 1
    # Another address is not blocked, and the first one may send again an hour later.
    assert report(anonymous_client, "192.0.2.41").status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert report(anonymous_client, "192.0.2.40", "Nästa timme").status_code == 302


def test_the_trap_field_keeps_nothing_and_sends_nothing(cast, anonymous_client):
    response = report(anonymous_client, "192.0.2.42", website="http://spam.example")
    assert response.status_code == 302  # answered as if received
    assert not AccessibilityReport.objects.exists() and mail.outbox == []


def test_at_most_ten_mails_an_hour_the_rest_kept_and_counted(cast, anonymous_client, settings):
    limit = settings.ACCESSIBILITY_MAILS_PER_HOUR
    start = timezone.now()
    for number in range(limit + 3):  # from as many addresses: the per-address limit is not what stops them
        assert report(anonymous_client, f"198.51.100.{number + 1}", f"Rapport {number}").status_code == 302
    assert AccessibilityReport.objects.count() == limit + 3
    assert len(mail.outbox) == limit
    assert AccessibilityReport.objects.filter(mailed=False).count() == 3
    with time_machine.travel(start + datetime.timedelta(minutes=61)):
        report(anonymous_client, "203.0.113.9", "Efter en timme")
    assert len(mail.outbox) == limit + 1
    body = mail.outbox[-1].body
    assert "Efter en timme" in body and "3 rapporter till kom in" in body
    assert "/admin/portal/accessibilityreport/" in body
    assert not AccessibilityReport.objects.filter(mailed=False).exists()
