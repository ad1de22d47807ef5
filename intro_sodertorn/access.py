"""Who may see and change what: the one place that reads a user's roles.

Every view and Django admin asks these helpers (directly or through the apps' queryset
scoping methods such as ``Insats.objects.visible_to(user)``). Roles are loaded once per
request and cached on the user object.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role

Kind = Role.Kind

_CACHE_ATTR = "_portal_roles"


def roles_of(user):
    """All roles of a user, loaded once and cached on the user object."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).select_related("municipality"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user):
    """Drop the cached roles (after roles changed within one request or test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(user, kind, municipality=None):
    """True if the user holds the role (for the municipality, when one is given)."""
    municipality_id = getattr(municipality, "pk", municipality)
    return any(
        role.kind == kind and (municipality_id is None or role.municipality_id == municipality_id)
        for role in roles_of(user)
    )


def municipality_ids(user, *kinds, side=None):
    """Ids of the municipalities where the user holds any of the given municipal roles."""
    return {
        role.municipality_id
        for role in roles_of(user)
        if role.municipality_id and role.kind in kinds and (side is None or role.side == side)
    }


def any_municipality_ids(user):
    """Ids of every municipality the user holds any role in."""
    return {role.municipality_id for role in roles_of(user) if role.municipality_id}


def is_system_admin(user):
    return user.is_authenticated and user.is_active and user.is_superuser


def is_strategist(user):
    return has_role(user, Kind.STRATEGIST)


def is_stat_admin(user):
    return has_role(user, Kind.STAT_ADMIN)


def insats_admin_municipality_ids(user):
    return municipality_ids(user, Kind.INSATS_ADMIN)


def stat_reporter_municipality_ids(user):
    return municipality_ids(user, Kind.STAT_REPORTER)


def intro_manager_municipality_ids(user):
    return municipality_ids(user, Kind.INTRO_MANAGER)


def role_required(*kinds):
    """View decorator: the user must be logged in and hold one of the roles (any municipality).

    Anonymous visitors are sent to the login page; logged-in users without the role get 403.
    System administrators pass.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (is_system_admin(user) or any(role.kind in kinds for role in roles_of(user))):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
