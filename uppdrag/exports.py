"""Excel export of a frozen steering-group report."""

from django.utils.translation import gettext as _

from intro_sodertorn.exports import register_export

from .access import can_manage
from .models import ReportSnapshot
from .templatetags.uppdrag_tags import health_label, status_label


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
            _("Saved %(date)s") % {"date": snapshot.created_at.date().isoformat()},
            snapshot.introduction,
        ],
        widths=[8, 40, 45, 12, 18, 22, 60],
    )
    sections = data["commitments"] + data["areas"]
    total = len(sections) or 1
    for index, section in enumerate(sections, start=1):
        sheet.append(
            [section["number"], section["title"], "", health_label(section["health"]), "", "", section["health_note"]]
        )
        for point in section["points"]:
            sheet.append(_point_row(point))
        progress(index, total)
    if data.get("other"):
        sheet.append(["", _("Other action points")])
        for point in data["other"]:
            sheet.append(_point_row(point))
    return f"styrgruppsrapport-{snapshot.created_at:%Y-%m-%d}.xlsx"


def _point_row(point):
    notes = [f"{note['date']}: {note['text']}" for note in point["notes"]]
    if point["completion_note"]:
        notes.append(point["completion_note"])
    return ["", "", point["title"], status_label(point["status"]), point["when"], point["owner"], "\n".join(notes)]
