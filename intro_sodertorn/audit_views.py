"""The audit log page for system administrators: /granskningslogg/."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import access
from .models import AuditEvent, Role

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    # The user is chosen by id, so no name or e-mail ends up in the address or the access log.
    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All events"))] + AuditEvent.Kind.choices
    )
    user = forms.ModelChoiceField(
        label=_("User"),
        required=False,
        empty_label=_("All users"),
        queryset=get_user_model().objects.order_by("username"),
    )


def _role_label(state):
    if not state:
        return ""
    label = Role.Kind(state["kind"]).label if state["kind"] in Role.Kind.values else state["kind"]
    if state.get("side") in Role.Side.values:
        label = f"{label} ({Role.Side(state['side']).label})"
    if state.get("municipality"):
        label = f"{label}, {state['municipality']}"
    return label


@login_required
@require_GET
def audit_log(request):
    if not access.is_system_admin(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor", "target")
    if form.is_valid():
        if form.cleaned_data["kind"]:
            events = events.filter(kind=form.cleaned_data["kind"])
        if user := form.cleaned_data["user"]:
            events = events.filter(Q(actor=user) | Q(target=user) | Q(username=user.get_username()))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.role_label = _role_label(event.detail.get("role"))
        event.role_before_label = _role_label(event.detail.get("before"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "querystring": query.urlencode(),
        "retention_days": settings.AUDIT_RETENTION_DAYS,
    }
    return render(request, "audit_log.html", context)
