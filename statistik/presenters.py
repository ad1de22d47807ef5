"""Page contexts of the indicator and municipality dashboards: data tables, charts and summaries."""

from django.utils.translation import gettext as _

from . import dashboards
from .calc import Cell
from .charts import bar_chart, line_chart, responsive
from .models import KEY_LABELS


def _points(cells):
    return [float(cell.shown) if cell.shown is not None else None for cell in cells]


def _fmt(value):
    return Cell(value).display()


def breakdown_label(key):
    return KEY_LABELS[key]


def _who(filters):
    """The sex and age band chosen, in words: "women and men, all ages", "women, 20–64 years"."""
    sex = {"K": _("women"), "M": _("men")}.get(filters.sex, _("women and men"))
    age = _("all ages") if filters.age == "T" else str(KEY_LABELS[filters.age])
    return f"{sex}, {age}"


def showing_sentence(filters, periods):
    """One sentence on what a dashboard shows: the years, who, and that only approved figures count."""
    if not periods:
        return _("There are no periods in the chosen years.")
    years = str(periods[0]) if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
    return _("Showing %(years)s for %(who)s; only figures approved by the region are counted.") % {
        "years": years,
        "who": _who(filters),
    }


def overview_sentence(overview, filters):
    """What the region overview shows, and how many have reported."""
    values = {
        "period": overview["latest"],
        "previous": overview["previous"] or "–",
        "who": _who(filters),
        "n": overview["reported"],
        "total": overview["members"],
    }
    if overview["previous"] is None:
        text = _("Showing %(period)s for %(who)s: the unweighted mean of the municipalities' approved figures.")
    else:
        text = _(
            "Showing %(period)s against %(previous)s for %(who)s: "
            "the unweighted mean of the municipalities' approved figures."
        )
    reported = _("%(n)s of %(total)s municipalities have reported.") % values
    return f"{text % values} {reported}"


def indicator_page(user, indicator, filters, period_id=None):
    periods = dashboards.periods_in_range(filters)
    labels = [str(period) for period in periods]
    series = dashboards.indicator_series(user, indicator, periods, filters)
    key_label = breakdown_label(series["key"])
    lines = [(row.label, _points(row.cells)) for row in series["rows"]]
    lines.append((_("Region mean"), _points(series["region"])))
    first = next((c.shown for c in series["region"] if c.shown is not None), None)
    last = next((c.shown for c in reversed(series["region"]) if c.shown is not None), None)
    if periods and first is not None and last is not None and len(periods) == 1:
        summary = _("%(name)s (%(key)s) per municipality %(period)s; the region's mean is %(last)s.") % {
            "name": indicator.label,
            "key": key_label,
            "period": labels[0],
            "last": _fmt(last),
        }
    elif periods and first is not None and last is not None:
        summary = _(
            "%(name)s (%(key)s) per municipality %(start)s–%(end)s; the region's mean went from %(first)s to %(last)s."
        ) % {
            "name": indicator.label,
            "key": key_label,
            "start": labels[0],
            "end": labels[-1],
            "first": _fmt(first),
            "last": _fmt(last),
        }
    else:
        summary = _("%(name)s: no approved figures in the chosen periods.") % {"name": indicator.label}
    series_chart = responsive(line_chart, "series", indicator.label, summary, labels, lines) if periods else ""

    period = next((p for p in periods if str(p.pk) == str(period_id)), None) or (periods[-1] if periods else None)
    comparison = comparison_chart = comparison_summary = None
    if period:
        comparison = dashboards.indicator_comparison(user, indicator, period, filters)
        rows = comparison["rows"]
        top = rows[0] if rows and rows[0].cells[0].shown is not None else None
        comparison_summary = _(
            "%(name)s %(period)s: %(reported)s of %(members)s municipalities have reported; "
            "the region's unweighted mean is %(mean)s%(top)s."
        ) % {
            "name": indicator.label,
            "period": period,
            "reported": comparison["reported"],
            "members": comparison["members"],
            "mean": _fmt(comparison["mean"]),
            "top": (_(", highest %(name)s with %(value)s") % {"name": top.label, "value": top.cells[0].display()})
            if top
            else "",
        }
        comparison_chart = responsive(
            bar_chart,
            "comparison",
            f"{indicator.label} {period}",
            comparison_summary,
            [(row.label, row.cells[0]) for row in rows],
            mean=comparison["mean"],
        )
    ignored = []
    if filters.sex != "T" and indicator.breakdown != indicator.Breakdown.SEX:
        ignored.append(_("sex"))
    if filters.age != "T" and indicator.breakdown != indicator.Breakdown.AGE:
        ignored.append(_("age band"))
    return {
        "filter_note": _("This indicator is not broken down by %(what)s: the total is shown.")
        % {"what": _(" or ").join(str(item) for item in ignored)}
        if ignored
        else "",
        "indicator": indicator,
        "periods": periods,
        "series": series,
        "key_label": key_label,
        "series_summary": summary,
        "series_chart": series_chart,
        "period": period,
        "comparison": comparison,
        "comparison_chart": comparison_chart,
        "comparison_summary": comparison_summary,
        "showing": showing_sentence(filters, periods),
        "has_suppressed": any(c.suppressed for row in series["rows"] for c in row.cells),
    }


def municipality_page(user, municipality, filters):
    periods = dashboards.periods_in_range(filters)
    labels = [str(period) for period in periods]
    profile = dashboards.municipality_profile(user, municipality, periods, filters)
    for item in profile:
        indicator = item["indicator"]
        own_last = next((c for c in reversed(item["own"]) if c.value is not None or c.suppressed), None)
        region_last = next((c for c in reversed(item["region"]) if c.value is not None), None)
        if own_last is None and region_last is None:
            item["summary"] = _("%(name)s: no approved figures in the chosen periods.") % {"name": indicator.label}
        else:
            item["summary"] = _(
                "%(name)s for %(municipality)s, latest %(own)s against the region's mean %(region)s."
            ) % {
                "name": indicator.label,
                "municipality": municipality.name,
                "own": own_last.display() if own_last else "–",
                "region": region_last.display() if region_last else "–",
            }
        item["chart"] = responsive(
            line_chart,
            f"profile-{indicator.code}",
            f"{indicator.label}: {municipality.name}",
            item["summary"],
            labels,
            [(municipality.name, _points(item["own"])), (_("Region mean"), _points(item["region"]))],
            highlight=municipality.name,
            height=250,
        )
        item["key_label"] = breakdown_label(item["key"])
    return {
        "municipality": municipality,
        "periods": periods,
        "profile": profile,
        "showing": showing_sentence(filters, periods),
        "has_suppressed": any(c.suppressed for item in profile for c in item["own"]),
    }
