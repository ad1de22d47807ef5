"""Excel exports of the dashboard tables, through the portal's export framework.

Each builder runs as the asking user (``job.user``) and uses the same dashboard functions as the
pages, so small counts are suppressed exactly as on screen.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn.exports import register_export
from natverk.models import Municipality

from . import dashboards
from .disclosure import RULE_SV
from .models import KEY_LABELS, Period, Report
from .presenters import region_label


def _value(cell):
    """A number when it may be shown; otherwise the sign the pages use ("–" missing, "<5" suppressed)."""
    return float(cell.shown) if cell.shown is not None else cell.display()


def _preamble(title, params, filters):
    return [
        title,
        _("Parameters: years %(start)s–%(end)s, sex %(sex)s, age %(age)s")
        % {
            "start": filters.year_from or "…",
            "end": filters.year_to or "…",
            "sex": KEY_LABELS[filters.sex],
            "age": KEY_LABELS[filters.age],
        },
        _(
            "Exported %(date)s. “–” missing, “<5” suppressed (1–4 persons), “..” not shown so that a "
            "suppressed figure cannot be worked out. Counts of the region are sums, shares weighted."
        )
        % {"date": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        RULE_SV,
    ]


def export_title(kind, params):
    titles = {
        "statistik.overview": _("KIS region overview"),
        "statistik.series": _("KIS time series %(code)s"),
        "statistik.comparison": _("KIS comparison %(code)s"),
        "statistik.municipality": _("KIS municipality profile"),
        "statistik.status": _("KIS reporting status"),
        "statistik.catalogue": _("KIS indicators and definitions"),
    }
    return titles[kind] % {"code": params.get("code", "")}


@register_export("statistik.overview")
def build_overview(job, writer, progress):
    filters = dashboards.filters_from(job.params)
    overview = dashboards.region_overview(job.user, filters, job.params.get("period"))
    latest = str(overview["latest"]) if overview else _("Latest")
    previous = str(overview["previous"]) if overview and overview["previous"] else _("Year before")
    coverage = [
        _("%(period)s: %(coverage)s have reported.") % {"period": period, "coverage": cover.text()}
        + (" " + cover.reason() if not cover.shown else "")
        for period, cover in (
            [(overview["latest"], overview["coverage"]), (overview["previous"], overview["previous_coverage"])]
            if overview
            else []
        )
        if cover is not None
    ]
    sheet = writer.add_sheet(
        _("Overview"),
        header=[
            _("Code"),
            _("Indicator"),
            _("Breakdown"),
            latest,
            previous,
            _("Change %(previous)s–%(latest)s") % {"previous": previous, "latest": latest},
            _("Unit"),
            _("Region's figure"),
        ],
        preamble=_preamble(job.title, job.params, filters) + coverage,
    )
    if overview:
        for figure in overview["figures"]:
            indicator = figure["indicator"]
            sheet.append(
                [
                    indicator.code,
                    indicator.label,
                    str(KEY_LABELS[figure["key"]]),
                    _value(figure["now"]),
                    _value(figure["before"]),
                    float(figure["change"]) if figure["change"] is not None else "–",
                    _("percentage points")
                    if indicator.unit == indicator.Unit.PERCENT
                    else indicator.get_unit_display(),
                    str(region_label(figure["method"])),
                ]
            )
    return "kis-oversikt.xlsx"


@register_export("statistik.series")
def build_series(job, writer, progress):
    filters = dashboards.filters_from(job.params)
    indicator = dashboards.latest_indicator(job.params.get("code"))
    periods = dashboards.periods_in_range(filters)
    series = dashboards.indicator_series(job.user, indicator, periods, filters)
    sheet = writer.add_sheet(
        indicator.code,
        header=[_("Municipality")] + [str(p) for p in periods],
        preamble=_preamble(f"{job.title}: {indicator.label} ({KEY_LABELS[series['key']]})", job.params, filters),
    )
    for row in series["rows"]:
        sheet.append([row.label] + [_value(cell) for cell in row.cells])
    sheet.append([str(region_label(series["method"]))] + [_value(cell) for cell in series["region"]])
    sheet.append([_("Have reported")] + [cover.text() if cover else "" for cover in series["coverage"]])
    for change in series["changes"]:
        sheet.append([_("New definition from %(period)s") % {"period": change["period"]}, change["after"].definition])
    for note in series["notes"]:
        sheet.append([f"{note['municipality']} {note['period']}", note["text"]])
    return f"kis-{indicator.code.lower()}-tidsserie.xlsx"


@register_export("statistik.comparison")
def build_comparison(job, writer, progress):
    filters = dashboards.filters_from(job.params)
    indicator = dashboards.latest_indicator(job.params.get("code"))
    period = Period.objects.get(pk=job.params.get("period"))
    comparison = dashboards.indicator_comparison(job.user, indicator, period, filters)
    sheet = writer.add_sheet(
        f"{indicator.code} {period}",
        header=[_("Municipality"), str(period)],
        preamble=_preamble(
            f"{job.title}: {indicator.label} {period} ({KEY_LABELS[comparison['key']]})", job.params, filters
        )
        + [comparison["coverage"].text() if comparison["coverage"] else ""],
    )
    for row in comparison["rows"]:
        sheet.append([row.label, _value(row.cells[0])])
    sheet.append([str(region_label(comparison["method"])), _value(comparison["region"])])
    return f"kis-{indicator.code.lower()}-{period}.xlsx".replace(" ", "-")


@register_export("statistik.municipality")
def build_municipality(job, writer, progress):
    filters = dashboards.filters_from(job.params)
    municipality = Municipality.objects.get(pk=job.params.get("municipality"))
    periods = dashboards.periods_in_range(filters)
    compare = [int(v) for v in job.params.get("compare", "").split(",") if v.isdigit() and len(v) < 10]
    profile = dashboards.municipality_profile(job.user, municipality, periods, filters, compare)["profile"]
    sheet = writer.add_sheet(
        municipality.name,
        header=[_("Code"), _("Indicator"), _("Series")] + [str(p) for p in periods],
        preamble=_preamble(f"{job.title}: {municipality.name}", job.params, filters),
    )
    for item in profile:
        indicator = item["indicator"]
        sheet.append([indicator.code, indicator.label, municipality.name] + [_value(c) for c in item["own"]])
        for other in item["compared"]:
            sheet.append(
                [indicator.code, indicator.label, other["municipality"].name] + [_value(c) for c in other["cells"]]
            )
        sheet.append(
            [indicator.code, indicator.label, str(region_label(item["method"]))] + [_value(c) for c in item["region"]]
        )
    return f"kis-{municipality.code}.xlsx"


@register_export("statistik.status")
def build_status(job, writer, progress):
    periods = list(Period.objects.order_by("year", "half"))
    statuses = {(r.municipality_id, r.period_id): r.get_status_display() for r in Report.objects.all()}
    sheet = writer.add_sheet(
        _("Reporting status"),
        header=[_("Municipality")] + [str(p) for p in periods],
        preamble=[job.title, _("Exported %(date)s.") % {"date": timezone.localtime().strftime("%Y-%m-%d %H:%M")}],
    )
    for municipality in dashboards.members(periods):
        sheet.append(
            [municipality.name]
            + [
                statuses.get(
                    (municipality.pk, p.pk), _("Not started") if dashboards._is_member(municipality, p) else ""
                )
                for p in periods
            ]
        )
    return "kis-rapporteringsstatus.xlsx"


@register_export("statistik.catalogue")
def build_catalogue(job, writer, progress):
    from .models import CatalogueVersion

    header = [_("Code"), _("Form"), _("Indicator"), _("Definition"), _("Unit"), _("Kind"), _("Formula"), _("Source")]
    for version in CatalogueVersion.objects.prefetch_related("indicators__form"):
        sheet = writer.add_sheet(
            f"v{version.number}",
            header=header,
            preamble=[
                f"{job.title}: {version}",
                _("Valid from %(year)s. Exported %(date)s.")
                % {"year": version.valid_from_year, "date": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
            ],
        )
        for indicator in version.indicators.all():
            sheet.append(
                [
                    indicator.code,
                    indicator.form.label,
                    indicator.label,
                    indicator.definition,
                    indicator.get_unit_display(),
                    indicator.get_kind_display(),
                    indicator.formula,
                    indicator.source,
                ]
            )
    return "kis-indikatorer.xlsx"
