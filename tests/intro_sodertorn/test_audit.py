"""The audit log records logins, failures, logouts, password and role changes; only system administrators read it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intro_sodertorn.audit import audit_purge_old
from intro_sodertorn.models import AuditEvent, Role

pytestmark = pytest.mark.django_db
Kind = AuditEvent.Kind


def _events(kind):
    return list(AuditEvent.objects.filter(kind=kind))


def test_a_login_through_the_login_page_is_recorded_with_user_and_address(cast, anonymous_client):
    anonymous_client.post("/logga-in/", {"username": "lasare", "password": "demo"}, REMOTE_ADDR="192.0.2.7")
    [event] = _events(Kind.LOGIN)
    assert event.target == cast["lasare"] and event.actor == cast["lasare"]
    assert event.username == "lasare" and event.ip_address == "192.0.2.7"


def test_a_failed_login_keeps_the_user_name_as_typed_but_never_the_password(cast, anonymous_client):
    anonymous_client.post("/logga-in/", {"username": "Lasare ", "password": "hemligt123"}, REMOTE_ADDR="192.0.2.8")
    [event] = _events(Kind.LOGIN_FAILED)
    assert event.username == "Lasare" and event.target is None and event.ip_address == "192.0.2.8"
    assert "hemligt123" not in str(event.detail)


def test_a_logout_is_recorded(client_as, cast):
    client_as("strateg").post("/logga-ut/")
    [event] = _events(Kind.LOGOUT)
    assert event.target == cast["strateg"]


def test_a_password_change_is_recorded_but_not_a_login(client_as, cast):
    client = client_as("lasare")
    response = client.post(
        reverse("password_change"),
        {"old_password": "demo", "new_password1": "Sodertorn-2026-vinter", "new_password2": "Sodertorn-2026-vinter"},
    )
    assert response.status_code == 302
    [event] = _events(Kind.PASSWORD_CHANGED)
    assert event.target == cast["lasare"] and event.actor == cast["lasare"]


def test_a_role_granted_changed_and_revoked_in_admin_is_recorded_with_the_administrator_as_actor(
    client_as, cast, municipalities
):
    admin = client_as("admin")
    lasare = cast["lasare"]
    huddinge, botkyrka = municipalities["Huddinge"], municipalities["Botkyrka"]
    response = admin.post(
        reverse("admin:portal_role_add"),
        {"user": lasare.pk, "kind": "stat_reporter", "municipality": huddinge.pk, "side": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    role = Role.objects.get(user=lasare)
    admin.post(
        reverse("admin:portal_role_change", args=[role.pk]),
        {"user": lasare.pk, "kind": "stat_reporter", "municipality": botkyrka.pk, "side": ""},
    )
    admin.post(reverse("admin:portal_role_delete", args=[role.pk]), {"post": "yes"})

    granted, changed, revoked = (_events(kind) for kind in (Kind.ROLE_GRANTED, Kind.ROLE_CHANGED, Kind.ROLE_REVOKED))
    mine = [e for e in granted if e.target == lasare]
    assert len(mine) == 1 and mine[0].actor == cast["admin"]
    assert mine[0].detail["role"]["municipality"] == "Huddinge"
    [change] = changed
    assert change.actor == cast["admin"] and change.target == lasare
    assert change.detail["before"]["municipality"] == "Huddinge" and change.detail["role"]["municipality"] == "Botkyrka"
    [revoke] = revoked
    assert revoke.actor == cast["admin"] and revoke.target == lasare


def test_saving_a_role_unchanged_records_nothing(cast):
    role = Role.objects.filter(user=cast["strateg"]).first()
    before = AuditEvent.objects.count()
    role.save()
    assert AuditEvent.objects.count() == before


def test_deleting_a_user_keeps_the_revoked_roles_by_name(cast):
    cast["rapportor-botkyrka"].delete()
    revoked = _events(Kind.ROLE_REVOKED)
    assert revoked and all(e.username == "rapportor-botkyrka" and e.target is None for e in revoked)


def test_events_older_than_the_retention_period_are_deleted(cast, settings):
    settings.AUDIT_RETENTION_DAYS = 180
    old = AuditEvent.objects.create(kind=Kind.LOGIN_FAILED, username="x")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=181))
    recent = AuditEvent.objects.create(kind=Kind.LOGIN_FAILED, username="y")
    AuditEvent.objects.filter(pk=recent.pk).update(at=timezone.now() - timedelta(days=179))
    assert audit_purge_old() == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists() and AuditEvent.objects.filter(pk=recent.pk).exists()


def test_the_cleanup_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "intro_sodertorn.audit.purge_old_audit_events" in tasks


# --- The page ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(anonymous_client):
    response = anonymous_client.get("/granskningslogg/")
    assert response.status_code == 302 and response.url.startswith("/logga-in/")


@pytest.mark.parametrize("username", ["lasare", "strateg", "statistik-region", "admin-huddinge"])
def test_other_users_are_refused(client_as, username):
    assert client_as(username).get("/granskningslogg/").status_code == 403


def test_the_system_administrator_reads_filters_and_pages_the_log(client_as, cast, anonymous_client):
    for _ in range(3):
        anonymous_client.post("/logga-in/", {"username": "strateg", "password": "fel"})
    AuditEvent.objects.bulk_create([AuditEvent(kind=Kind.LOGOUT, username="lasare") for _ in range(60)])
    client = client_as("admin")
    body = client.get("/granskningslogg/").content.decode()
    assert "Granskningslogg" in body and "Misslyckad inloggning" in body
    assert "Sida 1 av" in body

    failed = client.get("/granskningslogg/", {"kind": "login_failed"}).content.decode()
    assert failed.count("<td>Misslyckad inloggning</td>") == 3 and "<td>Utloggad</td>" not in failed

    by_user = client.get("/granskningslogg/", {"user": cast["strateg"].pk}).content.decode()
    assert "<td>Misslyckad inloggning</td>" in by_user and "<td>Utloggad</td>" not in by_user


def test_the_user_menu_links_the_log_for_system_administrators_only(client_as):
    assert "/granskningslogg/" in client_as("admin").get("/").content.decode()
    assert "/granskningslogg/" not in client_as("strateg").get("/").content.decode()


def test_the_log_is_read_only_in_admin(client_as):
    client = client_as("admin")
    assert client.get(reverse("admin:portal_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:portal_auditevent_add")).status_code == 403
