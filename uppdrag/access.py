"""Access helpers of uppdrag: views fetch protected objects only through these."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from intro_sodertorn import access

from .models import ActionPoint


def get_action_point_for_user(request, pk, write=False):
    """The action point if the user may see it (else 404).

    ``write=True``: the user must be allowed to edit it in full (the strategist), else 403.
    ``write="status"``: the user must be allowed to change its status and write notes (the
    strategist or the owner), else 403.
    """
    point = (
        ActionPoint.objects.visible_to(request.user)
        .select_related("commitment", "area__parent__parent", "owner_user", "owner_contact", "source_decision__meeting")
        .filter(pk=pk)
        .first()
    )
    if point is None:
        raise Http404
    if write == "status" and not point.can_update_status(request.user):
        raise PermissionDenied
    if write is True and not point.can_edit(request.user):
        raise PermissionDenied
    return point


def can_manage(user):
    """The strategist (and the system administrator) manages the assignment, areas and reports."""
    return access.is_strategist(user) or access.is_system_admin(user)


def require_manager(request):
    if not can_manage(request.user):
        raise PermissionDenied
