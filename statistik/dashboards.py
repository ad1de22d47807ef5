"""Read side of the dashboards: approved figures as a viewer may see them, in a fixed number of queries.

Pages and exports both call these functions with the asking user, so both suppress the same way
(through ``calc.visible_cells``). The number of queries does not depend on the number of periods
or municipalities: every function loads reports, indicators and values in one query each.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from natverk.models import Municipality

from .calc import Cell, Plan, formula_codes, visible_cells
from .models import TOTAL, CatalogueVersion, Indicator, Period, Report, Value


@dataclass
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    sex: str = TOTAL
    age: str = TOTAL

    def key_for(self, indicator):
        if indicator.breakdown == Indicator.Breakdown.SEX and self.sex in indicator.keys:
            return self.sex
        if indicator.breakdown == Indicator.Breakdown.AGE and self.age in indicator.keys:
            return self.age
        return TOTAL

    def as_params(self):
        return {"year_from": self.year_from, "year_to": self.year_to, "sex": self.sex, "age": self.age}


def filters_from(data):
    """Filters from a query string or saved export parameters; bad values fall back to defaults."""

    def year(name):
        try:
            value = int(data.get(name) or 0)
        except (TypeError, ValueError):
            return None
        return value if 1900 < value < 2200 else None

    sex = data.get("sex") if data.get("sex") in ("K", "M", TOTAL) else TOTAL
    age = data.get("age") if data.get("age") in ("a0_15", "a16_19", "a20_64", "a65", TOTAL) else TOTAL
    year_from, year_to = year("year_from"), year("year_to")
    if year_from and year_to and year_from > year_to:
        # A range given backwards means the same years.
        year_from, year_to = year_to, year_from
    return Filters(year_from, year_to, sex, age)


def period_years():
    """The years that have a period, in order (the choices of the year filters)."""
    return sorted(set(Period.objects.values_list("year", flat=True)))


def filters_with_defaults(filters, years):
    """The filters with the years filled in: the first and last year there is when none is chosen."""
    if not years:
        return filters
    return Filters(filters.year_from or years[0], filters.year_to or years[-1], filters.sex, filters.age)


def periods_in_range(filters):
    periods = Period.objects.all()
    if filters.year_from:
        periods = periods.filter(year__gte=filters.year_from)
    if filters.year_to:
        periods = periods.filter(year__lte=filters.year_to)
    return list(periods.order_by("year", "half"))


def latest_indicator(code):
    """The current definition of an indicator (from the newest catalogue version that has it)."""
    return Indicator.objects.filter(code=code).select_related("form", "version").order_by("-version__number").first()


def key_indicators():
    version = CatalogueVersion.objects.order_by("-number").first()
    if version is None:
        return []
    return list(version.indicators.filter(is_key=True).select_related("form").order_by("form__order", "order"))


def _needed_codes(indicators_by_code, codes):
    """The codes plus every code their formulas use, recursively."""
    needed, queue = set(), list(codes)
    while queue:
        code = queue.pop()
        if code in needed:
            continue
        needed.add(code)
        indicator = indicators_by_code.get(code)
        if indicator is not None and indicator.formula:
            queue.extend(formula_codes(indicator.formula))
    return needed


@dataclass
class Grid:
    """Visible figures of approved reports: cells[(municipality_id, period_id)][(code, key)] -> Cell."""

    cells: dict = field(default_factory=dict)
    reported: dict = field(default_factory=lambda: defaultdict(set))  # period_id -> municipality ids

    def cell(self, municipality_id, period_id, code, key):
        report = self.cells.get((municipality_id, period_id))
        if report is None:
            return Cell(None)
        return report.get((code, key), Cell(None))


def load_grid(user, periods, codes, keys=None):
    """Approved figures for the periods and codes, as ``user`` may see them. Three queries.

    ``keys``: {code: breakdown key} when a page shows one key per indicator; then only those cells
    are worked out (other keys of the code read as missing).

    The indicators of each catalogue version are planned once (``calc.Plan``); per report only its
    figures are computed and suppressed.
    """
    grid = Grid()
    approved = Report.objects.reported().filter(period__in=[period.pk for period in periods])
    reports = list(approved.values_list("pk", "municipality_id", "period_id", "version_id"))
    if not reports:
        return grid
    by_version = defaultdict(list)
    for indicator in Indicator.objects.filter(version_id__in={r[3] for r in reports}).order_by("order"):
        by_version[indicator.version_id].append(indicator)
    needed = set()
    for indicators in by_version.values():
        needed |= _needed_codes({indicator.code: indicator for indicator in indicators}, codes)
    wanted = None if keys is None else {(code, keys[code]) for code in codes}
    plans = {
        version_id: Plan([indicator for indicator in indicators if indicator.code in needed], wanted)
        for version_id, indicators in by_version.items()
    }
    typed = defaultdict(dict)
    # A subquery, not a list of ids: the query stays one statement of the same size for any number of reports.
    rows = Value.objects.filter(report__in=approved.values("pk"), indicator__code__in=needed).values_list(
        "report_id", "indicator__code", "key", "value"
    )
    for report_id, code, key, value in rows:
        typed[report_id][(code, key)] = value
    for report_id, municipality_id, period_id, version_id in reports:
        plan = plans[version_id]
        grid.cells[(municipality_id, period_id)] = visible_cells(
            user, municipality_id, plan.indicators, typed[report_id], plan
        )
        grid.reported[period_id].add(municipality_id)
    return grid


def mean(cells):
    """Unweighted mean of the figures the viewer can see (suppressed ones never enter it)."""
    values = [cell.shown for cell in cells if cell.shown is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.1"))


def members(periods):
    if not periods:
        return []
    start = min(period.start for period in periods)
    end = max(period.end for period in periods)
    return list(Municipality.objects.members_during(start, end).order_by("name"))


def _is_member(municipality, period):
    return municipality.member_from <= period.end and (
        municipality.member_to is None or municipality.member_to >= period.start
    )


@dataclass
class Row:
    label: str
    cells: list
    municipality: object = None


def indicator_series(user, indicator, periods, filters):
    """Time series of one indicator per municipality, with the region's mean and n of N per period."""
    key = filters.key_for(indicator)
    grid = load_grid(user, periods, [indicator.code], {indicator.code: key})
    municipalities = members(periods)
    rows = [
        Row(m.name, [grid.cell(m.pk, p.pk, indicator.code, key) for p in periods], municipality=m)
        for m in municipalities
    ]
    region = [Cell(mean([row.cells[index] for row in rows])) for index in range(len(periods))]
    counts = [(len(grid.reported[p.pk]), sum(1 for m in municipalities if _is_member(m, p))) for p in periods]
    return {"rows": rows, "region": region, "counts": counts, "key": key}


