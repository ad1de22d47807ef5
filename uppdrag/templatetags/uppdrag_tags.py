from django import template

from ..access import can_manage
from ..models import ActionPoint, Health

register = template.Library()


def _label(choices, code):
    """The label of a stored code in the active language; an unknown code is shown as it is."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code or ""


@register.filter
def manages_assignment(user):
    """True for the strategist (and the system administrator)."""
    return can_manage(user)


@register.filter
def status_label(code):
    return _label(ActionPoint.Status, code)


@register.filter
def kind_label(code):
    return _label(ActionPoint.Kind, code)


@register.filter
def health_label(code):
    return _label(Health, code)


@register.filter
def done_count(points):
    """How many of a report section's points (plain data) are done."""
    return sum(1 for point in points if point.get("status") == ActionPoint.Status.DONE)


@register.filter
def narrative(text):
    """The strategist's narrative (safe Markdown subset, see uppdrag.narrative)."""
    from ..narrative import narrative_html

    return narrative_html(text)


@register.filter
def kis_status_label(code):
    """A KIS report's status code as a label; no report at all says so."""
    from django.utils.translation import gettext

    from statistik.models import Report

    if not code:
        return gettext("Not started")
    return _label(Report.Status, code)
