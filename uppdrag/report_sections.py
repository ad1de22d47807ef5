"""The report's opening and closing parts, read from the other apps (never written to them).

- activities: the period's meetings as a numbered list the strategist edits before freezing (seed 000's
  opening list: meetings held, visits, conferences);
- insatsbasen: per municipality the active insatser, how many are due for review at the period's end,
  and the insatser created and archived in the period;
- KIS: per municipality the status of its report for the latest periods that began before the period ended.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def activities_text(start, end):
    """The period's meetings as a numbered list ("1. 2026-10-05 Samordningsgruppen: Agenda ..."), to edit."""
    from natverk.models import Meeting

    meetings = Meeting.objects.filter(date__gte=start, date__lte=end).select_related("network").order_by("date", "pk")
    lines = []
    for number, meeting in enumerate(meetings, start=1):
        topic = (meeting.agenda or "").strip().splitlines()[0][:160] if meeting.agenda.strip() else ""
        place = f" ({meeting.place})" if meeting.place else ""
        lines.append(
            f"{number}. {meeting.date.isoformat()} {meeting.network.name}{place}" + (f": {topic}" if topic else "")
        )
    return "\n".join(lines)


def insatsbasen_section(start, end):
    from insatsbasen.models import Insats, InsatsChange
    from natverk.models import Municipality

    active = (
        Insats.objects.active()
        .values("owner_municipality_id")
        .annotate(total=Count("pk"), due=Count("pk", filter=Q(review_due_on__lte=end)))
    )
    by_municipality = {row["owner_municipality_id"]: row for row in active}
    new = Insats.objects.filter(created_at__gte=_aware(start), created_at__lt=_aware(end + datetime.timedelta(days=1)))
    ended = (
        InsatsChange.objects.filter(
            field="status",
            new_value=Insats.Status.ARCHIVED,
            changed_at__gte=_aware(start),
            changed_at__lt=_aware(end + datetime.timedelta(days=1)),
        )
        .values_list("insats_id", flat=True)
        .distinct()
    )
    new_by = dict(new.values_list("owner_municipality_id").annotate(n=Count("pk")))
    ended_by = dict(Insats.objects.filter(pk__in=ended).values_list("owner_municipality_id").annotate(n=Count("pk")))
    rows = []
    for municipality in Municipality.objects.order_by("name"):
        row = by_municipality.get(municipality.pk, {"total": 0, "due": 0})
        total, due = row["total"], row["due"]
        if not (total or new_by.get(municipality.pk) or ended_by.get(municipality.pk)):
            continue
        rows.append(
            {
                "municipality": municipality.name,
                "active": total,
                "due": due,
                "fresh_percent": round(100 * (total - due) / total) if total else None,
                "new": new_by.get(municipality.pk, 0),
                "ended": ended_by.get(municipality.pk, 0),
            }
        )
    new_names = [
        {"name": insats.name, "municipality": insats.owner_municipality.name}
        for insats in new.select_related("owner_municipality").order_by("owner_municipality__name", "name")[:40]
    ]
    return {"rows": rows, "new": new_names, "new_total": new.count(), "ended_total": len(set(ended))}


def kis_section(end, periods=2):
    """Who has reported which period: the latest ``periods`` periods that began by the period's end."""
    from natverk.models import Municipality
    from statistik.models import Period, Report

    started = sorted(
        (period for period in Period.objects.all() if period.start <= end),
        key=lambda period: (period.year, period.half_number),
    )
    chosen = started[-periods:]
    reports = {
        (report.municipality_id, report.period_id): report.status
        for report in Report.objects.filter(period__in=chosen).only("municipality_id", "period_id", "status")
    }
    members = [municipality for municipality in Municipality.objects.order_by("name") if municipality.is_member_on(end)]
    return {
        "periods": [str(period) for period in chosen],
        "rows": [
            {
                "municipality": municipality.name,
                "statuses": [reports.get((municipality.pk, period.pk), "") for period in chosen],
            }
            for municipality in members
        ],
    }
