"""THE aggregation and disclosure control of KIS figures: one function for pages, charts and exports.

``disclose`` takes the approved reports' typed figures (plain data, no database) and returns every
figure of every municipality and the region's figure per period, as one viewer may see them.

Aggregation, as official statistics do it:
- a count (persons) or an amount (kronor) of the region is the SUM over the municipalities that
  reported it;
- a derived figure (a share, kronor per person) of the region is its formula applied to the summed
  operands of the municipalities that have it: a weighted rate, never a mean of municipal rates;
- a duration (months) is the mean of the municipalities' figures weighted by the population behind
  each (``DURATION_WEIGHTS``); one with no weight defined is an unweighted municipal mean, labelled so;
- the region is shown only when enough have reported (``REGION_MIN_MEMBERS_SHARE`` of the members
  and ``REGION_MIN_COVERAGE`` of the persons received); otherwise the page says why.

Disclosure control, as SCB does it (the rule is written out in ``RULE_SV`` and the README):
- the regional statistics administrators and the reporting municipality's own staff see every figure;
- for everyone else a count of 1–4 persons is shown as "<5" (primary suppression); 0 is shown;
- a cell that would let a hidden one be worked out by subtraction is hidden too, shown as "..":
  within a breakdown (total − the other parts, a summed indicator − its other terms) and across
  municipalities (the region's sum − the visible municipalities). The complementary cell is the
  smallest visible non-zero part (then a zero, then the total), ties broken by a fixed order, and
  the rule is applied until no hidden cell can be worked out from the linear relations shown;
- a share or other derived figure is hidden (“..”) only when a count it is computed from is hidden;
  a total is never hidden because one of its parts is small;
- hidden figures still count in the region's sums.
"""

import functools
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .calc import SUPPRESS_BELOW, Cell, Plan, _compiled, cells_compute, formula_codes
from .models import TOTAL, Indicator

# The region is not shown for a period where fewer than this share of the member municipalities
# have an approved report, or where those that have cover less than this share of the persons received.
REGION_MIN_MEMBERS_SHARE = Decimal(str(getattr(settings, "KIS_REGION_MIN_MEMBERS_SHARE", "0.5")))
REGION_MIN_COVERAGE = Decimal(str(getattr(settings, "KIS_REGION_MIN_COVERAGE", "0.6")))
# The count that measures coverage ("91 % of those received").
COVERAGE_BASIS = ("MOT_TOT", TOTAL)
# Durations: the formula of the population each municipality's figure is weighted by.
DURATION_WEIGHTS = {"AVS_MAN": "AVS_ARB + AVS_STU"}

RULE_SV = (
    "Sekretesskydd som SCB:s: antal personer 1–4 visas som ”<5” utanför den rapporterande kommunen "
    "(0 visas som 0). En uppgift som annars kan räknas fram genom subtraktion – summan minus övriga delar, "
    "regionens summa minus de synliga kommunerna – döljs också och visas som ”..”; den som döljs är den "
    "minsta synliga uppgiften som inte är noll. En andel döljs bara när ett antal den räknas från är dolt. Dolda "
    "uppgifter räknas med i regionens summor. Kommunens egna användare och regionens statistikansvariga "
    "ser alla uppgifter."
)

REGION = "region"


