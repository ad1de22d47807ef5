"""The shared Excel writer and the guarded reader for uploaded workbooks.

Writing: openpyxl's write_only mode keeps memory flat for long lists. Text cells that a
spreadsheet could read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are escaped with a leading apostrophe and stored as text;
``unescape_cell`` undoes exactly that when the file comes back, so an export imports back
unchanged.

Reading: ``open_uploaded_workbook`` checks the file size, the unpacked size of the zip
container and the number of rows before openpyxl parses anything big, and raises
``WorkbookError`` with a Swedish message the view can show as it is.
"""

import datetime
import io
import zipfile
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value):
    """A value safe to put in a cell: text that looks like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES + (ESCAPE,)):
        # An existing leading apostrophe is escaped too, so unescape_cell is an exact inverse.
        return ESCAPE + value
    return value


def unescape_cell(value):
    """The inverse of ``escape_cell`` for a value read back from an uploaded workbook."""
    if isinstance(value, str) and value.startswith(ESCAPE) and len(value) > 1:
        rest = value[1:]
        if rest.startswith(DANGEROUS_PREFIXES + (ESCAPE,)):
            return rest
    return value


def _plain(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # Excel has no time zones: write local time without the offset.
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(item) for item in value)
    return value


class XlsxWriter:
    """A write-only workbook with formula-safe cells and a simple sheet API.

    Usage::

        writer = XlsxWriter()
        sheet = writer.add_sheet("Insatser", header=["Namn", "Kommun"], preamble=["Export 2026-11-23"])
        sheet.append(["Kurs", "Huddinge"])
        data = writer.to_bytes()
    """

    def __init__(self):
        self.workbook = Workbook(write_only=True)
        self._data = None

    def add_sheet(self, title, header=None, preamble=None, widths=None):
        worksheet = self.workbook.create_sheet(title=_safe_sheet_title(title))
        if widths:
            from openpyxl.utils import get_column_letter

            for index, width in enumerate(widths, start=1):
                worksheet.column_dimensions[get_column_letter(index)].width = width
        sheet = _Sheet(worksheet)
        for line in preamble or []:
            sheet.append([line] if not isinstance(line, (list, tuple)) else line, bold=False)
        if preamble:
            sheet.append([])
        if header:
            sheet.append(header, bold=True)
        return sheet

    def to_bytes(self):
        # A write-only workbook can be saved only once; keep the bytes for later calls.
        if self._data is None:
            buffer = io.BytesIO()
            self.workbook.save(buffer)
            self._data = buffer.getvalue()
        return self._data


class _Sheet:
    def __init__(self, worksheet):
        self.worksheet = worksheet
        self.rows_written = 0

    def append(self, values, bold=False):
        cells = []
        for value in values:
            cell = WriteOnlyCell(self.worksheet, value=escape_cell(_plain(value)))
            if isinstance(cell.value, str):
                # Never a formula, whatever the text looks like.
                cell.data_type = "s"
                if "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            if bold:
                cell.font = Font(bold=True)
            cells.append(cell)
        self.worksheet.append(cells)
        self.rows_written += 1


def _safe_sheet_title(title):
    for char in "[]:*?/\\":
        title = title.replace(char, "-")
    return title[:31] or "Blad"


class WorkbookError(Exception):
    """An uploaded file that cannot be read; the message is for the user, in Swedish."""


def open_uploaded_workbook(uploaded_file, max_rows=None):
    """Open an uploaded .xlsx read-only after checking size, unpacked size and row count.

    Returns an openpyxl workbook (read-only, values only). Raises WorkbookError.
    """
    max_bytes = settings.XLSX_MAX_UPLOAD_BYTES
    max_unpacked = settings.XLSX_MAX_UNPACKED_BYTES
    max_rows = max_rows or settings.XLSX_MAX_ROWS
    if uploaded_file is None:
        raise WorkbookError(_("Choose an Excel file (.xlsx) to upload."))
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise WorkbookError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(max_bytes / 1024 / 1024, 1)}
        )
    name = getattr(uploaded_file, "name", "") or ""
    if name and not name.lower().endswith((".xlsx", ".xlsm")):
        raise WorkbookError(_("The file must be an Excel workbook (.xlsx). Save it as .xlsx in Excel and try again."))
    data = uploaded_file.read()
    if len(data) > max_bytes:
        raise WorkbookError(
            _("The file is too large. The limit is %(limit)s MB.") % {"limit": round(max_bytes / 1024 / 1024, 1)}
        )
    if not data:
        raise WorkbookError(_("The file is empty."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise WorkbookError(
            _("The file is not an Excel workbook (.xlsx) or it is damaged. Save it as .xlsx in Excel and try again.")
        ) from None
    if unpacked > max_unpacked:
        raise WorkbookError(
            _("The file unpacks to more than %(limit)s MB, which is more than a workbook of this kind can hold.")
            % {"limit": round(max_unpacked / 1024 / 1024)}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile):
        raise WorkbookError(
            _("The file is not an Excel workbook (.xlsx) or it is damaged. Save it as .xlsx in Excel and try again.")
        ) from None
    for worksheet in workbook.worksheets:
        # max_row comes from the sheet's dimension record; a sheet without one is counted below.
        if worksheet.max_row and worksheet.max_row > max_rows + 20:
            raise WorkbookError(
                _("The sheet “%(sheet)s” has %(rows)s rows. At most %(limit)s rows can be imported at once.")
                % {"sheet": worksheet.title, "rows": worksheet.max_row, "limit": max_rows}
            )
    return workbook


def read_rows(worksheet, max_rows=None):
    """Rows of a worksheet as lists of unescaped values, raising WorkbookError past the limit."""
    max_rows = max_rows or settings.XLSX_MAX_ROWS
    rows = []
    for index, row in enumerate(worksheet.iter_rows(values_only=True)):
        if index > max_rows + 20:
            raise WorkbookError(
                _("The sheet “%(sheet)s” has more than %(limit)s rows. At most %(limit)s rows can be imported at once.")
                % {"sheet": worksheet.title, "limit": max_rows}
            )
        rows.append([unescape_cell(value) for value in row])
    return rows
