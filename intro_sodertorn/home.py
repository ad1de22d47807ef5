"""The home page: what needs this person now, gathered from each part of the portal.

Each app has ``home.py`` with ``panels(request) -> list[Panel]``. A panel names a template
in the app and the context it needs; the home page shows them in the order of the apps.
"""

from dataclasses import dataclass, field
from importlib import import_module

HOME_APPS = ("insatsbasen", "statistik", "uppdrag", "natverk")


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    # Lower comes first; something overdue should say so with a low number.
    order: int = 50


def home_panels(request):
    panels = portal_panels(request)
    for app in HOME_APPS:
        module = import_module(f"{app}.home")
        panels.extend(module.panels(request))
    return sorted(panels, key=lambda panel: panel.order)


def portal_panels(request):
    """The system administrator's own panel: people without a role, failed logins, failed exports."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from . import access
    from .models import AuditEvent, ExportJob

    user = request.user
    if not user.is_authenticated or not access.is_system_admin(user):
        return []
    since = timezone.now() - datetime.timedelta(days=7)
    without_roles = (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False, roles__isnull=True)
        .order_by("-date_joined", "username")
    )
    context = {
        "without_roles": list(without_roles[:8]),
        "without_roles_count": without_roles.count(),
        "failed_logins": AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED, at__gte=since).count(),
        "throttled": AuditEvent.objects.filter(kind=AuditEvent.Kind.THROTTLED, at__gte=since).count(),
        "failed_exports": ExportJob.objects.filter(status=ExportJob.Status.FAILED, created_at__gte=since).count(),
        "waiting_exports": ExportJob.objects.filter(
            status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
            created_at__lt=timezone.now() - datetime.timedelta(minutes=15),
        ).count(),
    }
    return [Panel(_("System administration"), "includes/home_sysadmin.html", context, order=5)]
