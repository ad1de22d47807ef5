"""Home-page panels of this part of the portal (see intro_sodertorn.home)."""

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn import access
from intro_sodertorn.home import Panel

from .access import is_register_admin
from .models import Contact, Decision, Meeting, Municipality


def _decisions_without_action_point():
    # The reverse accessor exists only once uppdrag defines ActionPoint.source_decision.
    decisions = Decision.objects.select_related("meeting__network").order_by("-meeting__date", "position")
    if any(relation.name == "action_point" for relation in Decision._meta.related_objects):
        decisions = decisions.filter(action_point__isnull=True)
    return decisions


# The retention count runs over every contact and its meetings; the home page reads it at most this often.
RETENTION_COUNT_SECONDS = 600


def _retention_count(today):
    """Contacts due for retention review: the whole register's (the same for every register administrator, never
    scoped to a user), cached under the day's date; the review page itself counts live."""
    return cache.get_or_set(
        f"natverk:home:retention:{today.isoformat()}",
        lambda: Contact.objects.due_for_retention_review().count(),
        RETENTION_COUNT_SECONDS,
    )


def panels(request):
    user = request.user
    if not user.is_authenticated:
        return []
    if is_register_admin(user):
        today = timezone.localdate()
        meetings = Meeting.objects.visible_to(user).select_related("network")
        open_decisions = _decisions_without_action_point()
        context = {
            "upcoming": meetings.filter(date__gt=today).order_by("date")[:3],
            "recent": meetings.filter(date__lte=today, date__gte=today - timezone.timedelta(days=60))[:3],
            "today": today,
            "open_decisions": open_decisions[:5],
            "open_decision_count": open_decisions.count(),
            "retention_count": _retention_count(today),
        }
        order = 40 if context["retention_count"] or context["open_decision_count"] else 60
        return [Panel(_("Networks and meetings"), "natverk/home_panel.html", context, order)]
    ids = access.any_municipality_ids(user)
    if not ids:
        return []
    municipalities = Municipality.objects.filter(pk__in=ids)
    rows = [
        (municipality, Contact.objects.filter(Q(municipality=municipality), is_active=True).count())
        for municipality in municipalities
    ]
    return [Panel(_("Your municipality's contacts"), "natverk/home_panel_municipal.html", {"rows": rows}, 70)]
