"""The report's Excel template: download filled with what is there, upload validated like the form.

The upload goes through ``calc.values_validate``, the same function as the web form, and saves
nothing unless every cell is right.
"""

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl.utils import get_column_letter

from intro_sodertorn.xlsx import WorkbookError, XlsxWriter, open_uploaded_workbook, read_rows

from .calc import values_validate
from .models import KEY_LABELS, Indicator

SHEET = "Rapport"
VALUE_COLUMN = 5  # E: the column the municipality fills in


def _title(report):
    values = {"municipality": report.municipality, "period": report.period}
    return _("KIS report: %(municipality)s, %(period)s") % values


def _other_report(first_cell, report):
    """The title of another report when the file's first line names one (a template saved for another
    municipality or period); None when it names this report or is not a template title at all."""
    if not isinstance(first_cell, str):
        return None
    text = first_cell.strip()
    titles, prefixes = set(), set()
    for language in ("sv", "en"):
        with override(language):
            titles.add(_title(report))
            prefixes.add(_("KIS report: %(municipality)s, %(period)s").split("%", 1)[0])
    if text in titles or not text.startswith(tuple(prefixes)):
        return None
    return text


def _header():
    return [_("Code"), _("Indicator"), _("Breakdown"), _("Key"), _("Value"), _("Unit")]


def template_build(report, indicators, typed_values):
    """The template for one report as an XlsxWriter (figures already there filled in)."""
    writer = XlsxWriter()
    preamble = [
        _title(report),
        _("Catalogue version: %(version)s") % {"version": report.version},
        _("Fill in column E only. Leave a cell empty if the figure is missing (empty is not 0)."),
    ]
    sheet = writer.add_sheet(SHEET, header=_header(), preamble=preamble, widths=[12, 48, 18, 8, 12, 16])
    for indicator in indicators:
        if indicator.kind != Indicator.Kind.TYPED:
            continue
        for key in indicator.keys:
            value = typed_values.get((indicator.code, key))
            if value is not None and value == value.to_integral_value():
                value = int(value)
            elif value is not None:
                value = float(value)
            sheet.append(
                [indicator.code, indicator.name, str(KEY_LABELS[key]), key, value, indicator.get_unit_display()]
            )
    definitions = writer.add_sheet(
        _("Definitions"),
        header=[_("Code"), _("Form"), _("Indicator"), _("Definition"), _("Unit"), _("Kind"), _("Formula"), _("Source")],
        widths=[12, 14, 40, 80, 16, 12, 36, 30],
    )
    for indicator in indicators:
        definitions.append(
            [
                indicator.code,
                indicator.form.name,
                indicator.name,
                indicator.definition,
                indicator.get_unit_display(),
                indicator.get_kind_display(),
                indicator.formula,
                indicator.source,
            ]
        )
    return writer


def upload_read(uploaded_file, indicators, report=None):
    """Read an uploaded template. Returns (cleaned, errors) where errors is a list of Swedish messages.

    Cells are checked by ``values_validate``; each error names the cell (e.g. E12) and the indicator.
    With ``report``, a template whose title names another municipality or period is refused.
    """
    try:
        workbook = open_uploaded_workbook(uploaded_file)
        if SHEET not in workbook.sheetnames:
            raise WorkbookError(_("The workbook has no sheet called “%(sheet)s”. Use the template.") % {"sheet": SHEET})
        rows = read_rows(workbook[SHEET])
    except WorkbookError as error:
        return None, [str(error)]
    other = _other_report(rows[0][0] if rows and rows[0] else None, report) if report is not None else None
    if other:
        return None, [
            _(
                "The file is the template of another report (“%(other)s”). "
                "Download the template of this report (%(this)s) and fill in that."
            )
            % {"other": other[:200], "this": _title(report)}
        ]
    header = [str(cell) for cell in _header()]
    start = next((index for index, row in enumerate(rows) if [str(c) for c in row[:6]] == header), None)
    if start is None:
        return None, [_("The sheet “%(sheet)s” has no header row. Use the template.") % {"sheet": SHEET}]
    known = {(i.code, key) for i in indicators if i.kind == Indicator.Kind.TYPED for key in i.keys}
    raw, where, errors = {}, {}, []
    for index, row in enumerate(rows[start + 1 :], start=start + 2):
        row = list(row) + [None] * 6
        code, key, value = row[0], row[3], row[VALUE_COLUMN - 1]
        if code in (None, "") and value in (None, ""):
            continue
        cell_ref = f"{get_column_letter(VALUE_COLUMN)}{index}"
        if (str(code), str(key)) not in known:
            errors.append(
                _("Row %(row)s: unknown code or key “%(code)s / %(key)s”.") % {"row": index, "code": code, "key": key}
            )
            continue
        if (code, key) in raw:
            errors.append(
                _("Row %(row)s: “%(code)s / %(key)s” appears twice.") % {"row": index, "code": code, "key": key}
            )
            continue
        raw[(code, key)] = value
        where[(code, key)] = cell_ref
    cleaned, cell_errors = values_validate(indicators, raw)
    names = {i.code: i.label for i in indicators}
    for (code, key), message in cell_errors.items():
        errors.append(
            _("Cell %(cell)s (%(name)s, %(key)s): %(message)s")
            % {
                "cell": where.get((code, key), _("missing row")),
                "name": names[code],
                "key": KEY_LABELS[key],
                "message": message,
            }
        )
    return cleaned, errors
