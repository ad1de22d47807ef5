"""Template helpers shared by every part of the portal."""

from django import template

register = template.Library()


@register.filter
def person(user, empty="–"):
    """A user's full name, or user name, or a dash when there is no user (e.g. a system change)."""
    if not user:
        return empty
    return user.get_full_name() or user.username