@dataclass
class Coverage:
    """How much of the region a period's figures cover, and whether the region's figure may be shown."""

    reported: int
    members: int
    share: Decimal | None  # share of the persons received, 0–1; None when it cannot be known

    @property
    def shown(self):
        if not self.members or not self.reported:
            return False
        if Decimal(self.reported) < Decimal(self.members) * REGION_MIN_MEMBERS_SHARE:
            return False
        return self.share is None or self.share >= REGION_MIN_COVERAGE

    @property
    def percent(self):
        """The share of the persons received, as a whole percentage ("91"), "" when unknown."""
        return "" if self.share is None else number_format((self.share * 100).quantize(Decimal(1)))

    def text(self):
        """“8 of 10 municipalities, 91 % of those received”."""
        if self.share is None:
            return _("%(n)s of %(total)s municipalities") % {"n": self.reported, "total": self.members}
        return _("%(n)s of %(total)s municipalities, %(share)s %% of those received") % {
            "n": self.reported,
            "total": self.members,
            "share": self.percent,
        }

    def reason(self):
        """Why the region's figure is not shown (empty when it is)."""
        if self.shown:
            return ""
        if not self.reported:
            return _("No municipality has an approved report for this period.")
        return _(
            "The region's figure is not shown: %(coverage)s have reported, and it takes at least "
            "%(members)s %% of the municipalities and %(received)s %% of those received."
        ) % {
            "coverage": self.text(),
            "members": number_format((REGION_MIN_MEMBERS_SHARE * 100).quantize(Decimal(1))),
            "received": number_format((REGION_MIN_COVERAGE * 100).quantize(Decimal(1))),
        }


@dataclass
class Table:
    """cells[(municipality_id, period_id)][(code, key)] and region[period_id][(code, key)]: Cells."""

    cells: dict = field(default_factory=dict)
    region: dict = field(default_factory=dict)
    coverage: dict = field(default_factory=dict)
    # How the region's figure of a code is made: "sum", "weighted", "weighted mean", "municipal mean".
    method: dict = field(default_factory=dict)


def coverage_of(period_ids, members, reported, basis):
    """{period_id: Coverage}. ``members``: {period_id: [municipality ids]}; ``reported``: {period_id: set};
    ``basis``: {municipality_id: [(period order, period_id, persons received)]} from approved reports,
    in period order: a municipality that has not reported a period counts with its nearest earlier
    (else later) figure."""
    result = {}
    order = {period_id: number for number, period_id in enumerate(period_ids)}
    for period_id in period_ids:
        done = reported.get(period_id, set())
        member_ids = members.get(period_id, [])
        covered = total = Decimal(0)
        known = True
        for municipality_id in member_ids:
            figures = basis.get(municipality_id, [])
            own = next((value for _o, pid, value in figures if pid == period_id), None)
            if own is None:
                here = order.get(period_id, 0)
                earlier = [value for o, _pid, value in figures if o < here]
                later = [value for o, _pid, value in figures if o > here]
                own = earlier[-1] if earlier else (later[0] if later else None)
            if own is None:
                known = False
                continue
            total += own
            if municipality_id in done:
                covered += own
        reported_members = len(done & set(member_ids))
        share = (covered / total).quantize(Decimal("0.001")) if known and total else None
        result[period_id] = Coverage(reported_members, len(member_ids), share)
    return result


@functools.lru_cache(maxsize=512)
def _sum_terms(formula):
    """The codes of a formula that is only a sum of codes (A + B + C) as a tuple, else None (cached: formulas are
    few, and every period of a dashboard asks for each)."""
    import ast

    tree = ast.parse(formula, mode="eval").body
    terms = []

    def walk(node):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return walk(node.left) and walk(node.right)
        if isinstance(node, ast.Name):
            terms.append(node.id)
            return True
        return False

    return tuple(terms) if walk(tree) else None


def _is_small(value):
    return value is not None and 0 < value < SUPPRESS_BELOW


