"""Template tags of insatsbasen's pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

register = template.Library()

STATUS_BADGE_CLASSES = {"published": "text-bg-success", "draft": "text-bg-secondary", "paused": "text-bg-warning"}


@register.simple_tag
def status_badge(insats, today):
    """The status badge of an insats, and a badge when it is unverified or due for review.

    In Python rather than an included template: the list draws it twice on each of its 25 rows, and an include per
    badge was a noticeable part of the page's time (bench/list_throughput.py).
    """
    html = format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGE_CLASSES.get(insats.status, "text-bg-dark"),
        insats.get_status_display(),
    )
    if insats.unverified_since:
        html += format_html(
            ' <span class="badge text-bg-danger" title="{}">{}</span>',
            gettext("Not verified for more than four weeks after its review date"),
            gettext("Unverified"),
        )
    elif insats.review_due_on and today and insats.review_due_on <= today:
        html += format_html(' <span class="badge text-bg-warning">{}</span>', pgettext("badge", "Review due"))
    return mark_safe(html)
