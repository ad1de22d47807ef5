"""Security of the portal: login throttle, cookies and headers, CSP, no personal data in URLs or logs."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intro_sodertorn.models import AuditEvent

Kind = AuditEvent.Kind


def _fail(client, username="strateg", ip="192.0.2.10"):
    return client.post("/logga-in/", {"username": username, "password": "fel"}, REMOTE_ADDR=ip)


def _login(client, username="strateg", ip="192.0.2.10", password="demo"):
    return client.post("/logga-in/", {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- Login throttle ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_after_five_failures_even_the_right_password_is_refused_with_a_time_to_try_again(cast, anonymous_client):
    for _ in range(5):
        assert _fail(anonymous_client).status_code == 200
    response = _login(anonymous_client)
    body = response.content.decode()
    assert response.status_code == 200 and "_auth_user_id" not in anonymous_client.session
    retry = timezone.localtime(AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED).earliest("at").at) + timedelta(
        minutes=15
    )
    assert "För många misslyckade inloggningar" in body and f"{retry:%H:%M}" in body
    assert AuditEvent.objects.filter(kind=Kind.THROTTLED, username="strateg").count() == 1
    # Refused attempts do not try the password, so they are not counted as failures.
    assert AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED).count() == 5


@pytest.mark.django_db
def test_four_failures_still_let_the_right_password_in_and_a_success_starts_the_count_again(cast, anonymous_client):
    for _ in range(4):
        _fail(anonymous_client)
    assert _login(anonymous_client).status_code == 302
    anonymous_client.post("/logga-ut/")
    for _ in range(4):
        _fail(anonymous_client)
    assert _login(anonymous_client).status_code == 302


@pytest.mark.django_db
def test_the_block_lifts_after_fifteen_minutes(cast, anonymous_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _fail(anonymous_client)
        assert _login(anonymous_client).status_code == 200
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert _login(anonymous_client).status_code == 200
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert _login(anonymous_client).status_code == 302


@pytest.mark.django_db
def test_one_user_names_block_does_not_lock_out_another_user(cast, anonymous_client):
    for _ in range(5):
        _fail(anonymous_client, "strateg")
    assert _login(anonymous_client, "lasare").status_code == 302


@pytest.mark.django_db
def test_an_address_guessing_many_user_names_is_blocked_and_others_are_not(cast, anonymous_client, settings):
    for number in range(settings.LOGIN_FAILURES_PER_IP):
        _fail(anonymous_client, f"gissning{number}", ip="198.51.100.1")
    assert _login(anonymous_client, "lasare", ip="198.51.100.1").status_code == 200
    assert _login(anonymous_client, "lasare", ip="198.51.100.2").status_code == 302


@pytest.mark.django_db
def test_the_address_is_the_proxys_last_forwarded_entry_only_when_trusted(cast, anonymous_client, settings):
    settings.USE_X_FORWARDED_FOR = True
    anonymous_client.post(
        "/logga-in/",
        {"username": "x", "password": "y"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.99, 192.0.2.55",
    )
    settings.USE_X_FORWARDED_FOR = False
    anonymous_client.post(
        "/logga-in/", {"username": "x", "password": "y"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.55"
    )
    addresses = list(
        AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED).order_by("at").values_list("ip_address", flat=True)
    )
    assert addresses == ["192.0.2.55", "10.0.0.1"]


@pytest.mark.django_db
def test_the_admin_login_page_is_throttled_too(cast, anonymous_client):
    for _ in range(5):
        anonymous_client.post("/admin/login/", {"username": "admin", "password": "fel"}, REMOTE_ADDR="192.0.2.20")
    response = anonymous_client.post(
        "/admin/login/", {"username": "admin", "password": "demo"}, REMOTE_ADDR="192.0.2.20"
    )
    assert response.status_code == 200 and "För många misslyckade inloggningar" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_is_throttled_per_address(cast, anonymous_client, settings):
    for _ in range(settings.PASSWORD_RESETS_PER_IP):
        response = anonymous_client.post(
            reverse("password_reset"), {"email": cast["lasare"].email}, REMOTE_ADDR="192.0.2.30"
        )
        assert response.status_code == 302
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_IP
    response = anonymous_client.post(
        reverse("password_reset"), {"email": cast["lasare"].email}, REMOTE_ADDR="192.0.2.30"
    )
    assert response.status_code == 200 and "För många begäranden" in response.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_IP
    assert AuditEvent.objects.filter(kind=Kind.PASSWORD_RESET_THROTTLED).count() == 1
    # The e-mail typed is not stored: it may be someone else's.
    assert not AuditEvent.objects.filter(username=cast["lasare"].email).exists()