def disclose(reports, indicators_by_version, members, coverage, sees_all=False, own_ids=frozenset(), wanted=None):
    """Every municipality's and the region's figures per period, as one viewer may see them.

    ``reports``: [(municipality_id, period_id, version_id, {(code, key): Decimal | None})], approved only.
    ``indicators_by_version``: {version_id: [Indicator]}. ``members``: {period_id: [municipality ids]}.
    ``coverage``: {period_id: Coverage}. ``sees_all``: a regional statistics administrator.
    ``own_ids``: the municipalities whose staff the viewer is (their figures are not suppressed).
    ``wanted``: the cells a page shows ({(code, key)}), None for all; suppression looks at every figure the
    shown cells' suppression can depend on (``related_codes``), and hides them as it would looking at all.
    """
    table = Table(coverage=dict(coverage))
    every_indicator = [indicator for indicators in indicators_by_version.values() for indicator in indicators]
    if wanted is not None:
        # A page that shows a few cells (an indicator's series over every year) decides suppression over the
        # codes those cells depend on, not over the whole catalogue of every period: the same cells are hidden.
        related = related_codes(wanted, every_indicator)
        indicators_by_version = {
            version_id: [indicator for indicator in indicators if indicator.code in related]
            for version_id, indicators in indicators_by_version.items()
        }
    plans = {version_id: Plan(indicators) for version_id, indicators in indicators_by_version.items()}
    signatures = {} if wanted is None else {version_id: _definitions(plan) for version_id, plan in plans.items()}
    by_period = defaultdict(list)
    for municipality_id, period_id, version_id, typed in reports:
        by_period[period_id].append((municipality_id, version_id, typed))
    for period_id, entries in by_period.items():
        entries.sort(key=lambda entry: entry[0])
        # Each version once, in the order the entries name them (the first to define a code gives its method).
        for version_id in dict.fromkeys(version_id for _m, version_id, _typed in entries):
            for indicator in plans[version_id].indicators:
                if indicator.code not in table.method:
                    table.method[indicator.code] = _method(indicator)
        memo_key = None
        if wanted is not None:
            period_coverage = coverage.get(period_id)
            memo_key = _memo_key(period_id, entries, plans, signatures, period_coverage, sees_all, own_ids, wanted)
            known = _memo_get(memo_key)
            if known is not None:
                _period_store(table, period_id, *known)
                continue
        rows = [
            (municipality_id, plans[version_id], cells_compute(plans[version_id].indicators, typed, plans[version_id]))
            for municipality_id, version_id, typed in entries
        ]
        result = _period(table, period_id, rows, coverage.get(period_id), sees_all, own_ids, wanted)
        if memo_key is not None:
            _memo_put(memo_key, *result)
    for indicator in every_indicator:  # the codes left out above, or in no period
        table.method.setdefault(indicator.code, _method(indicator))
    return table


def related_codes(wanted, definitions):
    """The indicator codes whose figures can decide whether a wanted cell is shown: the wanted codes, the codes
    their formulas (and a duration's weight) are computed from, and every code tied to one of those by a relation
    of the suppression (a summed count and its terms), until nothing is added.

    ``definitions``: every indicator of the period's catalogue versions. The relations of ``_constraints`` tie
    cells of one code (its breakdown, the region and the municipalities) or of a summed count and its terms, so
    suppression decided over these codes alone hides exactly what it hides over all of them.
    """
    codes = {code for code, _key in wanted}
    sums = [
        (indicator.code, terms)
        for indicator in definitions
        if indicator.is_count
        and indicator.kind == Indicator.Kind.DERIVED
        and (terms := _sum_terms(indicator.formula)) is not None
    ]
    while True:
        grown = set(codes)
        for indicator in definitions:
            if indicator.code in grown and indicator.kind == Indicator.Kind.DERIVED:
                grown.update(formula_codes(indicator.formula))
        for code, formula in DURATION_WEIGHTS.items():
            if code in grown:
                grown.update(formula_codes(formula))
        for code, terms in sums:
            if code in grown or grown.intersection(terms):
                grown.add(code)
                grown.update(terms)
        if grown == codes:
            return codes
        codes = grown


