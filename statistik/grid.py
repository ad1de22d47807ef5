"""The report form as grids: per form, a table per breakdown, a row per indicator, a cell per key."""

from .models import KEY_LABELS, TOTAL, Indicator


def _input_text(value):
    """A stored figure as a Swede types it: "1 000 000", "12,5" (the form reads it back the same way)."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",")


def report_grid(indicators, cells, raw, errors, can_edit, changes=None):
    """Nested dicts for the template; ``raw`` (after a failed post) wins over stored figures.

    ``changes``: {(code, key): Change} against last year's approved report, shown under each figure.
    """
    changes = changes or {}
    forms = []
    for indicator in indicators:
        if not forms or forms[-1]["form"].pk != indicator.form_id:
            forms.append({"form": indicator.form, "tables": []})
        tables = forms[-1]["tables"]
        if not tables or tables[-1]["breakdown"] != indicator.breakdown:
            tables.append(
                {
                    "breakdown": indicator.breakdown,
                    "label": indicator.get_breakdown_display(),
                    "keys": [{"key": key, "label": KEY_LABELS[key]} for key in indicator.keys],
                    "rows": [],
                }
            )
        row = {"indicator": indicator, "derived": indicator.kind == Indicator.Kind.DERIVED, "cells": []}
        for key in indicator.keys:
            cell_id = f"id_v-{indicator.code}-{key}"
            stored = cells.get((indicator.code, key))
            value = raw.get((indicator.code, key), "") if raw is not None else _input_text(stored and stored.value)
            row["cells"].append(
                {
                    "key": key,
                    "name": f"v-{indicator.code}-{key}",
                    "id": cell_id,
                    "label": f"{indicator.label}, {KEY_LABELS[key]}",
                    "value": value,
                    "display": stored.display() if stored else "–",
                    "error": errors.get((indicator.code, key)),
                    "is_total": key == TOTAL and indicator.breakdown != Indicator.Breakdown.NONE,
                    "editable": can_edit and not row["derived"],
                    "change": changes.get((indicator.code, key)),
                }
            )
        tables[-1]["rows"].append(row)
    return forms
