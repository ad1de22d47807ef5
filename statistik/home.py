"""Home-page panels of KIS: what to report, what to approve, and one key figure for the manager."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn import access
from intro_sodertorn.home import Panel
from natverk.models import Municipality

from . import dashboards, services
from .models import Period, Report

RECENTLY_APPROVED_DAYS = 30


def panels(request):
    user = request.user
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    result = []
    reporter_ids = access.stat_reporter_municipality_ids(user)
    if reporter_ids:
        open_periods = list(Period.objects.filter(status=Period.Status.OPEN).order_by("year", "half"))
        reports = {
            (r.municipality_id, r.period_id): r
            for r in Report.objects.filter(municipality_id__in=reporter_ids).select_related("period", "municipality")
        }
        items = []
        # A returned report waits for the reporter even after its period closed (the region asked for it).
        returned_periods = {r.period for r in reports.values() if r.status == Report.Status.RETURNED}
        for municipality in Municipality.objects.filter(pk__in=reporter_ids):
            for period in sorted({*open_periods, *returned_periods}, key=lambda p: (p.year, p.half or 0)):
                report = reports.get((municipality.pk, period.pk))
                if report and report.status in (Report.Status.SUBMITTED, Report.Status.APPROVED):
                    continue
                if report is None and not period.is_open:
                    continue
                items.append(
                    {
                        "municipality": municipality,
                        "period": period,
                        "report": report,
                        "overdue": period.deadline < today,
                    }
                )
        # Told by e-mail too (statistik.notifications): approved in the last weeks.
        recent = today - datetime.timedelta(days=RECENTLY_APPROVED_DAYS)
        approved = sorted(
            (
                r
                for r in reports.values()
                if r.status == Report.Status.APPROVED and r.approved_at and timezone.localdate(r.approved_at) >= recent
            ),
            key=lambda r: r.approved_at,
            reverse=True,
        )
        if approved:
            result.append(Panel(_("KIS reports approved"), "statistik/home_panel.html", {"approved": approved}, 55))
        if items:
            overdue = any(item["overdue"] for item in items)
            result.append(
                Panel(
                    _("KIS reports to submit"), "statistik/home_panel.html", {"to_report": items}, 10 if overdue else 30
                )
            )
        else:
            latest = sorted(reports.values(), key=lambda r: (r.period.year, r.period.half or 0))[-1:]
            result.append(Panel(_("KIS reports"), "statistik/home_panel.html", {"done": latest}, 60))
    if access.is_stat_admin(user):
        waiting = list(Report.objects.filter(status=Report.Status.SUBMITTED).select_related("municipality", "period"))
        late = [
            {"municipality": municipality, "period": period}
            for period in Period.objects.filter(status=Period.Status.OPEN, deadline__lt=today)
            for municipality in services.late_municipalities(period)
        ]
        result.append(
            Panel(_("KIS: approve and follow up"), "statistik/home_panel.html", {"waiting": waiting, "late": late}, 20)
        )
    manager_ids = access.intro_manager_municipality_ids(user)
    if manager_ids:
        figures = []
        indicators = dashboards.key_indicators()
        indicator = next((i for i in indicators if i.code == "AVS_ANDEL"), indicators[0] if indicators else None)
        periods = list(Period.objects.order_by("year", "half"))
        coverage = dashboards.coverages(periods) if indicator else {}
        # The latest period whose regional figure may be shown; a later, partly reported one is named.
        reported = [p for p in periods if coverage.get(p.pk) and coverage[p.pk].reported]
        shown = [p for p in reported if coverage[p.pk].shown]
        latest = shown[-1] if shown else (reported[-1] if reported else None)
        later = [p for p in reported if latest and (p.year, p.half or 0) > (latest.year, latest.half or 0)]
        if indicator and latest:
            grid = dashboards.load_grid(user, [latest], [indicator.code], {indicator.code: "T"})
            for municipality in Municipality.objects.filter(pk__in=manager_ids):
                figures.append(
                    {
                        "municipality": municipality,
                        "indicator": indicator,
                        "period": latest,
                        "cell": grid.cell(municipality.pk, latest.pk, indicator.code, "T"),
                        "region": grid.region_cell(latest.pk, indicator.code, "T"),
                        "coverage": coverage[latest.pk],
                        "later": [{"period": p, "coverage": coverage[p.pk]} for p in later[-1:]],
                    }
                )
        if figures:
            result.append(Panel(_("KIS: your municipality"), "statistik/home_panel.html", {"key_figures": figures}, 40))
    return result
