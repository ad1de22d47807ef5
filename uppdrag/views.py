"""Pages of uppdrag: overview, action points, areas, reports, reminder setting."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intro_sodertorn.exports import export_start
from natverk.models import Decision
from natverk.versioning import LOADED_FIELD, VERSION_FIELD, EditConflict, refuse_stale, save_checked

from . import report_rendering, report_sections, services
from .access import can_manage, get_action_point_for_user, get_report_for_user, require_manager
from .filters import ActionPointFilter
from .forms import (
    ActionPointForm,
    AssignmentForm,
    CommitmentForm,
    HealthForm,
    JournalNoteForm,
    ReminderSettingForm,
    ReportForm,
    StatusForm,
    StrategicAreaForm,
)
from .models import ActionPoint, Assignment, Commitment, ReminderSetting, ReportSnapshot, StrategicArea


def _save_or_refuse(request, form, save, fresh_form, what):
    """``(saved object, None)``, or ``(None, conflict)`` when someone else saved since the form was opened."""
    try:
        return save_checked(form, save), None
    except EditConflict:
        return None, refuse_stale(request, form, fresh_form(), what)


# The areas page lists this many open points per area (the nearest due first) and links to the rest.
AREA_POINTS_SHOWN = 3


def _assignment_or_none():
    return Assignment.current()


@login_required
@require_GET
def index(request):
    assignment = _assignment_or_none()
    overview = services.overview_build(assignment, request.user) if assignment else None
    return render(
        request,
        "uppdrag/index.html",
        {"assignment": assignment, "overview": overview, "can_manage": can_manage(request.user)},
    )


@login_required
@require_GET
def actionpoint_list(request):
    points = (
        ActionPoint.objects.visible_to(request.user)
        .select_related("owner_user", "owner_contact", "commitment", "area__parent__parent")
        .prefetch_related("municipalities")
    )
    point_filter = ActionPointFilter(request.GET, queryset=points, user=request.user)
    page = Paginator(point_filter.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": point_filter,
        "page": page,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "can_manage": can_manage(request.user),
    }
    return render(request, "uppdrag/actionpoint_list.html", context)


@login_required
@require_GET
def area_list(request):
    """Every strategic area in tree order with its progress and the next open points the user may see under it."""
    assignment = _assignment_or_none()
    tree = (
        services.area_tree_build(assignment, request.user, shown=AREA_POINTS_SHOWN)
        if assignment
        else {"rows": [], "unplaced": [], "unplaced_count": 0}
    )
    context = {"assignment": assignment, **tree, "shown": AREA_POINTS_SHOWN}
    return render(request, "uppdrag/area_list.html", context)


@login_required
@require_GET
def actionpoint_detail(request, pk):
    point = get_action_point_for_user(request, pk)
    status_form = StatusForm(initial={"status": point.status})
    status_form.helper.form_action = reverse("uppdrag:actionpoint_status", args=[point.pk])
    note_form = JournalNoteForm(initial={"date": timezone.localdate()})
    note_form.helper.form_action = reverse("uppdrag:actionpoint_note", args=[point.pk])
    context = {
        "point": point,
        "journal": point.journal.select_related("author"),
        # Only the insatser this user may read in insatsbasen.
        "insatser": point.insatser.visible_to(request.user),
        "can_edit": point.can_edit(request.user),
        "can_update": point.can_update_status(request.user),
        "status_form": status_form,
        "note_form": note_form,
        "today": timezone.localdate(),
    }
    return render(request, "uppdrag/actionpoint_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def actionpoint_create(request):
    require_manager(request)
    assignment = _assignment_or_none()
    form = ActionPointForm(request.POST or None, assignment=assignment, submit_label=_("Create action point"))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            point = form.save(commit=False)
            point.created_by = request.user
            point.save()
            form.save_m2m()
        messages.success(request, _("The action point was created."))
        return redirect("uppdrag:actionpoint_detail", pk=point.pk)
    return render(request, "uppdrag/actionpoint_form.html", {"form": form, "point": None})


@login_required
@require_http_methods(["GET", "POST"])
def actionpoint_edit(request, pk):
    point = get_action_point_for_user(request, pk, write=True)
    assignment = _assignment_or_none()
    form = ActionPointForm(request.POST or None, instance=point, assignment=assignment)
    conflict = None

    def save():
        changed_status = "status" in form.changed_data
        saved = form.save()
        if changed_status:
            # Keep the completion stamp consistent with the new status.
            saved.status_set(saved.status)
        return saved

    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_or_refuse(
            request,
            form,
            save,
            lambda: ActionPointForm(instance=ActionPoint.objects.get(pk=pk), assignment=assignment),
            _("this action point"),
        )
        if saved:
            messages.success(request, _("The action point was saved."))
            return redirect("uppdrag:actionpoint_detail", pk=saved.pk)
        point = ActionPoint.objects.get(pk=pk)
    return render(request, "uppdrag/actionpoint_form.html", {"form": form, "point": point, "conflict": conflict})


@login_required
@require_POST
def actionpoint_status(request, pk):
    point = get_action_point_for_user(request, pk, write="status")
    form = StatusForm(request.POST)
    if form.is_valid():
        services.action_point_status_change(point, request.user, form.cleaned_data["status"], form.cleaned_data["note"])
        messages.success(request, _("The status is now “%(status)s”.") % {"status": point.get_status_display()})
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("uppdrag:actionpoint_detail", pk=point.pk)


@login_required
@require_POST
def actionpoint_note(request, pk):
    point = get_action_point_for_user(request, pk, write="status")
    form = JournalNoteForm(request.POST)
    if form.is_valid():
        services.journal_note_add(point, request.user, form.cleaned_data["text"], form.cleaned_data["date"])
        messages.success(request, _("The note was added to the journal."))
    else:
        messages.error(request, _("Write a note and give a valid date."))
    return redirect("uppdrag:actionpoint_detail", pk=point.pk)


@login_required
@require_http_methods(["GET", "POST"])
def actionpoint_from_decision(request, decision_pk):
    """The strategist turns a meeting decision into a follow-up action point."""
    require_manager(request)
    decision = get_object_or_404(Decision.objects.select_related("meeting__network"), pk=decision_pk)
    existing = ActionPoint.objects.filter(source_decision=decision).first()
    if existing:
        messages.info(request, _("This decision already has an action point."))
        return redirect("uppdrag:actionpoint_detail", pk=existing.pk)
    initial = {
        "title": decision.text[:300],
        "description": decision.text,
        "kind": ActionPoint.Kind.MEETING_FOLLOW_UP,
        "networks": [decision.meeting.network_id],
    }
    form = ActionPointForm(
        request.POST or None, initial=initial, assignment=_assignment_or_none(), submit_label=_("Create action point")
    )
    # A follow-up of a decision is always of that kind.
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        # The hidden version fields of the form are not fields of the new point.
        skipped = {"kind", VERSION_FIELD, LOADED_FIELD}
        fields = {name: value for name, value in form.cleaned_data.items() if name not in skipped}
        point = services.action_point_create_from_decision(decision, request.user, **fields)
        messages.success(request, _("The action point was created from the decision."))
        return redirect("uppdrag:actionpoint_detail", pk=point.pk)
    return render(request, "uppdrag/actionpoint_form.html", {"form": form, "point": None, "decision": decision})


@login_required
@require_http_methods(["GET", "POST"])
def health_edit(request, kind, pk):
    require_manager(request)
    model = Commitment if kind == "commitment" else StrategicArea
    item = get_object_or_404(model, pk=pk)
    form = HealthForm(request.POST or None, item=item)
    conflict = None
    if request.method == "POST" and form.is_valid():

        def save():
            item.health_set(form.cleaned_data["health"], form.cleaned_data["health_note"], user=request.user)
            return item

        saved, conflict = _save_or_refuse(
            request, form, save, lambda: HealthForm(item=model.objects.get(pk=pk)), _("this health status")
        )
        if saved:
            messages.success(request, _("The health status was saved."))
            return redirect("uppdrag:index")
    context = {
        "form": form,
        "item": item,
        "conflict": conflict,
        "suggestion": services.health_suggest_for(item),
        "history": item.health_history()[:20],
    }
    return render(request, "uppdrag/health_form.html", context)


@login_required
@require_GET
def report_list(request):
    require_manager(request)
    # The list shows titles and dates: the frozen content (every point of the period, often hundreds of kB) stays
    # in the database.
    snapshots = ReportSnapshot.objects.select_related("created_by").defer("data", "introduction")
    return render(request, "uppdrag/report_list.html", {"snapshots": snapshots})


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    """Choose a period, see the report, then save it as a frozen snapshot."""
    require_manager(request)
    assignment = _assignment_or_none()
    today = timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=92)).replace(day=1)
    initial = {
        "title": _("Status report %(date)s") % {"date": today.isoformat()},
        "period_start": start,
        "period_end": today,
        "activities": report_sections.activities_text(start, today),
    }
    commitments = assignment.commitments.all() if assignment else ()
    form = ReportForm(request.POST or None, initial=initial, commitments=commitments)
    report = None
    if request.method == "POST" and form.is_valid() and assignment:
        data = form.cleaned_data
        if "save" in request.POST:
            snapshot = services.report_snapshot_create(
                assignment,
                request.user,
                data["title"],
                data["period_start"],
                data["period_end"],
                data["introduction"],
                narratives=form.narratives(),
                activities=data["activities"],
            )
            messages.success(request, _("The report was saved. It will not change when action points change."))
            return redirect("uppdrag:report_detail", pk=snapshot.pk)
        report = services.report_build(
            assignment,
            data["period_start"],
            data["period_end"],
            narratives=form.narratives(),
            previous=services.report_previous(assignment),
            activities=data["activities"],
        )
    context = {
        "form": form,
        "report": report,
        "assignment": assignment,
        "introduction": form.data.get("introduction", ""),
        "today": today,
    }
    return render(request, "uppdrag/report_new.html", context)


@login_required
@require_GET
def report_detail(request, pk):
    """The frozen report: the strategist's, and once published the steering group's (403 for anyone else)."""
    snapshot = get_report_for_user(request, pk)
    context = {
        "snapshot": snapshot,
        "body": report_rendering.BODY_PLACE,
        "can_manage": can_manage(request.user),
        "recipients": services.report_recipients() if can_manage(request.user) else [],
    }
    response = render(request, "uppdrag/report_detail.html", context)
    # The document, rendered once per state of the report, language and version of its templates.
    return report_rendering.with_body(response, report_rendering.report_body(snapshot))


@login_required
@require_POST
def report_publish(request, pk):
    """Publish a frozen report to the steering group: e-mails each member a link (once)."""
    require_manager(request)
    snapshot = get_object_or_404(ReportSnapshot, pk=pk)
    sent = services.report_publish(snapshot, request.user)
    messages.success(
        request,
        _("The report is published to the steering group. %(count)s e-mails were sent.") % {"count": sent},
    )
    return redirect("uppdrag:report_detail", pk=snapshot.pk)


@login_required
@require_POST
def report_export(request, pk):
    require_manager(request)
    snapshot = get_object_or_404(ReportSnapshot, pk=pk)
    export_start(request.user, "uppdrag.report", snapshot.title, {"snapshot": snapshot.pk})
    messages.success(request, _("The Excel file is being made. You will find it here when it is ready."))
    return redirect("exports")


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request):
    setting = ReminderSetting.objects.filter(user=request.user).first() or ReminderSetting(user=request.user)
    form = ReminderSettingForm(request.POST or None, instance=setting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your reminder setting was saved."))
        return redirect("uppdrag:reminder_settings")
    return render(request, "uppdrag/reminder_settings.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request):
    """The strategist registers or changes the current assignment."""
    require_manager(request)
    assignment = _assignment_or_none()
    form = AssignmentForm(request.POST or None, instance=assignment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_or_refuse(
            request,
            form,
            form.save,
            lambda: AssignmentForm(instance=Assignment.objects.get(pk=assignment.pk)),
            _("the assignment"),
        )
        if saved:
            messages.success(request, _("The assignment was saved."))
            return redirect("uppdrag:index")
    title = _("Edit assignment") if assignment else _("New assignment")
    return render(request, "uppdrag/simple_form.html", {"form": form, "title": title, "conflict": conflict})


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request, pk=None):
    require_manager(request)
    assignment = _assignment_or_404()
    commitment = get_object_or_404(Commitment, pk=pk, assignment=assignment) if pk else None
    if commitment is None:
        next_position = (assignment.commitments.aggregate(Max("position"))["position__max"] or 0) + 1
        commitment = Commitment(assignment=assignment, position=next_position)
    form = CommitmentForm(request.POST or None, instance=commitment, assignment=assignment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_or_refuse(
            request,
            form,
            form.save,
            lambda: CommitmentForm(instance=Commitment.objects.get(pk=commitment.pk), assignment=assignment),
            _("this commitment"),
        )
        if saved:
            messages.success(request, _("The commitment was saved."))
            return redirect("uppdrag:index")
    title = _("Edit commitment") if pk else _("New commitment")
    return render(request, "uppdrag/simple_form.html", {"form": form, "title": title, "conflict": conflict})


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request, pk=None):
    require_manager(request)
    assignment = _assignment_or_404()
    area = (
        get_object_or_404(StrategicArea, pk=pk, assignment=assignment) if pk else StrategicArea(assignment=assignment)
    )
    form = StrategicAreaForm(request.POST or None, instance=area, assignment=assignment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_or_refuse(
            request,
            form,
            form.save,
            lambda: StrategicAreaForm(instance=StrategicArea.objects.get(pk=area.pk), assignment=assignment),
            _("this strategic area"),
        )
        if saved:
            messages.success(request, _("The strategic area was saved."))
            return redirect("uppdrag:area_list")
    title = _("Edit strategic area") if pk else _("New strategic area")
    return render(request, "uppdrag/simple_form.html", {"form": form, "title": title, "conflict": conflict})


def _assignment_or_404():
    assignment = _assignment_or_none()
    if assignment is None:
        raise Http404
    return assignment
