"""Home-page panels of uppdrag: what needs this person now."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn import access
from intro_sodertorn.home import Panel

from .access import can_manage, is_steering_member
from .models import ActionPoint, Health, ReportSnapshot, StrategicArea

TEMPLATE = "uppdrag/home_panel.html"


def panels(request):
    user = request.user
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    visible = ActionPoint.objects.visible_to(user).select_related("owner_user", "owner_contact")
    result = []
    if not can_manage(user) and is_steering_member(user):
        published = ReportSnapshot.objects.filter(published_at__isnull=False).defer("data", "introduction")
        reports = list(published.order_by("-published_at")[:5])
        if reports:
            result.append(
                Panel(_("Reports to the steering group"), "uppdrag/home_reports.html", {"reports": reports}, order=30)
            )
    if can_manage(user):
        overdue = list(visible.overdue(today)[:10])
        coming = list(visible.due_between(today, today + datetime.timedelta(days=14))[:10])
        at_risk = StrategicArea.objects.filter(health__in=[Health.AT_RISK, Health.OFF_TRACK]).in_tree_order()[:10]
        result.append(
            Panel(
                _("Action points: overdue and coming"),
                TEMPLATE,
                {"overdue": overdue, "coming": coming, "at_risk": at_risk, "kind": "strategist"},
                order=20 if overdue else 40,
            )
        )
    else:
        own = visible.owned_by(user).open()
        soon = list(own.filter(due_date__lte=today + datetime.timedelta(days=14))[:10])
        if soon:
            overdue = [point for point in soon if point.is_overdue(today)]
            coming = [point for point in soon if not point.is_overdue(today)]
            result.append(
                Panel(_("Your action points due soon"), TEMPLATE, {"overdue": overdue, "coming": coming}, order=25)
            )
        municipality_ids = access.any_municipality_ids(user)
        if municipality_ids:
            # Own points are in the panel above already.
            tied = list(visible.open().for_municipalities(municipality_ids).exclude(owner_user=user)[:10])
            if tied:
                result.append(
                    Panel(_("Action points for your municipality"), TEMPLATE, {"coming": tied, "kind": "municipal"})
                )
    return result
