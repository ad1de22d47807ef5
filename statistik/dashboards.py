"""Read side of the dashboards: approved figures as a viewer may see them, in a fixed number of queries.

Pages and exports both call these functions with the asking user, so both aggregate and suppress
the same way (through ``disclosure.disclose``). The number of queries does not depend on the number of periods
or municipalities: every function loads reports, indicators and values in one query each.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from intro_sodertorn import access
from natverk.models import Municipality

from .calc import Cell, sees_all_figures
from .disclosure import COVERAGE_BASIS, coverage_of, disclose, related_codes
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


@dataclass
class Grid:
    """Figures of approved reports as a viewer may see them (``disclosure.disclose``).

    cells[(municipality_id, period_id)][(code, key)] and region[period_id][(code, key)] -> Cell;
    coverage[period_id] -> Coverage; versions[period_id] -> the catalogue version most reports used;
    notes[(municipality_id, period_id, code, key)] -> the reporter's explanation of a large change.
    """

    cells: dict = field(default_factory=dict)
    reported: dict = field(default_factory=lambda: defaultdict(set))  # period_id -> municipality ids
    region: dict = field(default_factory=dict)
    coverage: dict = field(default_factory=dict)
    method: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

    def cell(self, municipality_id, period_id, code, key):
        report = self.cells.get((municipality_id, period_id))
        if report is None:
            return Cell(None)
        return report.get((code, key), Cell(None))

    def region_cell(self, period_id, code, key):
        """The region's figure, Cell(None) when too few have reported (``coverage[period_id].reason()``)."""
        return self.region.get(period_id, {}).get((code, key), Cell(None))


def _viewer(user):
    return {"sees_all": sees_all_figures(user), "own_ids": frozenset(access.any_municipality_ids(user))}


def _members_by_period(municipalities, periods):
    return {p.pk: [m.pk for m in municipalities if _is_member(m, p)] for p in periods}


def coverages(periods=None, municipalities=None):
    """{period_id: Coverage} of the given periods (all when None). Three queries at most, for any number."""
    if periods is None:
        periods = list(Period.objects.order_by("year", "half"))
    if municipalities is None:
        municipalities = members(periods)
    code, key = COVERAGE_BASIS
    reported = defaultdict(set)
    basis = defaultdict(list)
    # Unordered (sets and a dict are filled; the basis is sorted below): the models' default orders join and sort.
    rows = (
        Report.objects.reported().order_by().values_list("municipality_id", "period_id", "period__year", "period__half")
    )
    order = {}
    for municipality_id, period_id, year, half in rows:
        reported[period_id].add(municipality_id)
        order[period_id] = (year, half or 0)
    received = (
        Value.objects.filter(report__status=Report.Status.APPROVED, indicator__code=code, key=key, value__isnull=False)
        .order_by()
        .values_list("report__municipality_id", "report__period_id", "value")
    )
    for period in periods:
        order[period.pk] = (period.year, period.half or 0)
    ordered = sorted(order, key=lambda period_id: order[period_id])
    position = {period_id: number for number, period_id in enumerate(ordered)}
    for municipality_id, period_id, value in received:
        basis[municipality_id].append((position[period_id], period_id, value))
    for figures in basis.values():
        figures.sort(key=lambda item: item[0])
    result = coverage_of(ordered, _members_by_period(municipalities, periods), reported, basis)
    return {period.pk: result[period.pk] for period in periods}


# The reporter's explanation of a large change (shown as a footnote), where the model has it.
_HAS_EXPLANATION = any(f.name == "explanation" for f in Value._meta.get_fields())


