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


# --- The steering group --------------------------------------------------------------------

STEERING_GROUP_NAME = "Styrgruppen Introduktion Södertörn"


def steering_memberships(day=None):
    """Current memberships of the steering group whose contact is active and has an e-mail."""
    from natverk.models import Membership

    return (
        Membership.objects.current(day)
        .filter(network__name=STEERING_GROUP_NAME, contact__is_active=True, contact__anonymised_at__isnull=True)
        .exclude(contact__email="")
        .select_related("contact")
    )


def is_steering_member(user):
    """A portal user whose e-mail is that of a current member of the steering group (the register has no user link)."""
    if not user.is_authenticated or not user.is_active or not user.email:
        return False
    return steering_memberships().filter(contact__email__iexact=user.email).exists()


def can_read_report(user, snapshot):
    """The strategist reads every report; a steering-group member reads the published ones."""
    if can_manage(user):
        return True
    return snapshot.published_at is not None and is_steering_member(user)


def get_report_for_user(request, pk):
    """The frozen report if the user may read it: 404 if it does not exist, else 403 when not allowed."""
    from .models import ReportSnapshot

    # The content is read only if the document is not rendered already (report_rendering).
    snapshot = ReportSnapshot.objects.select_related("created_by", "published_by").defer("data").filter(pk=pk).first()
    if snapshot is None:
        if not can_manage(request.user) and not is_steering_member(request.user):
            raise PermissionDenied
        raise Http404
    if not can_read_report(request.user, snapshot):
        raise PermissionDenied
    return snapshot
