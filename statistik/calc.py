"""Pure calculations on report figures: parsing, validation, derived values and suppression.

The form and the Excel upload both validate through ``values_validate``; the pages and the
exports both show figures through ``disclosure.disclose`` (the one place that suppresses small counts).
"""

import ast
import functools
import operator
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from intro_sodertorn import access

from .models import TOTAL, Indicator
from .validation import NumberError, parse_number, rules_check

SUPPRESS_BELOW = 5
_ONE_DECIMAL = Decimal("0.1")
# A change from last year worth a question before approval: more than half as much again (or less),
# and at least this much in absolute terms, so that 2 → 4 persons does not raise a flag.
LARGE_CHANGE_SHARE = Decimal("0.5")
LARGE_CHANGE_AT_LEAST = Decimal(10)

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


@functools.lru_cache(maxsize=512)
def _parsed(formula):
    # Dashboards evaluate the same few formulas for every report: parse each once.
    return ast.parse(formula, mode="eval")


@functools.lru_cache(maxsize=512)
def formula_codes(formula):
    """The indicator codes a formula uses (a tuple, cached: formulas are few and evaluated often)."""
    return tuple(node.id for node in ast.walk(_parsed(formula)) if isinstance(node, ast.Name))


def formula_check(formula):
    """Raise ValueError unless the formula is only codes, numbers, + - * / and brackets."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as error:
        raise ValueError(_("The formula cannot be read.")) from error
    for node in ast.walk(tree):
        if not isinstance(
            node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.Name, ast.Load, ast.Constant, *_OPS)
        ):
            raise ValueError(_("A formula may only use codes, numbers, + - * / and brackets."))
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValueError(_("A formula may only use codes, numbers, + - * / and brackets."))


@functools.lru_cache(maxsize=512)
def _compiled(formula):
    """The formula as nested closures, built once: dashboards evaluate it thousands of times a page."""

    def build(node):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            constant = Decimal(str(node.value))
            return lambda lookup: constant
        if isinstance(node, ast.Name):
            code = node.id
            return lambda lookup: lookup(code)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operand = build(node.operand)

            def negate(lookup):
                value = operand(lookup)
                return None if value is None else -value

            return negate
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right, op = build(node.left), build(node.right), _OPS[type(node.op)]
            is_division = isinstance(node.op, ast.Div)

            def binary(lookup):
                a = left(lookup)
                if a is None:
                    return None
                b = right(lookup)
                if b is None or (is_division and b == 0):
                    return None
                return op(a, b)

            return binary
        raise ValueError(formula)

    return build(_parsed(formula))


def formula_eval(formula, lookup):
    """Evaluate a formula; ``lookup(code)`` gives a Decimal or None. None if anything is missing or /0."""
    return _compiled(formula)(lookup)


def operand_key(indicator, key):
    """The key of an operand to use for a derived value's key: the same key, or its total."""
    return key if key in indicator.keys else TOTAL