def _period(table, period_id, rows, coverage, sees_all, own_ids, wanted):
    rows = sorted(rows, key=lambda row: row[0])
    indicators = {}
    for _m, plan, _cells in rows:
        for indicator in plan.indicators:
            indicators.setdefault(indicator.code, indicator)
    for indicator in indicators.values():
        table.method.setdefault(indicator.code, _method(indicator))
    values = {}  # (owner, code, key) -> Decimal | None; owner a municipality id or REGION
    for municipality_id, _plan, cells in rows:
        for (code, key), value in cells.items():
            values[(municipality_id, code, key)] = value
    region_shown = coverage is not None and coverage.shown
    region = _aggregate(table, rows, indicators) if region_shown else {}
    for cell, value in region.items():
        values[(REGION, *cell)] = value

    hidden, secondary = set(), set()
    if not sees_all:
        for (owner, code, key), value in values.items():
            indicator = indicators.get(code)
            if indicator is not None and indicator.is_count and owner not in own_ids and _is_small(value):
                hidden.add((owner, code, key))
        # A duration of fewer than five persons is as telling as the count itself.
        for code, weight_formula in DURATION_WEIGHTS.items():
            compiled = _compiled(weight_formula)
            for municipality_id, _plan, cells in rows:
                if municipality_id in own_ids or cells.get((code, TOTAL)) is None:
                    continue
                weight = compiled(lambda c, cells=cells: cells.get((c, TOTAL)))
                if _is_small(weight):
                    hidden.add((municipality_id, code, TOTAL))
                    secondary.add((municipality_id, code, TOTAL))
        if hidden:
            constraints = _constraints(values, indicators, [row[0] for row in rows], region_shown)
            secondary |= _protect(values, hidden, constraints, own_ids)
            hidden |= secondary
            # A share or other derived figure computed from a hidden count is hidden. A summed count
            # (AVS_TOT) is not: it is one of the relations above, hidden only if they require it.
            derived = [
                i for i in indicators.values() if i.kind == Indicator.Kind.DERIVED and _sum_terms(i.formula) is None
            ]
            for owner in [row[0] for row in rows] + ([REGION] if region_shown else []):
                for indicator in derived:
                    codes = formula_codes(indicator.formula)
                    for key in indicator.keys:
                        if (owner, indicator.code, key) in hidden:
                            continue
                        if any((owner, code, _operand_key(indicators, code, key)) in hidden for code in codes):
                            hidden.add((owner, indicator.code, key))
                            secondary.add((owner, indicator.code, key))

    def cell(owner, code, key, value):
        indicator = indicators.get(code)
        is_hidden = (owner, code, key) in hidden
        return Cell(value, is_hidden, bool(indicator and indicator.is_count), (owner, code, key) in secondary)

    by_municipality = {
        municipality_id: {
            (code, key): cell(municipality_id, code, key, value)
            for (code, key), value in cells.items()
            if wanted is None or (code, key) in wanted
        }
        for municipality_id, _plan, cells in rows
    }
    region_cells = {
        (code, key): cell(REGION, code, key, value)
        for (code, key), value in region.items()
        if wanted is None or (code, key) in wanted
    }
    _period_store(table, period_id, by_municipality, region_cells)
    return by_municipality, region_cells


def _period_store(table, period_id, by_municipality, region_cells):
    """Put one period's cells in the table, as copies (a remembered result is never handed out to be changed)."""
    for municipality_id, cells in by_municipality.items():
        table.cells[(municipality_id, period_id)] = dict(cells)
    table.region[period_id] = dict(region_cells)


# One period's suppressed cells for a page that shows a few of them, remembered by everything they are decided
# from: the typed figures of the related codes, the indicators' definitions, the coverage, the viewer's rights and
# the cells shown. The same inputs always give the same cells, so a remembered result is never stale; an
# indicator page over fifteen years computes and suppresses each period once, not on every view.
_MEMO_SIZE = 4096
_memo = {}
_memo_lock = threading.Lock()


def _definitions(plan):
    return tuple((i.code, i.kind, i.unit, i.breakdown, i.formula, tuple(i.keys)) for i in plan.indicators)


