"""Page contexts of the indicator and municipality dashboards: data tables, charts and summaries."""

from django.utils.translation import gettext as _

from . import dashboards
from .calc import Cell
from .charts import bar_chart, line_chart, responsive
from .disclosure import RULE_SV
from .models import KEY_LABELS


def _points(cells):
    return [float(cell.shown) if cell.shown is not None else None for cell in cells]


def _fmt(value):
    return Cell(value).display()


def breakdown_label(key):
    return KEY_LABELS[key]


def _who(filters, indicator=None):
    """The sex and age band a figure is for, in words: "women and men, all ages", "women, 20–64 years".

    With ``indicator``, only the breakdown it has: an age breakdown is for women and men together
    whatever the sex filter says.
    """
    sex_key = filters.sex if indicator is None or indicator.breakdown == indicator.Breakdown.SEX else "T"
    age_key = filters.age if indicator is None or indicator.breakdown == indicator.Breakdown.AGE else "T"
    sex = {"K": _("women"), "M": _("men")}.get(sex_key, _("women and men"))
    age = _("all ages") if age_key == "T" else str(KEY_LABELS[age_key])
    return f"{sex}, {age}"


def region_label(method):
    """The name of the region's figure, saying how it is made."""
    return {
        "sum": _("Region (sum)"),
        "weighted": _("Region (weighted)"),
        "weighted mean": _("Region (weighted mean)"),
        "municipal mean": _("Mean of the municipalities (unweighted)"),
    }.get(method, _("Region"))


def method_sentence(method):
    return {
        "sum": _("The region's figure is the sum of the municipalities that have reported."),
        "weighted": _(
            "The region's figure is computed from the summed numerators and denominators of the "
            "municipalities that have reported (weighted), not as a mean of their figures."
        ),
        "weighted mean": _(
            "The region's figure is the municipalities' figures weighted by the number of persons behind each."
        ),
        "municipal mean": _("The region's figure is the unweighted mean of the municipalities' figures."),
    }.get(method, "")


def showing_sentence(filters, periods, indicator=None):
    """One sentence on what a dashboard shows: the years, who, and that only approved figures count."""
    if not periods:
        return _("There are no periods in the chosen years.")
    years = str(periods[0]) if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
    return _("Showing %(years)s for %(who)s; only figures approved by the region are counted.") % {
        "years": years,
        "who": _who(filters, indicator),
    }


def overview_sentence(overview, filters):
    """What the region overview shows, and how much of the region has reported."""
    values = {
        "period": overview["latest"],
        "previous": overview["previous"] or "–",
        "who": _who(filters),
        "coverage": overview["coverage"].text(),
    }
    if overview["previous"] is None:
        text = _("Showing %(period)s for %(who)s: the region's figures (%(coverage)s have reported).")
    else:
        text = _(
            "Showing %(period)s against %(previous)s for %(who)s: the region's figures "
            "(%(period)s: %(coverage)s have reported)."
        )
    return text % values


def _definition_marks(changes):
    return [(change["index"], _("New definition")) for change in changes]