def parse_value(raw):
    """A raw cell (text from the form, or a cell from Excel) as Decimal, None if empty.

    Raises ValueError for text that is not a number.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        # An uploaded cell can hold inf or NaN, which compare and round only with an exception.
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError(raw)
        return Decimal(str(raw))
    # Text as Swedes write it ("1 000", "1 000,5"); "1e6" and "1.000" are refused with a message.
    return parse_number(raw)


def values_validate(indicators, raw):
    """Validate the typed figures of a report: the ONE validation of the form and the Excel upload.

    ``indicators``: the report version's indicators. ``raw``: {(code, key): raw value}.
    Returns (cleaned {(code, key): Decimal | None}, errors {(code, key): message}).
    """
    cleaned, errors = {}, {}
    typed = [indicator for indicator in indicators if indicator.kind == Indicator.Kind.TYPED]
    for indicator in typed:
        for key in indicator.keys:
            cell = (indicator.code, key)
            try:
                value = parse_value(raw.get(cell))
            except NumberError as error:
                errors[cell] = error.message
                cleaned[cell] = None
                continue
            except ValueError:
                errors[cell] = _("Write a number, or leave the cell empty if the figure is missing.")
                cleaned[cell] = None
                continue
            if value is not None and value < 0:
                errors[cell] = _("The figure cannot be negative.")
            elif value is not None and indicator.whole_numbers and value != value.to_integral_value():
                errors[cell] = _("Write a whole number.")
            elif value is not None and abs(value) >= Decimal("1e12"):
                # Before the decimals check: quantize() fails on a number with more digits than Decimal keeps.
                errors[cell] = _("The figure is too large.")
            elif value is not None and value != value.quantize(Decimal("0.1")):
                errors[cell] = _("Write at most one decimal.")
            cleaned[cell] = value
    for indicator in typed:
        if indicator.breakdown == Indicator.Breakdown.NONE:
            continue
        parts = [cleaned[(indicator.code, key)] for key in indicator.keys if key != TOTAL]
        total_cell = (indicator.code, TOTAL)
        total = cleaned[total_cell]
        if total_cell in errors or any((indicator.code, key) in errors for key in indicator.keys):
            continue
        given = [part for part in parts if part is not None]
        if total is None and given and len(given) == len(parts):
            errors[total_cell] = _("Fill in the total (the parts add up to %(sum)s).") % {"sum": _fmt(sum(given))}
        elif total is not None and len(given) == len(parts) and sum(given) != total:
            errors[total_cell] = _("The total (%(total)s) must equal the sum of its parts (%(sum)s).") % {
                "total": _fmt(total),
                "sum": _fmt(sum(given)),
            }
        elif total is not None and given and sum(given) > total:
            errors[total_cell] = _("The parts filled in (%(sum)s) are more than the total (%(total)s).") % {
                "total": _fmt(total),
                "sum": _fmt(sum(given)),
            }
    by_pk = {indicator.pk: indicator for indicator in indicators}
    for indicator in typed:
        parent = by_pk.get(indicator.part_of_id)
        if parent is None:
            continue
        for key in indicator.keys:
            cell = (indicator.code, key)
            part, whole = cleaned.get(cell), cleaned.get((parent.code, operand_key(parent, key)))
            if cell not in errors and part is not None and whole is not None and part > whole:
                errors[cell] = _("Cannot be more than “%(name)s” (%(total)s).") % {
                    "name": parent.name,
                    "total": _fmt(whole),
                }
    # Rules across indicators from the catalogue, e.g. "the same persons" (statistik/validation.py).
    rules_check(indicators, cleaned, errors)
    return cleaned, errors


class Plan:
    """What computing and suppressing a report's figures needs from its indicators, worked out once.

    The dashboards compute every report of a catalogue version with the same indicators: building
    the plan once per version, not once per report, keeps the work per report to the arithmetic.
    """

    def __init__(self, indicators, wanted=None):
        """``wanted``: the cells a page shows, e.g. {("AVS_ANDEL", "T")}; None for every cell.

        With ``wanted``, derived figures are computed only for those cells and the ones they are built
        on, and only the wanted cells are returned; typed figures are all kept, because suppression
        looks at every part of a breakdown.
        """
        self.indicators = indicators
        self.wanted = None if wanted is None else set(wanted)
        by_code = {indicator.code: indicator for indicator in indicators}
        typed = [indicator for indicator in indicators if indicator.kind == Indicator.Kind.TYPED]
        derived = [indicator for indicator in indicators if indicator.kind == Indicator.Kind.DERIVED]
        self.typed_cells = [(indicator.code, key) for indicator in typed for key in indicator.keys]

        def operands(indicator, key):
            """Formula code -> the cell it reads for ``key`` (None for a code not in the catalogue)."""
            return {
                code: (code, operand_key(by_code[code], key)) if code in by_code else None
                for code in formula_codes(indicator.formula)
            }

        # Derived indicators may use other derived ones: compute in dependency order (a cycle is left out).
        order, known, pending = [], {indicator.code for indicator in typed}, derived
        for _round in range(len(derived) + 1):
            still = []
            for indicator in pending:
                if any(code in by_code and code not in known for code in formula_codes(indicator.formula)):
                    still.append(indicator)
                    continue
                order.append(indicator)
                known.add(indicator.code)
            pending = still
            if not pending:
                break
        self.derived_cells = [
            ((indicator.code, key), _compiled(indicator.formula), operands(indicator, key))
            for indicator in order
            for key in indicator.keys
        ]
        if self.wanted is not None:
            # Only the wanted derived cells and the derived cells they are built on, recursively.
            used = {cell: list(cell_operands.values()) for cell, _compiled_formula, cell_operands in self.derived_cells}
            needed, queue = set(), [cell for cell in self.wanted if cell in used]
            while queue:
                cell = queue.pop()
                if cell not in needed:
                    needed.add(cell)
                    queue.extend(operand for operand in used[cell] if operand in used)
            self.derived_cells = [entry for entry in self.derived_cells if entry[0] in needed]
        counts = [indicator for indicator in indicators if indicator.is_count]
        self.count_codes = {indicator.code for indicator in counts}
        self.count_cells = [(indicator.code, key) for indicator in counts for key in indicator.keys]
        self.breakdowns = [
            ((indicator.code, TOTAL), [(indicator.code, key) for key in indicator.keys if key != TOTAL])
            for indicator in counts
            if indicator.breakdown != Indicator.Breakdown.NONE
        ]
        computed = {entry[0] for entry in self.derived_cells}
        self.derived_operands = [
            ((indicator.code, key), [cell for cell in operands(indicator, key).values() if cell is not None])
            for indicator in derived
            for key in indicator.keys
            if (indicator.code, key) in computed
        ]


def cells_compute(indicators, typed_values, plan=None):
    """All figures of a report, typed and derived: {(code, key): Decimal | None}."""
    plan = plan or Plan(indicators)
    cells = {cell: typed_values.get(cell) for cell in plan.typed_cells}
    for cell, compiled, operands in plan.derived_cells:
        value = compiled(lambda code, operands=operands: cells.get(operands[code]))
        cells[cell] = None if value is None else value.quantize(_ONE_DECIMAL)
    return cells


class Cell(NamedTuple):
    """A figure as a viewer may see it: a value, missing, or suppressed (a small count).

    A named tuple, not a dataclass: a dashboard makes tens of thousands of them per page, and a
    tuple is several times cheaper to create than a frozen dataclass.
    """

    value: Decimal | None
    suppressed: bool = False
    # A suppressed count of 1–4 persons shows "<5" (primary suppression).
    count: bool = True
    # Hidden so that another hidden figure cannot be worked out by subtraction, or computed from a
    # hidden count (secondary suppression): shows "..", whatever the figure.
    secondary: bool = False

    @property
    def state(self):
        if self.suppressed:
            return "suppressed"
        return "missing" if self.value is None else "value"

    @property
    def shown(self):
        """The figure only if the viewer may see it."""
        return None if self.suppressed else self.value

    def display(self):
        if self.suppressed:
            return ".." if self.secondary or not self.count else f"<{SUPPRESS_BELOW}"
        if self.value is None:
            return "–"
        return _fmt(self.value)

    def html(self):
        """The cell as the tables show it: the figure, or "<5", ".." or "–" with a title saying why.

        statistik/_cell.html is this; an indicator's table over fifteen years calls it directly (hundreds of
        cells: an include per cell cost more than the rest of the table)."""
        if self.suppressed:
            text = self.display()
            if text == "..":
                return format_html(
                    '<span class="cell-suppressed cell-secondary" data-suppressed="secondary" title="{}">..</span>',
                    _("Not shown, so that a hidden figure cannot be worked out"),
                )
            return format_html(
                '<span class="cell-suppressed" data-suppressed="primary" title="{}">{}</span>',
                _("Suppressed: fewer than 5 persons"),
                text,
            )
        if self.value is None:
            return format_html('<span class="cell-missing" title="{}">–</span>', _("Missing"))
        return conditional_escape(self.display())


def _fmt(value):
    if value == value.to_integral_value():
        return number_format(value.quantize(Decimal(1)), force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)


def sees_all_figures(user):
    """The regional statistics administrators approve every report: they see every figure unsuppressed."""
    return access.is_stat_admin(user) or access.is_system_admin(user)


def sees_small_counts(user, municipality_id):
    """The reporting municipality's own staff and the regional statistics administrators see counts under 5.

    The suppression itself is ``disclosure.disclose``: used by every page, chart and export.
    """
    return sees_all_figures(user) or municipality_id in access.any_municipality_ids(user)


@dataclass(frozen=True)
class Change:
    """A figure beside the same figure of last year's approved report."""

    now: Decimal | None
    before: Decimal | None
    # A share in percent changes by percentage points, never by a percentage of itself.
    percent: bool = False

    @property
    def difference(self):
        if self.now is None or self.before is None:
            return None
        return self.now - self.before

    @property
    def relative(self):
        """The change as a percentage of last year's figure; None when last year was 0 or missing."""
        if self.difference is None or not self.before:
            return None
        return (self.difference / self.before * 100).quantize(Decimal(1))

    @property
    def is_large(self):
        difference = self.difference
        if difference is None or abs(difference) < LARGE_CHANGE_AT_LEAST:
            return False
        return not self.before or abs(difference) > abs(self.before) * LARGE_CHANGE_SHARE

    def before_display(self):
        return Cell(self.before).display()

    def now_display(self):
        return Cell(self.now).display()

    def difference_display(self):
        """E.g. "+12, +35 %" (no brackets: the page may put the whole in brackets); "+10 procentenheter"
        for a share; without the percentage when last year was 0."""
        difference = self.difference
        if difference is None:
            return ""
        sign = "+" if difference > 0 else "−" if difference < 0 else "±"
        text = f"{sign}{_fmt(abs(difference))}"
        if self.percent:
            return f"{text} {_('percentage points')}"
        if self.relative is not None:
            relative = self.relative
            text += f", {'+' if relative > 0 else '−' if relative < 0 else '±'}{_fmt(abs(relative))} %"
        return text


def percent_codes(indicators):
    """The codes of indicators in percent, for ``changes_compare``."""
    return frozenset(indicator.code for indicator in indicators if indicator.unit == Indicator.Unit.PERCENT)


def changes_compare(now_cells, before_cells, percent=frozenset()):
    """{(code, key): Change} for every cell of this report, beside last year's (None where it had none).

    ``percent``: the codes in percent (``percent_codes(indicators)``), whose changes are in percentage points.
    """
    return {cell: Change(now, before_cells.get(cell), cell[0] in percent) for cell, now in now_cells.items()}
