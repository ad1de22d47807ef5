"""Writes and reads of uppdrag that span several models or send mail."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn.models import Role
from intro_sodertorn.reminders import send_reminder_once
from natverk.models import Contact

from . import report_sections
from .models import ActionPoint, Health, JournalNote, ReminderSetting, ReportSnapshot, StrategicArea, when_text

# --- Action points -----------------------------------------------------------------------


@transaction.atomic
def action_point_create_from_decision(decision, user, **fields):
    """An action point following up a meeting decision, linked to it, with the meeting's network."""
    fields.setdefault("title", decision.text[:300])
    fields.setdefault("description", decision.text)
    fields["kind"] = ActionPoint.Kind.MEETING_FOLLOW_UP
    related = {name: fields.pop(name, None) for name in ("municipalities", "organisations", "networks", "insatser")}
    point = ActionPoint.objects.create(source_decision=decision, created_by=user, **fields)
    for name, values in related.items():
        if values:
            getattr(point, name).set(values)
    point.networks.add(decision.meeting.network)
    return point


@transaction.atomic
def action_point_status_change(point, user, status, note=""):
    """Change status and write it in the journal, so the report shows what happened when."""
    old = point.get_status_display()
    point.status_set(status, note=note)
    text = _("Status changed from %(old)s to %(new)s.") % {"old": old, "new": point.get_status_display()}
    if note:
        text = f"{text} {note}"
    JournalNote.objects.create(action_point=point, text=text, author=user)
    return point


def journal_note_add(point, user, text, date=None):
    return JournalNote.objects.create(action_point=point, text=text, author=user, date=date or timezone.localdate())


# --- Progress ----------------------------------------------------------------------------


def _progress(done, total, overdue):
    return {"done": done, "total": total, "overdue": overdue, "percent": round(done * 100 / total) if total else 0}


ZERO = (0, 0, 0, 0)


def _progress_counts(points, key, today):
    """``{key value: (done, total, overdue, all)}`` of the points, counted in one grouped query.

    Cancelled points do not count in ``total``; a point is overdue when it is open and its due date is
    before ``today`` (``ActionPoint.is_overdue``); ``all`` counts every point, cancelled ones too.
    """
    counted = ~Q(status=ActionPoint.Status.CANCELLED)
    rows = (
        points.order_by()
        .values(key)
        .annotate(
            done=Count("pk", filter=Q(status=ActionPoint.Status.DONE)),
            total=Count("pk", filter=counted),
            overdue=Count("pk", filter=Q(status__in=ActionPoint.OPEN_STATUSES, due_date__lt=today)),
            all=Count("pk"),
        )
        .values_list(key, "done", "total", "overdue", "all")
    )
    return {value: tuple(counts) for value, *counts in rows}


def overview_build(assignment, user, today=None):
    """Commitments and areas (tree order) with the progress of the points the user may see.

    Counted in the database, two grouped queries (per commitment, per area); an area's progress
    adds up its own points and those of every area below it.
    """
    today = today or timezone.localdate()
    visible = ActionPoint.objects.visible_to(user)
    by_commitment = _progress_counts(visible.filter(commitment__assignment=assignment), "commitment", today)
    by_area = _progress_counts(visible.filter(area__assignment=assignment), "area", today)
    areas = StrategicArea.objects.filter(assignment=assignment).in_tree_order()
    below = _counts_below(areas, by_area)
    return {
        "commitments": [
            {"object": commitment, "progress": _progress(*by_commitment.get(commitment.pk, ZERO)[:3])}
            for commitment in assignment.commitments.all()
        ],
        "areas": [{"object": area, "progress": _progress(*below[area.pk][:3])} for area in areas],
    }


def _counts_below(areas, by_area):
    """Each area's own counts plus those of every area below it (a point has one area: none counted twice)."""
    below = {area.pk: by_area.get(area.pk, ZERO) for area in areas}
    # Deepest first, so a sub-area's total is complete before it is added to its parent.
    for area in sorted(areas, key=lambda area: -area.depth):
        if area.parent_id in below:
            below[area.parent_id] = tuple(a + b for a, b in zip(below[area.parent_id], below[area.pk], strict=True))
    return below