def sort_comparison(rows):
    """Visible figures from highest to lowest; suppressed and missing after, by name only.

    Sorting never uses a suppressed value, so the order does not reveal it.
    """
    shown = sorted((row for row in rows if row.cells[0].shown is not None), key=lambda r: (-r.cells[0].shown, r.label))
    rest = sorted((row for row in rows if row.cells[0].shown is None), key=lambda r: (r.cells[0].state, r.label))
    return shown + rest


def indicator_comparison(user, indicator, period, filters):
    """All member municipalities for one period, sorted, with the region's mean and n of N."""
    key = filters.key_for(indicator)
    grid = load_grid(user, [period], [indicator.code], {indicator.code: key})
    municipalities = [m for m in members([period]) if _is_member(m, period)]
    rows = [Row(m.name, [grid.cell(m.pk, period.pk, indicator.code, key)], municipality=m) for m in municipalities]
    average = mean([row.cells[0] for row in rows])
    return {
        "rows": sort_comparison(rows),
        "mean": average,
        "mean_cell": Cell(average),
        "reported": len(grid.reported[period.pk]),
        "members": len(municipalities),
        "key": key,
    }


def change_display(change, indicator):
    """A change with its sign, in percentage points for shares."""
    if change is None:
        return "–"
    text = Cell(abs(change)).display()
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    unit = _("percentage points") if indicator.unit == Indicator.Unit.PERCENT else indicator.get_unit_display()
    return f"{sign}{text} {unit}"


def region_overview(user, filters):
    """The latest period with approved reports (up to ``filters.year_to``): key figures as the region's mean,
    and the change from a year before."""
    reports = Report.objects.reported()
    if filters.year_to:
        # The chosen year, or the latest year before it that has approved reports.
        reports = reports.filter(period__year__lte=filters.year_to)
    latest_id = reports.order_by("-period__year", "-period__half").values_list("period_id", flat=True).first()
    if latest_id is None:
        return None
    latest = Period.objects.get(pk=latest_id)
    previous = Period.objects.filter(year=latest.year - 1, half=latest.half).first()
    periods = [p for p in (previous, latest) if p]
    indicators = key_indicators()
    grid = load_grid(user, periods, [i.code for i in indicators], {i.code: filters.key_for(i) for i in indicators})
    municipalities = [m for m in members([latest]) if _is_member(m, latest)]
    figures = []
    for indicator in indicators:
        key = filters.key_for(indicator)
        now = mean([grid.cell(m.pk, latest.pk, indicator.code, key) for m in municipalities])
        before = mean([grid.cell(m.pk, previous.pk, indicator.code, key) for m in municipalities]) if previous else None
        change = now - before if now is not None and before is not None else None
        figures.append(
            {
                "indicator": indicator,
                "key": key,
                "now": Cell(now),
                "before": Cell(before),
                "change": change,
                "change_display": change_display(change, indicator),
            }
        )
    return {
        "latest": latest,
        "previous": previous,
        "figures": figures,
        "reported": len(grid.reported[latest.pk]),
        "members": len(municipalities),
    }


def municipality_profile(user, municipality, periods, filters):
    """Each key figure of one municipality per period, beside the region's mean."""
    indicators = key_indicators()
    grid = load_grid(user, periods, [i.code for i in indicators], {i.code: filters.key_for(i) for i in indicators})
    municipalities = members(periods)
    members_of = {p.pk: [m.pk for m in municipalities if _is_member(m, p)] for p in periods}
    profile = []
    for indicator in indicators:
        key = filters.key_for(indicator)
        own = [grid.cell(municipality.pk, p.pk, indicator.code, key) for p in periods]
        region = [Cell(mean([grid.cell(m, p.pk, indicator.code, key) for m in members_of[p.pk]])) for p in periods]
        profile.append({"indicator": indicator, "key": key, "own": own, "region": region})
    return profile