def _memo_key(period_id, entries, plans, signatures, coverage, sees_all, own_ids, wanted):
    versions = {version_id for _m, version_id, _typed in entries}
    definitions = tuple((version_id, signatures[version_id]) for version_id in sorted(versions))
    figures = tuple(
        (municipality_id, version_id, tuple(map(typed.get, plans[version_id].typed_cells)))
        for municipality_id, version_id, typed in entries
    )
    covered = None if coverage is None else (coverage.reported, coverage.members, coverage.share, coverage.shown)
    return (period_id, definitions, figures, covered, bool(sees_all), frozenset(own_ids), frozenset(wanted))


def _memo_get(key):
    with _memo_lock:
        return _memo.get(key)


def _memo_put(key, by_municipality, region_cells):
    with _memo_lock:
        if len(_memo) >= _MEMO_SIZE:
            _memo.pop(next(iter(_memo)))  # the oldest first
        _memo[key] = (by_municipality, region_cells)


def _operand_key(indicators, code, key):
    indicator = indicators.get(code)
    return key if indicator is not None and key in indicator.keys else TOTAL


def _aggregate(table, rows, indicators):
    """The region's figures of one period: sums, weighted rates and weighted durations."""
    region = {}
    typed = [i for i in indicators.values() if i.kind == Indicator.Kind.TYPED]
    for indicator in typed:
        for key in indicator.keys:
            figures = [cells.get((indicator.code, key)) for _m, _p, cells in rows]
            figures = [value for value in figures if value is not None]
            if indicator.unit == Indicator.Unit.MONTHS:
                region[(indicator.code, key)] = _duration(table, indicator, key, rows)
            else:
                region[(indicator.code, key)] = sum(figures) if figures else None
    derived = [i for i in indicators.values() if i.kind == Indicator.Kind.DERIVED]
    for indicator in derived:
        compiled = _compiled(indicator.formula)
        codes = formula_codes(indicator.formula)
        for key in indicator.keys:
            # Only the municipalities that have the figure: numerator and denominator from the same ones.
            having = [cells for _m, _p, cells in rows if cells.get((indicator.code, key)) is not None]
            if not having:
                region[(indicator.code, key)] = None
                continue
            sums = {}
            for code in codes:
                operand = (code, _operand_key(indicators, code, key))
                sums[code] = sum((cells.get(operand) or Decimal(0)) for cells in having)
            value = compiled(lambda code, sums=sums: sums.get(code))
            region[(indicator.code, key)] = None if value is None else value.quantize(Decimal("0.1"))
    return region


def _method(indicator):
    """How the region's figure of an indicator is made: "sum", "weighted", "weighted mean", "municipal mean"."""
    if indicator.kind == Indicator.Kind.DERIVED:
        return "sum" if _sum_terms(indicator.formula) is not None else "weighted"
    if indicator.unit == Indicator.Unit.MONTHS:
        return "weighted mean" if indicator.code in DURATION_WEIGHTS else "municipal mean"
    return "sum"


def _duration(table, indicator, key, rows):
    weight_formula = DURATION_WEIGHTS.get(indicator.code)
    pairs = []
    for _m, _p, cells in rows:
        value = cells.get((indicator.code, key))
        if value is None:
            continue
        if weight_formula is None:
            pairs.append((value, Decimal(1)))
            continue
        weight = _compiled(weight_formula)(lambda code, cells=cells: cells.get((code, TOTAL)))
        if weight:
            pairs.append((value, weight))
    total = sum(weight for _v, weight in pairs)
    if not total:
        return None
    return (sum(value * weight for value, weight in pairs) / total).quantize(Decimal("0.1"))