def area_tree_build(assignment, user, shown=3, today=None):
    """The areas page: each area (tree order) with its progress and next open points; the points without an area.

    Per area at most ``shown`` of its own open points the user may see, the nearest due first, and how many points
    (any status) the user may see in it and below, for the link to the list filtered by the area; the same for the
    points without an area. Two queries whatever the number of points (one grouped count, one with a row number
    per area), so the page stays the same size however many points the years gather.
    """
    today = today or timezone.localdate()
    points = ActionPoint.objects.visible_to(user).filter(Q(area__assignment=assignment) | Q(area__isnull=True))
    by_area = _progress_counts(points, "area", today)
    first = _first_open(points, shown, today)
    areas = StrategicArea.objects.filter(assignment=assignment).in_tree_order()
    below = _counts_below(areas, by_area)
    rows = [
        {
            "area": area,
            "progress": _progress(*below[area.pk][:3]),
            "points": first.get(area.pk, []),
            "count": below[area.pk][3],
        }
        for area in areas
    ]
    return {"rows": rows, "unplaced": first.get(None, []), "unplaced_count": by_area.get(None, ZERO)[3]}


@dataclass(slots=True)
class ShownPoint:
    """What the areas page shows of an open point: read as plain values, not as a model object with its owner's."""

    pk: int
    title: str
    status: str
    when_text: str
    owner_name: str
    overdue: bool


def _first_open(points, shown, today):
    """``{area id: [ShownPoint, ...]}``: per area the first ``shown`` open points in the list's order."""
    order = [F("due_date").asc(nulls_last=True), F("expected_month").asc(), F("priority").asc(), F("pk").asc()]
    # The owner's name read for the ranked points only (a contact's name by its key): a join with the contact
    # register would be made for every open point, before the ranking leaves three per area.
    contact_name = Subquery(Contact.objects.filter(pk=OuterRef("owner_contact_id")).values("name")[:1])
    ranked = (
        points.open()
        .annotate(rank=Window(RowNumber(), partition_by=F("area_id"), order_by=order), contact_name=contact_name)
        .filter(rank__lte=shown)
        .order_by("area_id", "rank")
        .values_list(
            "pk",
            "area_id",
            "title",
            "status",
            "due_date",
            "expected_month",
            "expected_text",
            "owner_user__first_name",
            "owner_user__last_name",
            "owner_user__username",
            "contact_name",
        )
    )
    result = {}
    for pk, area_id, title, status, due, month, expected, first, last, username, contact in ranked:
        # As ActionPoint.owner_name: the user's full name or user name, else the contact's name.
        owner = (f"{first} {last}".strip() or username) if username else (contact or "")
        point = ShownPoint(pk, title, status, when_text(due, month, expected), owner, due is not None and due < today)
        result.setdefault(area_id, []).append(point)
    return result


# --- Health suggestion -------------------------------------------------------------------


def slipped_point_ids(assignment):
    """Ids of points whose due date is later now than in the latest frozen report."""
    previous = report_previous(assignment) if assignment else None
    before = _previous_points(previous.data if previous else None)
    if not before:
        return set()
    slipped = set()
    for point in ActionPoint.objects.filter(pk__in=before.keys(), due_date__isnull=False).only("pk", "due_date"):
        old_due = _due_of(before[point.pk][1])
        if old_due and point.due_date > old_due:
            slipped.add(point.pk)
    return slipped


def health_suggest(points, slipped_ids=frozenset(), today=None):
    """A suggested health from the points, with the reasons: the strategist decides.

    Cancelled points do not count. No points to judge by (none, or only watch items): no
    suggestion ("Not assessed"). Half or more of the open points overdue: off track. Any point
    overdue, or a due date moved later since the last report: at risk. Otherwise on track.
    """
    today = today or timezone.localdate()
    counted = [
        point
        for point in points
        if point.status != ActionPoint.Status.CANCELLED and point.kind != ActionPoint.Kind.WATCH
    ]
    open_points = [point for point in counted if point.is_open]
    overdue = [point for point in open_points if point.is_overdue(today)]
    slipped = [point for point in counted if point.pk in slipped_ids]
    done = len(counted) - len(open_points)
    facts = {"total": len(counted), "done": done, "open": len(open_points), "overdue": len(overdue)}
    facts["slipped"] = len(slipped)
    if not counted:
        return {"health": Health.NOT_ASSESSED, "facts": facts}
    if overdue and len(overdue) * 2 >= len(open_points):
        health = Health.OFF_TRACK
    elif overdue or slipped:
        health = Health.AT_RISK
    else:
        health = Health.ON_TRACK
    return {"health": health, "facts": facts}


