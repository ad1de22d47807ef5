from django import template

from ..access import can_manage

register = template.Library()


@register.filter
def manages_assignment(user):
    """True for the strategist (and the system administrator)."""
    return can_manage(user)