def indicator_page(user, indicator, filters, period_id=None):
    periods = dashboards.periods_in_range(filters)
    labels = [str(period) for period in periods]
    series = dashboards.indicator_series(user, indicator, periods, filters)
    key_label = breakdown_label(series["key"])
    region_name = region_label(series["method"])
    lines = [(row.label, _points(row.cells)) for row in series["rows"]]
    # A regional sum is of another size than the municipalities: it is in the table, not in their chart.
    if series["method"] != "sum":
        lines.append((region_name, _points(series["region"])))
    first = next((c.shown for c in series["region"] if c.shown is not None), None)
    last = next((c.shown for c in reversed(series["region"]) if c.shown is not None), None)
    values = {"name": indicator.label, "key": key_label, "first": _fmt(first), "last": _fmt(last)}
    if periods and first is not None and len(periods) == 1:
        summary = _("%(name)s (%(key)s) per municipality %(period)s; the region's figure is %(last)s.") % (
            values | {"period": labels[0]}
        )
    elif periods and first is not None:
        summary = _(
            "%(name)s (%(key)s) per municipality %(start)s–%(end)s; the region's figure went from "
            "%(first)s to %(last)s."
        ) % (values | {"start": labels[0], "end": labels[-1]})
    elif periods and any(c.reported for c in series["coverage"] if c):
        summary = _("%(name)s (%(key)s) per municipality; too few have reported for a regional figure.") % values
    else:
        summary = _("%(name)s: no approved figures in the chosen periods.") % {"name": indicator.label}
    shown = [c for c, r in zip(series["coverage"], series["region"], strict=True) if c and r.shown is not None]
    # The chart's summary stays one sentence (its <desc>): the notes join it after a semicolon.
    notes = []
    if series["method"] == "sum" and len({(c.reported, c.members, c.share) for c in shown}) > 1:
        notes.append(_("not every period covers the same municipalities, so compare the region's sums with care"))
    if series["changes"]:
        notes.append(
            _("the definition changed from %(periods)s")
            % {"periods": ", ".join(str(change["period"]) for change in series["changes"])}
        )
    if notes:
        summary = summary.rstrip(".") + "; " + "; ".join(notes) + "."
    series_chart = (
        responsive(
            line_chart,
            "series",
            indicator.label,
            summary,
            labels,
            lines,
            region=region_name,
            marks=_definition_marks(series["changes"]),
        )
        if periods
        else ""
    )

    period = next((p for p in periods if str(p.pk) == str(period_id)), None) or (periods[-1] if periods else None)
    comparison = comparison_chart = comparison_summary = None
    if period:
        coverage = {p.pk: c for p, c in zip(periods, series["coverage"], strict=True) if c is not None}
        comparison = dashboards.indicator_comparison(
            user, indicator, period, filters, coverage=coverage, grid=series["grid"]
        )
        rows = comparison["rows"]
        top = rows[0] if rows and rows[0].cells[0].shown is not None else None
        coverage = comparison["coverage"]
        region = comparison["region"]
        comparison_summary = _("%(name)s %(period)s: %(coverage)s have reported; %(region)s%(top)s.") % {
            "name": indicator.label,
            "period": period,
            "coverage": coverage.text() if coverage else "",
            "region": (
                _("the region's figure is %(value)s") % {"value": region.display()}
                if coverage and coverage.shown
                else _("too few for a regional figure")
            ),
            "top": (_(", highest %(name)s with %(value)s") % {"name": top.label, "value": top.cells[0].display()})
            if top
            else "",
        }
        reference = region.shown if comparison["method"] != "sum" else None
        comparison_chart = responsive(
            bar_chart,
            "comparison",
            f"{indicator.label} {period}",
            comparison_summary,
            [(row.label, row.cells[0]) for row in rows],
            mean=reference,
            mean_label=region_label(comparison["method"]),
        )
    ignored = []
    if filters.sex != "T" and indicator.breakdown != indicator.Breakdown.SEX:
        ignored.append(_("sex"))
    if filters.age != "T" and indicator.breakdown != indicator.Breakdown.AGE:
        ignored.append(_("age band"))
    cells = [c for row in series["rows"] for c in row.cells] + list(series["region"])
    return {
        "filter_note": _("This indicator is not broken down by %(what)s: the total is shown.")
        % {"what": _(" or ").join(str(item) for item in ignored)}
        if ignored
        else "",
        "indicator": indicator,
        "periods": periods,
        "series": series,
        "key_label": key_label,
        "region_name": region_name,
        "method_sentence": method_sentence(series["method"]),
        "series_summary": summary,
        "series_chart": series_chart,
        "period": period,
        "comparison": comparison,
        "comparison_chart": comparison_chart,
        "comparison_summary": comparison_summary,
        "showing": showing_sentence(filters, periods, indicator),
        "has_suppressed": any(c.suppressed for c in cells),
        "rule": RULE_SV,
        "change_indexes": {change["index"] for change in series["changes"]},
        "thin": any(c and c.reported and not c.shown for c in series["coverage"]),
    }


def municipality_page(user, municipality, filters, compare=()):
    periods = dashboards.periods_in_range(filters)
    labels = [str(period) for period in periods]
    result = dashboards.municipality_profile(user, municipality, periods, filters, compare)
    profile = result["profile"]
    for item in profile:
        indicator = item["indicator"]
        region_name = region_label(item["method"])
        own_last = next((c for c in reversed(item["own"]) if c.value is not None or c.suppressed), None)
        region_last = next((c for c in reversed(item["region"]) if c.value is not None), None)
        if own_last is None and region_last is None:
            item["summary"] = _("%(name)s: no approved figures in the chosen periods.") % {"name": indicator.label}
        else:
            item["summary"] = _("%(name)s for %(municipality)s, latest %(own)s against %(region_name)s %(region)s.") % {
                "name": indicator.label,
                "municipality": municipality.name,
                "own": own_last.display() if own_last else "–",
                "region_name": region_name.lower(),
                "region": region_last.display() if region_last else "–",
            }
        lines = [(municipality.name, _points(item["own"]))]
        lines += [(other["municipality"].name, _points(other["cells"])) for other in item["compared"]]
        if item["method"] != "sum":
            lines.append((region_name, _points(item["region"])))
        item["chart"] = responsive(
            line_chart,
            f"profile-{indicator.code}",
            f"{indicator.label}: {municipality.name}",
            item["summary"],
            labels,
            lines,
            highlight=municipality.name,
            height=250,
            region=region_name,
        )
        item["key_label"] = breakdown_label(item["key"])
        item["region_name"] = region_name
    cells = [c for item in profile for c in item["own"] + [c for o in item["compared"] for c in o["cells"]]]
    return {
        "municipality": municipality,
        "periods": periods,
        "profile": profile,
        "coverage": result["coverage"],
        "showing": showing_sentence(filters, periods),
        "has_suppressed": any(c.suppressed for c in cells),
        "rule": RULE_SV,
    }
