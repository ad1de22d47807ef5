"""Views of the portal core: home, exports, accessibility statement, health check."""

import datetime
import logging
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import access, audit
from .forms import cap_text_fields
from .home import home_panels
from .models import AccessibilityReport, AuditEvent, ExportJob, Role
from .xlsx import XLSX_CONTENT_TYPE

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
    roles = access.roles_of(request.user)
    context = {
        "roles": roles,
        "panels": home_panels(request),
        "recent_exports": ExportJob.objects.filter(user=request.user)[:3],
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    """For the load balancer and docker compose's health check: no login, no personal data.

    200 while the database answers; Redis is reported separately and does not make the portal
    unhealthy (pages work without it, only exports wait), 503 when the database does not answer.
    """
    checks = {"database": _database_state(), "redis": _redis_state()}
    healthy = checks["database"] == "ok"
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def _database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def _redis_state():
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return "error"
    return "ok"


@login_required
@require_GET
def export_list(request):
    jobs = ExportJob.objects.filter(user=request.user)[:100]
    running = any(not job.is_finished for job in jobs)
    return render(
        request, "exports.html", {"jobs": jobs, "running": running, "retention": settings.EXPORT_RETENTION_DAYS}
    )


@never_cache
@login_required
@require_GET
def export_status(request):
    """The state of the user's own export jobs named by ``?id=`` (at most 100), for static/js/exports.js:
    "Mina exporter" asks every five seconds while a job runs and replaces the job's row (no page reload)."""
    ids = []
    for value in request.GET.getlist("id")[:100]:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    jobs = ExportJob.objects.filter(user=request.user, pk__in=ids)
    return JsonResponse(
        {
            "jobs": [
                {
                    "id": str(job.pk),
                    "finished": job.is_finished,
                    "announcement": f"{job.title}: {job.get_status_display()}.",
                    "row": render_to_string("includes/export_row.html", {"job": job}, request=request),
                }
                for job in jobs
            ]
        }
    )


@login_required
@require_GET
def export_download(request, pk):
    # Only the owner: anyone else gets 404, not even a hint that the job exists.
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    # Streamed by the portal from the export storage (the file system or a private bucket), never a redirect to a
    # signed URL: the owner check above covers every download and the bucket need not be reachable from browsers.
    try:
        file = job.file.storage.open(job.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None  # deleted meanwhile (retention, erasure)
    name = job.file.name.rsplit("/", 1)[-1]
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


# The result stated on /tillganglighet/: update when tests/accessibility changes (the number of
# screens is the number of URL names with a case in tests/accessibility/cases.py).
ACCESSIBILITY_MEASUREMENT = {"screens": 79, "states": 124, "axe_version": "4.11.4", "measured_on": "2026-12-01"}


@cap_text_fields
class AccessibilityReportForm(forms.ModelForm):
    class Meta:
        model = AccessibilityReport
        fields = ["page_url", "description", "email"]
        labels = {
            "page_url": gettext_lazy("Which page (address or name)"),
            "description": gettext_lazy("What did not work?"),
            "email": gettext_lazy("Your e-mail, if you want an answer"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


@require_http_methods(["GET", "POST"])
def accessibility(request):
    form = AccessibilityReportForm(request.POST or None, initial={"page_url": request.GET.get("sida", "")})
    if request.method == "POST" and form.is_valid():
        if request.POST.get("website"):
            # The hidden field only a robot fills in: answered as if received, nothing kept or sent.
            messages.success(request, _("Thank you. Your report has been sent to the regional strategist."))
            return redirect("accessibility")
        if audit.anonymous_form_blocked(audit.client_ip(request)):
            audit.record(AuditEvent.Kind.ANONYMOUS_FORM_THROTTLED, request=request, detail={"form": "accessibility"})
            form.add_error(
                None,
                _(
                    "Many reports have been sent from your connection in the last hour. Wait an hour and send it "
                    "again – what you wrote is still here."
                ),
            )
        else:
            audit.record(AuditEvent.Kind.ANONYMOUS_FORM, request=request, detail={"form": "accessibility"})
            report = form.save()
            accessibility_report_notify(report)
            messages.success(request, _("Thank you. Your report has been sent to the regional strategist."))
            return redirect("accessibility")
    return render(request, "accessibility.html", {"form": form, **ACCESSIBILITY_MEASUREMENT})


def accessibility_report_notify(report):
    """Send a reported accessibility problem to every strategist, at most ACCESSIBILITY_MAILS_PER_HOUR e-mails an
    hour: beyond that the report is kept unmailed (Django admin lists it) and the next e-mail counts the waiting
    ones, so a flood from many addresses cannot bury the strategist's inbox."""
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    if AccessibilityReport.objects.filter(mailed=True, created_at__gte=hour_ago).count() >= (
        settings.ACCESSIBILITY_MAILS_PER_HOUR
    ):
        return
    waiting = AccessibilityReport.objects.filter(mailed=False).exclude(pk=report.pk)
    waiting_ids = list(waiting.values_list("pk", flat=True))
    addresses = list(
        Role.objects.filter(kind=Role.Kind.STRATEGIST, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not addresses:
        # Django 6: ADMINS is a list of addresses (an old-style (name, address) pair is still read).
        addresses = [entry[1] if isinstance(entry, (tuple, list)) else entry for entry in settings.ADMINS]
    body = _("Page: %(page)s\n\n%(description)s\n\nAnswer to: %(email)s") % {
        "page": report.page_url or "-",
        "description": report.description,
        "email": report.email or "-",
    }
    if waiting_ids:
        body += "\n\n" + _(
            "%(count)s more reports came in while e-mails were paused (at most %(limit)s an hour). "
            "Read every report here: %(url)s"
        ) % {
            "count": len(waiting_ids),
            "limit": settings.ACCESSIBILITY_MAILS_PER_HOUR,
            "url": settings.SITE_URL.rstrip("/") + reverse("admin:portal_accessibilityreport_changelist"),
        }
    try:
        send_mail(_("Accessibility problem reported"), body, None, addresses)
        AccessibilityReport.objects.filter(pk__in=[report.pk, *waiting_ids]).update(mailed=True)
    except Exception:
        # The report is saved (Django admin lists it) even when the e-mail cannot be sent.
        logger.exception("The e-mail about accessibility report %s could not be sent", report.pk)
