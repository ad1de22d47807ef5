"""Checks of a report beyond one cell: numbers as Swedes write them, rules across indicators,
completeness before submitting, and large changes that need the reporter's explanation.

``calc.values_validate`` (the one validation of the form and the Excel upload) parses every cell
with ``parse_number`` and ends with ``rules_check``; the report view asks ``missing_cells`` and
``unexplained_changes`` before it submits.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import KEY_LABELS, TOTAL, Indicator, IndicatorRule

# Spaces Swedes (and Excel, Word and the browsers' number formatting) put between thousands.
_SPACES = re.compile(r"[ \u00a0\u202f\u2009\u2007]")
# "1000", "1 000", "1 000 000", "12,5", "1 000,5", "-3" (refused later as negative); a dot is read
# as a decimal sign too ("12.5"), since figures are often pasted from English-language tools.
_GROUPED = re.compile(r"[+\-−]?\d{1,3}(?: \d{3})+(?:[,.]\d+)?", re.ASCII)
_PLAIN = re.compile(r"[+\-−]?\d+(?:[,.]\d+)?", re.ASCII)
_EXPONENT = re.compile(r"^[+\-−]?[\d ,.]*\d[eE][+\-−]?\d+$", re.ASCII)
_THOUSANDS_BY_SIGN = re.compile(r"^[+\-−]?\d{1,3}(?:[,.]\d{3})+$", re.ASCII)


class NumberError(ValueError):
    """Text that is not a number as the form accepts it; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def parse_number(text):
    """A typed figure as Decimal (None when empty): "1 000", "1 000,5", "1000.5" with any kind of space.

    Refused, each with its own message: scientific notation ("1e6": the form must show what was
    meant, a million is written 1 000 000), a thousands separator written as a comma or dot
    ("1.000", "1,000": it reads as one with decimals, a typical slip that would store 1), spaces in
    the wrong places ("10 00") and anything else that is not a number.
    """
    text = _SPACES.sub(" ", str(text)).strip()
    text = re.sub(r" +", " ", text)
    if text in ("", "–", "-", "−"):
        return None
    if _EXPONENT.match(text):
        raise NumberError(_("Write the figure out in full, without e-notation: for example 1 000 000, not 1e6."))
    if _THOUSANDS_BY_SIGN.match(text):
        raise NumberError(
            _("Write thousands with a space, for example 1 000; a decimal comma takes at most one decimal (1 000,5).")
        )
    if not (_PLAIN.fullmatch(text) or _GROUPED.fullmatch(text)):
        if re.fullmatch(r"[+\-−]?[\d ]+(?:[,.]\d+)?", text, re.ASCII):
            raise NumberError(_("Put spaces only between groups of three digits, for example 12 500."))
        raise NumberError(_("Write a number, or leave the cell empty if the figure is missing."))
    normal = text.replace(" ", "").replace(",", ".").replace("−", "-")
    try:
        return Decimal(normal)
    except InvalidOperation:  # pragma: no cover - the patterns above let only numbers through
        raise NumberError(_("Write a number, or leave the cell empty if the figure is missing.")) from None


def _fmt(value):
    return number_format(value, decimal_pos=0 if value == value.to_integral_value() else 1, force_grouping=True)


def _total(indicator, cleaned):
    """The indicator's total: typed, or the sum of its parts when every part is typed; None otherwise."""
    total = cleaned.get((indicator.code, TOTAL))
    if total is not None or indicator.breakdown == Indicator.Breakdown.NONE:
        return total
    parts = [cleaned.get((indicator.code, key)) for key in indicator.keys if key != TOTAL]
    return sum(parts) if parts and all(part is not None for part in parts) else None


def rules_for(indicators):
    """The rules between the given indicators (one query), for validation and for the form's text."""
    ids = [indicator.pk for indicator in indicators]
    return list(
        IndicatorRule.objects.filter(indicator_id__in=ids, other_id__in=ids).select_related("indicator", "other")
    )


def rules_check(indicators, cleaned, errors, rules=None):
    """Add an error at the total of each indicator that breaks a catalogue rule (``IndicatorRule``).

    A rule is checked only when both totals are known and neither indicator already has an error:
    a missing figure is the completeness check's business, not a broken rule.
    """
    rules = rules_for(indicators) if rules is None else rules
    for rule in rules:
        indicator, other = rule.indicator, rule.other
        if any(cell[0] in (indicator.code, other.code) for cell in errors):
            continue
        mine, theirs = _total(indicator, cleaned), _total(other, cleaned)
        if mine is None or theirs is None:
            continue
        broken = mine != theirs if rule.kind == IndicatorRule.Kind.SAME_PERSONS else mine > theirs
        if not broken:
            continue
        params = {"name": indicator.name, "total": _fmt(mine), "other": other.name, "other_total": _fmt(theirs)}
        if rule.kind == IndicatorRule.Kind.SAME_PERSONS:
            message = _("%(name)s adds up to %(total)s but must equal %(other)s (%(other_total)s).") % params
        else:
            message = _("%(name)s (%(total)s) cannot be more than %(other)s (%(other_total)s).") % params
        errors[(indicator.code, TOTAL)] = f"{message} {rule.description}".strip()
    return errors


def missing_cells(indicators, cleaned):
    """The typed cells left empty, in the form's order: [(code, key, label)]."""
    return [
        (indicator.code, key, f"{indicator.label}, {KEY_LABELS[key]}")
        for indicator in indicators
        if indicator.kind == Indicator.Kind.TYPED
        for key in indicator.keys
        if cleaned.get((indicator.code, key)) is None
    ]


def unexplained_changes(indicators, changes, explanations):
    """Typed cells with a large change from last year and no explanation: [(code, key, label)].

    ``changes``: {(code, key): calc.Change}; ``explanations``: {(code, key): text}. Derived figures
    need none: they change because a typed one did, and that one is explained.
    """
    typed = {indicator.code: indicator for indicator in indicators if indicator.kind == Indicator.Kind.TYPED}
    return [
        (code, key, f"{typed[code].label}, {KEY_LABELS[key]}")
        for (code, key), change in changes.items()
        if code in typed and change.is_large and not (explanations.get((code, key)) or "").strip()
    ]