def health_suggest_for(item):
    """The suggestion for a commitment (its points) or an area (its points and those below)."""
    if isinstance(item, StrategicArea):
        points = ActionPoint.objects.filter(area_id__in=item.descendant_ids())
    else:
        points = ActionPoint.objects.filter(commitment=item)
    return health_suggest(list(points), slipped_point_ids(item.assignment))


# --- Steering-group report ---------------------------------------------------------------


def report_points(assignment, start, end):
    """Points that belong in a report for the period: open ones, and closed ones with anything in it.

    A point counts when it is still open at the end of the period (created before it), or its
    due date, expected month, completion or a journal note falls in the period.
    """
    end_dt = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()))
    start_dt = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    return (
        ActionPoint.objects.filter(Q(commitment__assignment=assignment) | Q(area__assignment=assignment))
        .filter(
            Q(status__in=ActionPoint.OPEN_STATUSES, created_at__lt=end_dt)
            | Q(due_date__gte=start, due_date__lte=end)
            | Q(expected_month__gte=start.replace(day=1), expected_month__lte=end)
            | Q(completed_at__gte=start_dt, completed_at__lt=end_dt)
            | Q(journal__date__gte=start, journal__date__lte=end)
        )
        .distinct()
        .select_related("owner_user", "owner_contact", "commitment", "area")
        .prefetch_related("journal", "municipalities")
    )


def _point_data(point, start, end, today=None):
    notes = [note for note in point.journal.all() if start <= note.date <= end]
    return {
        "id": point.pk,
        "title": point.title,
        "due": point.due_date.isoformat() if point.due_date else None,
        "overdue": point.is_overdue(today),
        # Codes, not labels: the labels are rendered at display time in the reader's language.
        "status": point.status,
        "kind": point.kind,
        "when": point.when_text,
        "owner": point.owner_name,
        "municipalities": [str(municipality) for municipality in point.municipalities.all()],
        # The status change already wrote the completion note into the journal: say it once.
        "completion_note": ""
        if point.is_open or any(note.text.endswith(point.completion_note) for note in notes)
        else point.completion_note,
        "notes": [{"date": note.date.isoformat(), "text": note.text} for note in sorted(notes, key=lambda n: n.date)],
    }


def _date_of(moment):
    return timezone.localdate(moment).isoformat() if moment else None


def _point_date_key(point):
    when = point.due_date or point.expected_month
    return (when is None, when or datetime.date.max, point.title)


def _previous_points(previous):
    """Point id → (section heading, point data) of a frozen report's data."""
    found = {}
    if not previous:
        return found
    for key in ("commitments", "areas"):
        for section in previous.get(key, []):
            for point in section.get("points", []):
                found[point["id"]] = (f"{section['number']}. {section['title']}", point)
    for point in previous.get("other", []):
        found[point["id"]] = ("", point)
    return found


def _due_of(point):
    """The due date of a point's data; reports frozen before "due" was stored give it as "when"."""
    value = point.get("due")
    if value is None and len(point.get("when") or "") == 10:
        value = point["when"]
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def since_previous(points, heading, previous_points):
    """What changed in one section since the previous frozen report: new, done, slipped and moved points.

    ``points`` are this report's point data of the section, ``previous_points`` what
    ``_previous_points`` gives for the previous report (empty when there is none: then nothing is
    "new", as there is nothing to compare with).
    """
    since = {"new": [], "done": [], "slipped": [], "moved": []}
    if not previous_points:
        return since
    for point in points:
        before = previous_points.get(point["id"])
        if before is None:
            since["new"].append({"title": point["title"], "when": point["when"]})
            continue
        old_heading, old = before
        if point["status"] == ActionPoint.Status.DONE and old["status"] != ActionPoint.Status.DONE:
            since["done"].append({"title": point["title"]})
        old_due, new_due = _due_of(old), _due_of(point)
        if old_due and new_due and new_due > old_due:
            since["slipped"].append({"title": point["title"], "from": old_due.isoformat(), "to": new_due.isoformat()})
        if old_heading != heading:
            since["moved"].append({"title": point["title"], "from": old_heading})
    return since


