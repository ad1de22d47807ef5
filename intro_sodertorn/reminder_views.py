"""The reminder log in the portal: what the scheduled jobs sent, to whom, when, about what."""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import access
from .models import ReminderLog
from .reminders import FAILED_SUFFIX

PAGE_SIZE = 50

# Keys that name one item of the portal: (pattern, URL name).
ITEM_KEYS = [
    (re.compile(r"^uppdrag:(?:due|overdue|watch):(\d+):"), "uppdrag:actionpoint_detail"),
    (re.compile(r"^uppdrag:report:(\d+):"), "uppdrag:report_detail"),
    (re.compile(r"^statistik:(?:before|overdue|due|late)[a-z_]*:(\d+):(\d+):"), None),
]


def item_link(key):
    """The portal page of the item a reminder was about, if its key names one."""
    for pattern, url_name in ITEM_KEYS:
        match = pattern.match(key)
        if match and url_name:
            return reverse(url_name, args=[int(match.group(1))])
    return ""


def can_read_reminder_log(user):
    """The strategist (who follows up the reminders of the assignment) and the system administrator."""
    return access.is_strategist(user) or access.is_system_admin(user)


@login_required
@require_GET
def reminder_log(request):
    if not can_read_reminder_log(request.user):
        raise PermissionDenied
    kinds = list(ReminderLog.objects.order_by("kind").values_list("kind", flat=True).distinct())
    kind = request.GET.get("typ", "")[:100]
    entries = ReminderLog.objects.order_by("-sent_at", "-pk")
    if kind:
        # A kind the log does not hold matches nothing, without asking the database (which refuses a NUL byte).
        entries = entries.filter(kind=kind) if kind in kinds else entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.failed = entry.kind.endswith(FAILED_SUFFIX)
        entry.item_url = item_link(entry.key.split(":", 2)[2] if entry.failed else entry.key)
    context = {"page": page, "kinds": kinds, "kind": kind, "querystring": f"typ={kind}" if kind else ""}
    return render(request, "reminder_log.html", context)
