"""Pure calculations on report figures: parsing, validation, derived values and suppression.

The form and the Excel upload both validate through ``values_validate``; the pages and the
exports both show figures through ``visible_cells`` (the one place that suppresses small counts).
"""

import ast
import functools
import operator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from intro_sodertorn import access

from .models import TOTAL, Indicator

SUPPRESS_BELOW = 5
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


def formula_eval(formula, lookup):
    """Evaluate a formula; ``lookup(code)`` gives a Decimal or None. None if anything is missing or /0."""

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return lookup(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = walk(node.operand)
            return None if value is None else -value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = walk(node.left), walk(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Div) and right == 0:
                return None
            return _OPS[type(node.op)](left, right)
        raise ValueError(formula)

    return walk(_parsed(formula))


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
        return Decimal(str(raw))
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if text in ("", "–", "-"):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


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
            except ValueError:
                errors[cell] = _("Write a number, or leave the cell empty if the figure is missing.")
                cleaned[cell] = None
                continue
            if value is not None and value < 0:
                errors[cell] = _("The figure cannot be negative.")
            elif value is not None and indicator.whole_numbers and value != value.to_integral_value():
                errors[cell] = _("Write a whole number.")
            elif value is not None and value != value.quantize(Decimal("0.1")):
                errors[cell] = _("Write at most one decimal.")
            elif value is not None and abs(value) >= Decimal("1e12"):
                errors[cell] = _("The figure is too large.")
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
    return cleaned, errors


def cells_compute(indicators, typed_values):
    """All figures of a report, typed and derived: {(code, key): Decimal | None}."""
    by_code = {indicator.code: indicator for indicator in indicators}
    cells = {}
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.TYPED:
            for key in indicator.keys:
                cells[(indicator.code, key)] = typed_values.get((indicator.code, key))
    # Derived indicators may use other derived ones: compute in dependency order.
    pending = [indicator for indicator in indicators if indicator.kind == Indicator.Kind.DERIVED]
    for _round in range(len(pending) + 1):
        still = []
        for indicator in pending:
            codes = formula_codes(indicator.formula)
            if any(code in by_code and (code, TOTAL) not in cells for code in codes):
                still.append(indicator)
                continue
            for key in indicator.keys:

                def lookup(code, key=key):
                    operand = by_code.get(code)
                    return None if operand is None else cells.get((code, operand_key(operand, key)))

                value = formula_eval(indicator.formula, lookup)
                cells[(indicator.code, key)] = None if value is None else value.quantize(Decimal("0.1"))
        pending = still
        if not pending:
            break
    return cells


@dataclass(frozen=True)
class Cell:
    """A figure as a viewer may see it: a value, missing, or suppressed (a small count)."""

    value: Decimal | None
    suppressed: bool = False
    # A suppressed count shows "<5"; a share or other figure built on one shows "(<5)".
    count: bool = True

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
            return f"<{SUPPRESS_BELOW}" if self.count else f"(<{SUPPRESS_BELOW})"
        if self.value is None:
            return "–"
        return _fmt(self.value)


def _fmt(value):
    if value == value.to_integral_value():
        return number_format(value.quantize(Decimal(1)), force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)


def sees_small_counts(user, municipality_id):
    """Only the reporting municipality's own staff see counts under 5."""
    return municipality_id in access.any_municipality_ids(user)


def visible_cells(user, municipality_id, indicators, typed_values):
    """THE suppression: every figure of one report as ``user`` may see it, {(code, key): Cell}.

    Used by every page and every export. Outside the reporting municipality:
    - a count (persons) from 1 to 4 is suppressed (0 is shown: nobody to identify);
    - if exactly one part of a breakdown is suppressed while its total shows, the smallest other
      part is suppressed too, so the hidden count cannot be got back by subtraction;
    - a derived figure computed from a suppressed count is suppressed.
    """
    cells = cells_compute(indicators, typed_values)
    if sees_small_counts(user, municipality_id):
        return {cell: Cell(value) for cell, value in cells.items()}
    hidden = set()
    for indicator in indicators:
        if not indicator.is_count:
            continue
        for key in indicator.keys:
            value = cells.get((indicator.code, key))
            if value is not None and 0 < value < SUPPRESS_BELOW:
                hidden.add((indicator.code, key))
    for indicator in indicators:
        if not indicator.is_count or indicator.breakdown == Indicator.Breakdown.NONE:
            continue
        parts = [(indicator.code, key) for key in indicator.keys if key != TOTAL]
        hidden_parts = [cell for cell in parts if cell in hidden]
        if len(hidden_parts) == 1 and (indicator.code, TOTAL) not in hidden:
            others = [cell for cell in parts if cell not in hidden and cells.get(cell) is not None]
            if others:
                hidden.add(min(others, key=lambda cell: (cells[cell], cell)))
            else:
                hidden.add((indicator.code, TOTAL))
    by_code = {indicator.code: indicator for indicator in indicators}
    derived = [indicator for indicator in indicators if indicator.kind == Indicator.Kind.DERIVED]
    # Repeat so that a derived figure built on a suppressed derived figure is suppressed too.
    for _round in range(len(derived) + 1):
        grew = False
        for indicator in derived:
            for key in indicator.keys:
                cell = (indicator.code, key)
                if cell in hidden:
                    continue
                for code in formula_codes(indicator.formula):
                    operand = by_code.get(code)
                    if operand is not None and (code, operand_key(operand, key)) in hidden:
                        hidden.add(cell)
                        grew = True
                        break
        if not grew:
            break
    counts = {indicator.code for indicator in indicators if indicator.is_count}
    return {cell: Cell(value, cell in hidden, cell[0] in counts) for cell, value in cells.items()}


@dataclass(frozen=True)
class Change:
    """A figure beside the same figure of last year's approved report."""

    now: Decimal | None
    before: Decimal | None

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
        """E.g. "+12 (+35 %)"; without the percentage when last year was 0."""
        difference = self.difference
        if difference is None:
            return ""
        sign = "+" if difference > 0 else "−" if difference < 0 else "±"
        text = f"{sign}{_fmt(abs(difference))}"
        if self.relative is not None:
            relative = self.relative
            text += f" ({'+' if relative > 0 else '−' if relative < 0 else '±'}{_fmt(abs(relative))} %)"
        return text


def changes_compare(now_cells, before_cells):
    """{(code, key): Change} for every cell of this report, beside last year's (None where it had none)."""
    return {cell: Change(now, before_cells.get(cell)) for cell, now in now_cells.items()}