def report_build(assignment, start, end, narratives=None, previous=None, today=None, activities=""):
    """The report's content as plain data (JSON-ready): numbered by commitment, then by area.

    A point under a commitment is listed there; a point with only an area under the area, so
    nothing is listed twice. Status, kind and health are stored as codes (labels are rendered when
    the report is shown or exported, in that language); everything else is frozen as it stands.
    """
    narratives = narratives or {}
    today = today or timezone.localdate()
    previous_points = _previous_points(previous.data if previous else None)
    # Dated items in date order, as in the hand-written reports; undated ones last.
    points = sorted(report_points(assignment, start, end), key=_point_date_key)
    by_commitment, by_area, other = {}, {}, []
    for point in points:
        if point.commitment_id:
            by_commitment.setdefault(point.commitment_id, []).append(point)
        elif point.area_id:
            by_area.setdefault(point.area_id, []).append(point)
        else:
            other.append(point)
    commitments = []
    for commitment in assignment.commitments.all():
        data = [_point_data(point, start, end, today) for point in by_commitment.get(commitment.pk, [])]
        commitments.append(
            {
                "number": commitment.number,
                "title": commitment.title,
                "health": commitment.health,
                "health_note": commitment.health_note,
                "health_date": _date_of(commitment.health_updated_at),
                "narrative": narratives.get(commitment.pk, ""),
                "points": [point for point in data if point["kind"] != ActionPoint.Kind.WATCH],
                "watch": [point for point in data if point["kind"] == ActionPoint.Kind.WATCH],
                "since": since_previous(data, f"{commitment.number}. {commitment.title}", previous_points),
            }
        )
    areas = [
        {
            "number": area.number,
            "depth": area.depth,
            "title": area.title,
            "health": area.health,
            "health_note": area.health_note,
            "health_date": _date_of(area.health_updated_at),
            "points": [_point_data(point, start, end, today) for point in by_area.get(area.pk, [])],
        }
        for area in StrategicArea.objects.filter(assignment=assignment).in_tree_order()
    ]
    done = sum(1 for point in points if point.status == ActionPoint.Status.DONE)
    return {
        "assignment": assignment.title,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "commitments": commitments,
        "areas": areas,
        "other": [_point_data(point, start, end, today) for point in other],
        "totals": {"points": len(points), "done": done},
        "previous": (
            {"title": previous.title, "date": timezone.localdate(previous.created_at).isoformat()} if previous else None
        ),
        "activities": activities,
        "insatsbasen": report_sections.insatsbasen_section(start, end),
        "kis": report_sections.kis_section(end),
    }


def report_previous(assignment):
    """The latest frozen report of the assignment: "sedan förra rapporten" compares with it."""
    return ReportSnapshot.objects.filter(assignment=assignment).order_by("-created_at", "-pk").first()


@transaction.atomic
def report_snapshot_create(assignment, user, title, start, end, introduction="", narratives=None, activities=""):
    """Freeze the report as it stands now, with the strategist's narrative per commitment."""
    previous = report_previous(assignment)
    return ReportSnapshot.objects.create(
        assignment=assignment,
        title=title,
        period_start=start,
        period_end=end,
        introduction=introduction,
        data=report_build(assignment, start, end, narratives=narratives, previous=previous, activities=activities),
        created_by=user,
    )


def report_recipients():
    """The steering group's members with an e-mail (one address once)."""
    from .access import steering_memberships

    seen, recipients = set(), []
    for membership in steering_memberships():
        address = membership.contact.email
        if address.lower() not in seen:
            seen.add(address.lower())
            recipients.append(address)
    return recipients


@transaction.atomic
def report_publish(snapshot, user):
    """Publish a frozen report to the steering group: e-mail each member a link, once.

    Publishing again sends nothing (the key names the report); the members read it in the portal.
    Returns the number of e-mails sent.
    """
    snapshot = ReportSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.published_at is None:
        snapshot.published_at = timezone.now()
        snapshot.published_by = user
        snapshot.save(update_fields=["published_at", "published_by"])
    link = settings.SITE_URL + reverse("uppdrag:report_detail", args=[snapshot.pk])
    body = "\n".join(
        [
            _("The strategist has published a report to the steering group of Introduktion Södertörn."),
            "",
            snapshot.title,
            _("Period %(start)s – %(end)s") % {"start": snapshot.period_start, "end": snapshot.period_end},
            "",
            _("Read it in the portal (log in with your account):"),
            link,
        ]
    )
    sent = 0
    for address in report_recipients():
        sent += send_reminder_once(
            f"uppdrag:report:{snapshot.pk}:{address.lower()}",
            "uppdrag.report_published",
            [address],
            _("Report to the steering group: %(title)s") % {"title": snapshot.title},
            body,
        )
    return sent