def load_grid(user, periods, codes=None, keys=None, coverage=None):
    """Approved figures for the periods, as ``user`` may see them, with the region's figures and coverage.

    ``keys``: {code: breakdown key} when a page shows one key per indicator; only those cells are
    returned (other keys read as missing). Suppression always looks at every figure of the reports that a
    shown cell's suppression can depend on (``disclosure.related_codes``: its breakdown, its operands and the
    sums they are part of), so a figure is hidden the same way on every page. A fixed number of queries for
    any number of periods and municipalities. ``coverage``: {period_id: Coverage} of these periods when the
    caller has it already (``coverages``), saving the two queries over every period that it takes.
    """
    grid = Grid()
    if not periods:
        return grid
    approved = Report.objects.reported().filter(period__in=[period.pk for period in periods])
    reports = list(approved.values_list("pk", "municipality_id", "period_id", "version_id"))
    municipalities = members(periods)
    if coverage is not None and all(period.pk in coverage for period in periods):
        grid.coverage = {period.pk: coverage[period.pk] for period in periods}
    else:
        grid.coverage = coverages(periods, municipalities)
    if not reports:
        return grid
    by_version = defaultdict(list)
    for indicator in Indicator.objects.filter(version_id__in={r[3] for r in reports}).order_by("order"):
        by_version[indicator.version_id].append(indicator)
    typed = defaultdict(dict)
    # A subquery, not a list of ids: the query stays one statement of the same size for any number of reports.
    fields = ["report_id", "indicator__code", "key", "value"] + (["explanation"] if _HAS_EXPLANATION else [])
    # Unordered: the figures go into a dict, and Value's default order joins period, municipality, form and
    # indicator only to sort every figure read.
    rows = Value.objects.filter(report__in=approved.values("pk")).order_by()
    wanted = None if keys is None else {(code, keys[code]) for code in (codes or keys)}
    if wanted is not None:
        # Only the figures the wanted cells and their suppression depend on (``disclosure.related_codes``).
        definitions = [indicator for indicators in by_version.values() for indicator in indicators]
        rows = rows.filter(indicator__code__in=sorted(related_codes(wanted, definitions)))
    rows = rows.values_list(*fields)
    where = {r[0]: (r[1], r[2]) for r in reports}
    for report_id, code, key, value, *explanation in rows:
        typed[report_id][(code, key)] = value
        if explanation and explanation[0]:
            grid.notes[(*where[report_id], code, key)] = explanation[0]
    table = disclose(
        [(m, p, v, typed[pk]) for pk, m, p, v in reports],
        by_version,
        _members_by_period(municipalities, periods),
        grid.coverage,
        wanted=wanted,
        **_viewer(user),
    )
    grid.cells, grid.region, grid.method = table.cells, table.region, table.method
    used = defaultdict(lambda: defaultdict(int))
    for _pk, municipality_id, period_id, version_id in reports:
        grid.reported[period_id].add(municipality_id)
        used[period_id][version_id] += 1
    grid.versions = {pid: max(counts, key=lambda v: (counts[v], v)) for pid, counts in used.items()}
    return grid


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


def definition_changes(code, periods, versions):
    """Where the definition of ``code`` changes between consecutive periods of a series (catalogue versions).

    ``versions``: {period_id: version_id} of the reports. One query, only when the series spans two
    versions. Returns [{"index": i, "period": p, "before": Indicator, "after": Indicator}], period i
    being the first under the new definition.
    """
    used = {versions[p.pk] for p in periods if p.pk in versions}
    if len(used) < 2:
        return []
    by_version = {
        i.version_id: i for i in Indicator.objects.filter(code=code, version_id__in=used).select_related("version")
    }
    changes, before = [], None
    for index, period in enumerate(periods):
        current = by_version.get(versions.get(period.pk))
        if current is None:
            continue
        if before is not None and _definition(before) != _definition(current):
            changes.append({"index": index, "period": period, "before": before, "after": current})
        before = current
    return changes


def _definition(indicator):
    return (indicator.definition.strip(), indicator.formula, indicator.unit, indicator.breakdown, indicator.name)


def indicator_series(user, indicator, periods, filters):
    """Time series of one indicator per municipality, with the region's figure and its coverage per period."""
    key = filters.key_for(indicator)
    grid = load_grid(user, periods, [indicator.code], {indicator.code: key})
    municipalities = members(periods)
    rows = [
        Row(m.name, [grid.cell(m.pk, p.pk, indicator.code, key) for p in periods], municipality=m)
        for m in municipalities
    ]
    region = [grid.region_cell(p.pk, indicator.code, key) for p in periods]
    coverage = [grid.coverage.get(p.pk) for p in periods]
    return {
        "rows": rows,
        "region": region,
        "coverage": coverage,
        "counts": [(c.reported, c.members) if c else (0, 0) for c in coverage],
        "key": key,
        "method": grid.method.get(indicator.code, "sum"),
        "changes": definition_changes(indicator.code, periods, grid.versions),
        "notes": _notes(grid, periods, municipalities, indicator.code, key),
        "grid": grid,  # the figures behind it, which also hold any one of its periods (indicator_comparison)
    }


def _notes(grid, periods, municipalities, code, key):
    """The reporters' explanations of large changes behind the figures shown, as footnotes."""
    result = []
    for period in periods:
        for municipality in municipalities:
            text = grid.notes.get((municipality.pk, period.pk, code, key))
            # A note of a hidden figure could give it away: it is shown only with its figure.
            if text and not grid.cell(municipality.pk, period.pk, code, key).suppressed:
                result.append({"municipality": municipality.name, "period": period, "text": text})
    return result


def sort_comparison(rows):
    """Visible figures from highest to lowest; suppressed and missing after, by name only.

    Sorting never uses a suppressed value, so the order does not reveal it.
    """
    shown = sorted((row for row in rows if row.cells[0].shown is not None), key=lambda r: (-r.cells[0].shown, r.label))
    rest = sorted((row for row in rows if row.cells[0].shown is None), key=lambda r: (r.cells[0].state, r.label))
    return shown + rest


