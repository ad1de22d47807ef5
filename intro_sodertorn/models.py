"""Shared models: roles, export jobs, the reminder log and the demo-data marker."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .storage import export_storage, export_upload_to


class Role(models.Model):
    """A role a user holds, scoped to a municipality or regional."""

    class Kind(models.TextChoices):
        INSATS_ADMIN = "insats_admin", _("Insats administrator")
        STAT_REPORTER = "stat_reporter", _("Statistics reporter")
        INTRO_MANAGER = "intro_manager", _("Intro manager")
        STRATEGIST = "strategist", _("Regional strategist")
        STAT_ADMIN = "stat_admin", _("Regional statistics administrator")

    class Side(models.TextChoices):
        INTRO = "intro", _("Introduction")
        SFI = "sfi", _("SFI")

    MUNICIPAL_KINDS = (Kind.INSATS_ADMIN, Kind.STAT_REPORTER, Kind.INTRO_MANAGER)
    REGIONAL_KINDS = (Kind.STRATEGIST, Kind.STAT_ADMIN)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        "natverk.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        help_text=_("Required for municipal roles, empty for regional roles."),
    )
    side = models.CharField(
        _("side"), max_length=10, choices=Side.choices, blank=True, help_text=_("Only for insats administrators.")
    )

    class Meta:
        ordering = ["user__username", "kind"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["insats_admin", "stat_reporter", "intro_manager"]) & Q(municipality__isnull=False)
                )
                | (Q(kind__in=["strategist", "stat_admin"]) & Q(municipality__isnull=True)),
                name="role_municipality_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="insats_admin", side__in=["intro", "sfi"]) | (~Q(kind="insats_admin") & Q(side="")),
                name="role_side_only_for_insats_admin",
            ),
            models.UniqueConstraint(fields=["user", "kind", "municipality", "side"], name="role_unique_per_user"),
        ]

    def __str__(self):
        if self.municipality_id:
            suffix = f" ({self.get_side_display()})" if self.side else ""
            return f"{self.get_kind_display()}{suffix}, {self.municipality}"
        return str(self.get_kind_display())


class ExportJob(models.Model):
    """An Excel export asked for by a user and produced in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("kind"), max_length=100, help_text=_("Key of the registered export."))
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # The file system or a bucket, from the environment (intro_sodertorn/storage.py).
    file = models.FileField(_("file"), upload_to=export_upload_to, storage=export_storage, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        indexes = [
            # "Mina exporter": a user's own jobs, newest first.
            models.Index(fields=["user", "-created_at"], name="exportjob_user_created_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ReminderLog(models.Model):
    """Every reminder sent, under a unique key, so the same reminder is never sent twice."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=100)
    recipients = models.TextField(_("recipients"))
    subject = models.CharField(_("subject"), max_length=255)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminder log")

    def __str__(self):
        return self.key


class DemoData(models.Model):
    """Marks a database that holds the fictitious demo data, so every page says so."""

    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("demo data")
        verbose_name_plural = _("demo data")

    def __str__(self):
        return f"Demo data {self.loaded_at:%Y-%m-%d}"


class AccessibilityReport(models.Model):
    """A problem with accessibility reported by a visitor through /tillganglighet/."""

    page_url = models.CharField(_("page"), max_length=500, blank=True)
    description = models.TextField(_("description of the problem"))
    email = models.EmailField(_("e-mail for an answer"), blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True, db_index=True)
    # False while the report waits to be told (more than ACCESSIBILITY_MAILS_PER_HOUR came in an hour): the next
    # e-mail counts it, and Django admin lists every report.
    mailed = models.BooleanField(_("told by e-mail"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("accessibility report")
        verbose_name_plural = _("accessibility reports")

    def __str__(self):
        return self.description[:60]


class AuditEvent(models.Model):
    """One security event: a login, a failed or refused login, a logout, a role or password change.

    Only what an investigation needs is kept (who, whom, when, from which address) and every
    event is deleted after AUDIT_RETENTION_DAYS by a nightly job (intro_sodertorn.audit).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        LOGIN_FAILED = "login_failed", _("Failed login")
        THROTTLED = "throttled", _("Login refused: too many failures")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset asked for")
        PASSWORD_RESET_THROTTLED = "password_reset_throttled", _("Password reset refused: too many requests")
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_CHANGED = "role_changed", _("Role changed")
        ROLE_REVOKED = "role_revoked", _("Role revoked")
        ANONYMOUS_FORM = "anonymous_form", _("Form sent from the open part")
        ANONYMOUS_FORM_THROTTLED = "anonymous_form_throttled", _("Form refused: too many from one address")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concerns"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    username = models.CharField(
        _("user name"),
        max_length=150,
        blank=True,
        help_text=_("As typed for a failed login; the user's name at the time otherwise."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        indexes = [
            # The login throttle counts recent failures per user name and per address.
            models.Index(fields=["kind", "username", "at"], name="auditevent_kind_user_at_idx"),
            models.Index(fields=["kind", "ip_address", "at"], name="auditevent_kind_ip_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"
