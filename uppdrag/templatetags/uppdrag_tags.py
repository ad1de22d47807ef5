from django import template

from intro_sodertorn.choices import choice_label

from ..access import can_manage
from ..models import ActionPoint, Health

register = template.Library()


@register.filter
def manages_assignment(user):
    """True for the strategist (and the system administrator)."""
    return can_manage(user)


@register.filter
def status_label(code):
    return choice_label(ActionPoint.Status, code)


@register.filter
def kind_label(code):
    return choice_label(ActionPoint.Kind, code)


@register.filter
def health_label(code):
    return choice_label(Health, code)


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
    return choice_label(Report.Status, code)


@register.simple_tag
def point_lines(points, owners=True):
    """The areas page's open points (``services.ShownPoint``) as list items: status, title linked, when and owner.

    Written in one ``format_html_join`` pass, as the insats list's badges are: through the template language each
    line cost a dozen variable lookups and a tag per point, which a page of 30 areas felt."""
    from django.utils.html import format_html_join

    from intro_sodertorn.templatetags.portal import object_url

    def line(point):
        owner = f" · {point.owner_name}" if owners and point.owner_name else ""
        return (
            point.status,
            status_label(point.status),
            object_url("uppdrag:actionpoint_detail", point.pk),
            point.title,
            "overdue-date" if point.overdue else "text-muted",
            f"{point.when_text}{owner}",
        )

    return format_html_join(
        "\n",
        '<li class="mb-1"><span class="badge status-badge status-{}">{}</span> <a href="{}">{}</a> '
        '<span class="small {}">{}</span></li>',
        (line(point) for point in points),
    )