def indicator_comparison(user, indicator, period, filters, coverage=None, grid=None):
    """All member municipalities for one period, sorted, with the region's figure and its coverage.

    ``coverage``: {period_id: Coverage} including this period, when the caller has it (``load_grid``). ``grid``:
    the same indicator and key's figures over periods including this one (``indicator_series``'s), when the caller
    has them: suppression is decided period by period, so its cells for the period are those a grid of the period
    alone would hold, and its figures are not read a second time."""
    key = filters.key_for(indicator)
    if grid is None or period.pk not in grid.coverage:
        grid = load_grid(user, [period], [indicator.code], {indicator.code: key}, coverage=coverage)
    municipalities = [m for m in members([period]) if _is_member(m, period)]
    rows = [Row(m.name, [grid.cell(m.pk, period.pk, indicator.code, key)], municipality=m) for m in municipalities]
    coverage = grid.coverage.get(period.pk)
    return {
        "rows": sort_comparison(rows),
        "region": grid.region_cell(period.pk, indicator.code, key),
        "coverage": coverage,
        "reported": coverage.reported if coverage else 0,
        "members": len(municipalities),
        "key": key,
        "method": grid.method.get(indicator.code, "sum"),
    }


def change_display(change, indicator):
    """A change with its sign, in percentage points for shares: "+10 procentenheter"."""
    if change is None:
        return "–"
    text = Cell(abs(change)).display()
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    unit = _("percentage points") if indicator.unit == Indicator.Unit.PERCENT else indicator.get_unit_display()
    return f"{sign}{text} {unit}"


def _previous(period, periods):
    return next((p for p in periods if p.year == period.year - 1 and p.half == period.half), None)


def region_overview(user, filters, period_id=None):
    """Key figures of the region for the latest period whose regional figure may be shown (up to
    ``filters.year_to``), beside the year before; later, partly reported periods are offered with
    their coverage. ``period_id``: a period chosen on the page, also a thinly reported one (its
    figures then say why they are not shown).
    """
    periods = list(Period.objects.order_by("year", "half"))
    if not periods:
        return None
    municipalities = members(periods)
    coverage = coverages(periods, municipalities)
    candidates = [p for p in periods if not filters.year_to or p.year <= filters.year_to]
    reported = [p for p in periods if coverage[p.pk].reported]
    in_range = [p for p in candidates if coverage[p.pk].reported]
    if not in_range:
        return None
    shown = [p for p in in_range if coverage[p.pk].shown]
    chosen = next((p for p in reported if str(p.pk) == str(period_id)), None)
    latest = chosen or (shown[-1] if shown else in_range[-1])
    previous = _previous(latest, periods)
    indicators = key_indicators()
    grid = load_grid(
        user,
        [p for p in (previous, latest) if p],
        [i.code for i in indicators],
        {i.code: filters.key_for(i) for i in indicators},
    )
    figures = []
    for indicator in indicators:
        key = filters.key_for(indicator)
        now = grid.region_cell(latest.pk, indicator.code, key)
        before = grid.region_cell(previous.pk, indicator.code, key) if previous else Cell(None)
        change = now.shown - before.shown if now.shown is not None and before.shown is not None else None
        method = grid.method.get(indicator.code, "sum")
        # A sum over other municipalities than the year before is not comparable with it.
        not_comparable = bool(previous) and method == "sum" and grid.reported[latest.pk] != grid.reported[previous.pk]
        if not_comparable:
            change = None
        figures.append(
            {
                "indicator": indicator,
                "key": key,
                "now": now,
                "before": before,
                "change": change,
                "change_display": change_display(change, indicator),
                "method": method,
                "not_comparable": not_comparable,
            }
        )
    order = (latest.year, latest.half or 0)
    return {
        "latest": latest,
        "previous": previous,
        "figures": figures,
        "coverage": coverage[latest.pk],
        "previous_coverage": coverage[previous.pk] if previous else None,
        # Other periods to choose: later ones (partly reported) and, for a thin one, the latest shown.
        "later": [{"period": p, "coverage": coverage[p.pk]} for p in reported if (p.year, p.half or 0) > order],
        "latest_shown": shown[-1] if shown and shown[-1] != latest else None,
        "reported": coverage[latest.pk].reported,
        "members": coverage[latest.pk].members,
    }


def municipality_profile(user, municipality, periods, filters, compare=()):
    """Each key figure of one municipality per period, beside the region and the chosen municipalities."""
    indicators = key_indicators()
    grid = load_grid(user, periods, [i.code for i in indicators], {i.code: filters.key_for(i) for i in indicators})
    chosen = set(compare)
    others = [m for m in members(periods) if m.pk in chosen and m.pk != municipality.pk]
    profile = []
    for indicator in indicators:
        key = filters.key_for(indicator)
        profile.append(
            {
                "indicator": indicator,
                "key": key,
                "own": [grid.cell(municipality.pk, p.pk, indicator.code, key) for p in periods],
                "region": [grid.region_cell(p.pk, indicator.code, key) for p in periods],
                "compared": [
                    {"municipality": m, "cells": [grid.cell(m.pk, p.pk, indicator.code, key) for p in periods]}
                    for m in others
                ],
                "method": grid.method.get(indicator.code, "sum"),
                "notes": _notes(grid, periods, [municipality, *others], indicator.code, key),
            }
        )
    return {"profile": profile, "coverage": [grid.coverage.get(p.pk) for p in periods]}