def _constraints(values, indicators, municipality_ids, region_shown):
    """The linear relations a viewer can use: [(total cell, [part cells])], each total = sum of parts."""
    owners = list(municipality_ids) + ([REGION] if region_shown else [])
    result = []
    counts = [i for i in indicators.values() if i.is_count]
    for owner in owners:
        for indicator in counts:
            if indicator.breakdown != Indicator.Breakdown.NONE:
                parts = [(owner, indicator.code, key) for key in indicator.keys if key != TOTAL]
                result.append(((owner, indicator.code, TOTAL), parts))
            if indicator.kind == Indicator.Kind.DERIVED:
                terms = _sum_terms(indicator.formula)
                if terms:
                    for key in indicator.keys:
                        parts = [(owner, code, _operand_key(indicators, code, key)) for code in terms]
                        result.append(((owner, indicator.code, key), parts))
    if region_shown:
        for indicator in counts:
            for key in indicator.keys:
                parts = [(m, indicator.code, key) for m in municipality_ids]
                result.append(((REGION, indicator.code, key), parts))
    # Only the cells that have a figure take part (a missing figure is left out, as if known).
    return [
        (total, [part for part in parts if values.get(part) is not None])
        for total, parts in result
        if values.get(total) is not None
    ]


def _order(cell, values):
    """The complementary cell: the smallest non-zero visible figure, then zeros; ties in a fixed order."""
    value = values[cell]
    return (value == 0, value, str(cell[0]), cell[1], cell[2])


def _protect(values, hidden, constraints, own_ids):
    """The complementary cells (secondary suppression) that keep every hidden cell from being worked out."""
    hidden = set(hidden)
    added = set()

    def candidates(total, parts):
        # The viewer's own municipality's figures are known to them: hiding one protects nothing.
        usable = [part for part in parts if part not in hidden and part[0] not in own_ids]
        if usable:
            return sorted(usable, key=lambda cell: _order(cell, values))
        return [total] if total not in hidden and total[0] not in own_ids else []

    for _round in range(1000):
        changed = False
        for total, parts in constraints:
            unknown = [cell for cell in [total, *parts] if cell in hidden]
            if len(unknown) == 1:
                choice = candidates(total, parts)
                if choice:
                    hidden.add(choice[0])
                    added.add(choice[0])
                    changed = True
        if changed:
            continue
        # Relations can combine (a total and a region at once): check by elimination.
        determined = _determined(values, hidden, constraints)
        if not determined:
            break
        for cell in sorted(determined, key=lambda cell: _order(cell, values)):
            relations = [(t, p) for t, p in constraints if (cell == t or cell in p) and candidates(t, p)]
            if relations:
                choice = candidates(*relations[0])[0]
                hidden.add(choice)
                added.add(choice)
                changed = True
                break
        if not changed:
            break
    return added


def _determined(values, hidden, constraints):
    """Hidden cells whose value follows from the relations and the visible figures.

    A sparse Gauss–Jordan elimination over the hidden cells: a cell is determined exactly when the
    reduced row of its pivot has no other entry. Relations hold 0 or ±1 coefficients and few cells each.
    """
    pivots = {}  # pivot cell -> reduced row {cell: coefficient}, the pivot's coefficient 1
    for total, parts in constraints:
        row = {}
        if total in hidden:
            row[total] = 1.0
        for part in parts:
            if part in hidden:
                row[part] = row.get(part, 0.0) - 1.0
        for cell in [cell for cell in row if cell in pivots]:
            factor = row.get(cell, 0.0)
            if factor:
                for other, coefficient in pivots[cell].items():
                    row[other] = row.get(other, 0.0) - factor * coefficient
        row = {cell: value for cell, value in row.items() if abs(value) > 1e-9}
        if not row:
            continue
        lead = min(row, key=str)
        scale = row[lead]
        row = {cell: value / scale for cell, value in row.items()}
        for other_row in pivots.values():
            factor = other_row.get(lead, 0.0)
            if factor:
                for cell, coefficient in row.items():
                    other_row[cell] = other_row.get(cell, 0.0) - factor * coefficient
                for cell in [cell for cell, value in other_row.items() if abs(value) <= 1e-9]:
                    del other_row[cell]
        pivots[lead] = row
    return {cell for cell, row in pivots.items() if len(row) == 1}
