"""Excel export of a frozen steering-group report."""

from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn.exports import register_export

from .access import can_manage
from .models import ReportSnapshot
from .templatetags.uppdrag_tags import health_label, kis_status_label, status_label


@register_export("uppdrag.report")
def build_report(job, writer, progress):
    # Reports are the strategist's, exactly as on the report pages.
    if not can_manage(job.user):
        raise PermissionError("Not allowed to export steering-group reports")
    snapshot = ReportSnapshot.objects.get(pk=job.params["snapshot"])
    data = snapshot.data
    sheet = writer.add_sheet(
        _("Report"),
        header=[_("Number"), _("Heading"), _("Action point"), _("Status"), _("When"), _("Owner"), _("Notes")],
        preamble=[
            snapshot.title,
            _("Period %(start)s – %(end)s") % {"start": data["period_start"], "end": data["period_end"]},
            _("Saved %(date)s") % {"date": timezone.localdate(snapshot.created_at).isoformat()},
            snapshot.introduction,
        ],
        widths=[8, 40, 45, 12, 18, 22, 60],
    )
    total = len(data["commitments"]) + len(data["areas"]) or 1
    index = 0
    # Commitments and strategic areas share numbers ("1"), so each part has its own heading row
    # and each section's number says which it is ("Åtagande 1", "Område 1.A").
    for part, sections, prefix in (
        (_("Commitments"), data["commitments"], _("Commitment")),
        (_("Strategic areas"), data["areas"], _("Area")),
    ):
        sheet.append([part.upper()], bold=True)
        for section in sections:
            index += 1
            sheet.append(
                [
                    f"{prefix} {section['number']}",
                    section["title"],
                    "",
                    health_label(section["health"]),
                    "",
                    "",
                    section["health_note"],
                ],
                bold=True,
            )
            if section.get("narrative"):
                sheet.append(["", _("Narrative"), "", "", "", "", section["narrative"]])
            if data.get("previous"):
                heading = _("Since the previous report (%(date)s)") % {"date": data["previous"]["date"]}
                sheet.append(["", heading, "", "", "", "", _since_text(section.get("since"))])
            for point in section["points"]:
                sheet.append(_point_row(point))
            for point in section.get("watch", []):
                sheet.append(_point_row(point, watch=True))
            progress(index, total)
        sheet.append([])
    if data.get("other"):
        sheet.append(["", _("Other action points")])
        for point in data["other"]:
            sheet.append(_point_row(point))
    if data.get("activities"):
        activities = writer.add_sheet(
            _("Activities in the period"), header=[_("Activities in the period")], widths=[100]
        )
        for line in data["activities"].splitlines():
            if line.strip():
                activities.append([line.strip()])
    if data.get("insatsbasen"):
        insatsbasen = writer.add_sheet(
            _("Insatsbasen"),
            header=[
                _("Municipality"),
                _("Active"),
                _("Due for review"),
                _("Verified within interval"),
                _("New"),
                _("Ended"),
            ],
            widths=[22, 10, 14, 14, 8, 10],
        )
        for row in data["insatsbasen"]["rows"]:
            insatsbasen.append(
                [row["municipality"], row["active"], row["due"], row["fresh_percent"], row["new"], row["ended"]]
            )
    if data.get("kis") and data["kis"]["periods"]:
        kis = writer.add_sheet(
            _("KIS reporting"), header=[_("Municipality"), *data["kis"]["periods"]], widths=[22] + [14] * 4
        )
        for row in data["kis"]["rows"]:
            kis.append([row["municipality"], *[kis_status_label(status) for status in row["statuses"]]])
    return f"styrgruppsrapport-{timezone.localdate(snapshot.created_at):%Y-%m-%d}.xlsx"


def _since_text(since):
    """The section's "since the previous report" as on the printed report (report_since.html), one line each."""
    since = since or {}
    lines = []
    for item in since.get("new", []):
        lines.append(f"{_('New')}: {item['title']}" + (f" ({item['when']})" if item.get("when") else ""))
    for item in since.get("done", []):
        lines.append(f"{_('Done')}: {item['title']}")
    for item in since.get("slipped", []):
        dates = {"title": item["title"], "old": item["from"], "new": item["to"]}
        lines.append(f"{_('Slipped')}: " + _("%(title)s: from %(old)s to %(new)s") % dates)
    for item in since.get("moved", []):
        text = _("%(title)s (was under %(old)s)") % {"title": item["title"], "old": item["from"]}
        lines.append(f"{_('Moved here')}: {text if item.get('from') else item['title']}")
    return "\n".join(lines) or _("No changes since the previous report.")


def _point_row(point, watch=False):
    notes = [f"{note['date']}: {note['text']}" for note in point["notes"]]
    if point["completion_note"]:
        notes.append(point["completion_note"])
    status = status_label(point["status"])
    if point.get("overdue"):
        status = f"{status} ({_('Overdue').lower()})"
    heading = _("Watch item") if watch else ""
    return ["", heading, point["title"], status, point["when"], point["owner"], "\n".join(notes)]