# --- Reminders ---------------------------------------------------------------------------


def _link(point):
    return settings.SITE_URL + reverse("uppdrag:actionpoint_detail", args=[point.pk])


def strategist_emails():
    User = get_user_model()
    return list(
        User.objects.filter(roles__kind=Role.Kind.STRATEGIST, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def action_point_reminders_send(today=None):
    """Owners: N days before the due date and once overdue; watch items at their expected month.

    Only open points are looked at, so a point closed in the meantime gets nothing. Each
    reminder's key names the point and the date it is about: a changed due date gives a new
    reminder, a second run the same day none.
    """
    today = today or timezone.localdate()
    sent = 0
    points = ActionPoint.objects.open().select_related("owner_user", "owner_contact")
    for point in points.filter(due_date__isnull=False):
        recipients = [point.owner_email]
        if not point.owner_email:
            continue
        days = ReminderSetting.days_for(point.owner_user) if point.owner_user_id else ReminderSetting.DEFAULT_DAYS
        if point.due_date < today:
            sent += send_reminder_once(
                f"uppdrag:overdue:{point.pk}:{point.due_date.isoformat()}",
                "uppdrag.overdue",
                recipients,
                _("Overdue action point: %(title)s") % {"title": point.title},
                _reminder_body(point, _("The action point below was due %(date)s and is not closed.")),
            )
        elif point.due_date - datetime.timedelta(days=days) <= today:
            sent += send_reminder_once(
                f"uppdrag:due:{point.pk}:{point.due_date.isoformat()}",
                "uppdrag.due",
                recipients,
                _("Action point due %(date)s: %(title)s") % {"date": point.due_date.isoformat(), "title": point.title},
                _reminder_body(point, _("The action point below is due %(date)s.")),
            )
    # Watch items: at the start of the expected month (and within it, if the job missed a day).
    for point in points.filter(kind=ActionPoint.Kind.WATCH, expected_month__lte=today, expected_month__isnull=False):
        if point.expected_month_end < today:
            continue
        recipients = [point.owner_email] if point.owner_email else strategist_emails()
        sent += send_reminder_once(
            f"uppdrag:watch:{point.pk}:{point.expected_month.isoformat()}",
            "uppdrag.watch",
            recipients,
            _("Expected this month: %(title)s") % {"title": point.title},
            _reminder_body(point, _("Something you are watching is expected this month (%(date)s).")),
        )
    return sent


def _reminder_body(point, lead):
    lines = [
        lead % {"date": point.when_text},
        "",
        point.title,
        _("Status: %(status)s") % {"status": point.get_status_display()},
    ]
    if point.description:
        lines += ["", point.description]
    lines += ["", _("Open the action point to change its status or write a note:"), _link(point)]
    return "\n".join(lines)


def weekly_digest_send(today=None, days_ahead=14):
    """Once a week to the strategist(s): open points overdue, due soon, and watch items expected soon."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days_ahead)
    points = ActionPoint.objects.open().select_related("owner_user", "owner_contact")
    overdue = list(points.filter(due_date__lt=today))
    coming = list(points.filter(due_date__gte=today, due_date__lte=horizon))
    watching = list(
        points.filter(due_date__isnull=True, expected_month__lte=horizon, expected_month__gte=today.replace(day=1))
    )
    if not (overdue or coming or watching):
        return False
    year, week, _weekday = today.isocalendar()
    lines = [_("Action points that need attention, week %(week)s.") % {"week": week}, ""]
    for heading, items in (
        (_("Overdue"), overdue),
        (_("Due within %(days)s days") % {"days": days_ahead}, coming),
        (_("Watch items expected soon"), watching),
    ):
        if not items:
            continue
        lines.append(f"{heading} ({len(items)})")
        no_owner = _("no owner")
        lines += [
            f"- {point.when_text}: {point.title} ({point.owner_name or no_owner}) {_link(point)}" for point in items
        ]
        lines.append("")
    return send_reminder_once(
        f"uppdrag:digest:{year}-W{week:02d}",
        "uppdrag.digest",
        strategist_emails(),
        _("Weekly summary of action points, week %(week)s") % {"week": week},
        "\n".join(lines),
    )
