"""The export button every page uses, and the reason of a failed export on "Mina exporter"."""

import itertools

from django import template

from ..exports import QUEUE_UNAVAILABLE_MESSAGE, export_queue_available, failure_message

register = template.Library()

# Ids tying a disabled button to the sentence that explains it; unique within a page.
_note_ids = itertools.count(1)


@register.inclusion_tag("includes/export_button.html")
def export_button(label, css_class="btn btn-outline-secondary"):
    """The submit button of an export form: disabled, with the reason beside it, when the queue is down.

    Use inside the form: ``{% load export_tags %}<form method="post" action="...">{% csrf_token %}
    {% export_button _("Export to Excel") "btn btn-sm btn-outline-primary" %}</form>``.
    """
    available = export_queue_available()
    return {
        "label": label,
        "css_class": css_class,
        "available": available,
        "note": "" if available else QUEUE_UNAVAILABLE_MESSAGE,
        "note_id": f"export-unavailable-{next(_note_ids)}",
    }


@register.simple_tag
def export_failure(job):
    """Why the user's export failed, in their language."""
    return failure_message(job)
