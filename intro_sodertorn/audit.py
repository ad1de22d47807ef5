"""The audit log: logins, failed and refused logins, logouts, password and role changes.

Events are recorded from Django's auth signals and from Role's save/delete signals, so every
way in (the portal's login page, Django admin, the shell) is covered. The user who changes a
role is taken from the request that is being served (``AuditContextMiddleware`` keeps it in
a context variable); a change made outside a request (a management command, the shell) has
no actor. The login throttle counts failures in this table, so it holds across every
gunicorn worker without a shared cache.
"""

import contextvars
import ipaddress
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .models import AuditEvent, Role

Kind = AuditEvent.Kind

_current_request = contextvars.ContextVar("audit_request", default=None)


class AuditContextMiddleware:
    """Keep the request being served where the audit signals can find its user and address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def client_ip(request):
    """The visitor's address: the proxy's X-Forwarded-For entry when the proxy is trusted.

    Behind a TLS-terminating proxy REMOTE_ADDR is the proxy itself; with
    DJANGO_USE_X_FORWARDED_FOR on, the rightmost address of X-Forwarded-For (the one our own
    proxy appended, which a client cannot forge) is used instead.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    if settings.USE_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-1]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _request_user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(kind, *, request=None, actor=None, target=None, username="", detail=None):
    """Store one event. The request (if any) gives the address and, unless given, the actor."""
    if request is None:
        request = _current_request.get()
    if actor is None:
        actor = _request_user(request)
    if not username and target is not None:
        username = target.get_username()
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        target=target,
        username=(username or "")[:150],
        ip_address=client_ip(request),
        detail=detail or {},
    )


# --- Auth signals ----------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def _on_logged_in(sender, request, user, **kwargs):
    record(Kind.LOGIN, request=request, actor=user, target=user)


@receiver(user_logged_out, dispatch_uid="audit_user_logged_out")
def _on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    record(Kind.LOGOUT, request=request, actor=user, target=user)


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the user name is kept.
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    record(Kind.LOGIN_FAILED, request=request, username=str(username))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="audit_password_changed")
def _on_user_saved(sender, instance, created, raw=False, **kwargs):
    # ``_password`` holds the new raw password between set_password() and save(); Django clears
    # it when it only re-hashes a password at login, so a hasher upgrade is not a change.
    if raw or created or getattr(instance, "_password", None) is None:
        return
    record(Kind.PASSWORD_CHANGED, target=instance)


# --- Roles -----------------------------------------------------------------------------------


def _role_state(role):
    return {
        "kind": role.kind,
        "municipality_id": role.municipality_id,
        "municipality": str(role.municipality) if role.municipality_id else "",
        "side": role.side,
    }


@receiver(pre_save, sender=Role, dispatch_uid="audit_role_pre_save")
def _remember_role_before(sender, instance, raw=False, **kwargs):
    instance._audit_before = None
    if raw or instance.pk is None:
        return
    before = Role.objects.filter(pk=instance.pk).select_related("municipality").first()
    instance._audit_before = _role_state(before) if before else None


@receiver(post_save, sender=Role, dispatch_uid="audit_role_post_save")
def _on_role_saved(sender, instance, created, raw=False, **kwargs):
    if raw:  # loading a backup or fixture is not a change made by anyone
        return
    state = _role_state(instance)
    before = getattr(instance, "_audit_before", None)
    if created:
        record(Kind.ROLE_GRANTED, target=instance.user, detail={"role": state})
    elif before != state:
        record(Kind.ROLE_CHANGED, target=instance.user, detail={"role": state, "before": before})


@receiver(post_delete, sender=Role, dispatch_uid="audit_role_post_delete")
def _on_role_deleted(sender, instance, origin=None, **kwargs):
    user_model = get_user_model()
    if isinstance(origin, user_model):
        # The whole user is being deleted: keep the name, not a link to a row about to vanish.
        record(Kind.ROLE_REVOKED, username=origin.get_username(), detail={"role": _role_state(instance)})
        return
    record(Kind.ROLE_REVOKED, target=instance.user, detail={"role": _role_state(instance)})


# --- Login throttle --------------------------------------------------------------------------


def login_blocked_until(username, ip, now=None):
    """When a login for this user name from this address may be tried again, or None if now.

    Blocked after LOGIN_FAILURES_PER_USERNAME failures for the same user name within
    LOGIN_THROTTLE_WINDOW seconds (a successful login starts the count again), or after
    LOGIN_FAILURES_PER_IP failures from one address in the same window, whatever user names
    they were for (a success does not reset this one: one's own account must not let an
    attacker go on guessing others').
    """
    now = now or timezone.now()
    window = timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW)
    start = now - window
    blocks = []
    if username:
        last_success = (
            AuditEvent.objects.filter(kind=Kind.LOGIN, username=username, at__gte=start)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        since = max(start, last_success) if last_success else start
        blocks.append(
            _retry_at(
                AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED, username=username, at__gt=since),
                settings.LOGIN_FAILURES_PER_USERNAME,
                window,
            )
        )
    if ip:
        blocks.append(
            _retry_at(
                AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED, ip_address=ip, at__gte=start),
                settings.LOGIN_FAILURES_PER_IP,
                window,
            )
        )
    blocks = [block for block in blocks if block is not None]
    return max(blocks) if blocks else None


def _retry_at(failures, limit, window):
    # The block lifts when the oldest of the last ``limit`` failures leaves the window.
    times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    if len(times) < limit:
        return None
    return times[-1] + window


def _address_limit_reached(kind, ip, limit, window_seconds, now=None):
    """True when this address has ``limit`` events of ``kind`` within the last ``window_seconds``."""
    if not ip:
        return False
    start = (now or timezone.now()) - timedelta(seconds=window_seconds)
    return AuditEvent.objects.filter(kind=kind, ip_address=ip, at__gte=start).count() >= limit


def password_reset_blocked(ip, now=None):
    """True when this address asked for PASSWORD_RESETS_PER_IP resets within the window."""
    limit, window = settings.PASSWORD_RESETS_PER_IP, settings.LOGIN_THROTTLE_WINDOW
    return _address_limit_reached(Kind.PASSWORD_RESET_REQUESTED, ip, limit, window, now)


def anonymous_form_blocked(ip, now=None):
    """True when this address sent ANONYMOUS_FORMS_PER_IP forms of the open part within the window."""
    limit, window = settings.ANONYMOUS_FORMS_PER_IP, settings.ANONYMOUS_FORM_WINDOW
    return _address_limit_reached(Kind.ANONYMOUS_FORM, ip, limit, window, now)


# --- Retention -------------------------------------------------------------------------------


def audit_purge_old(now=None):
    """Delete events older than AUDIT_RETENTION_DAYS; returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _per_model = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


@shared_task(name="intro_sodertorn.audit.purge_old_audit_events")
def purge_old_audit_events():
    return audit_purge_old()
