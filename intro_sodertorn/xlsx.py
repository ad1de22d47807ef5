"""The shared Excel writer and the guarded reader for uploaded workbooks.

Writing: openpyxl's write_only mode keeps memory flat for long lists. Text cells that a
spreadsheet could read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are escaped with a leading apostrophe and stored as text;
``unescape_cell`` undoes exactly that when the file comes back, so an export imports back
unchanged.

Reading: ``open_uploaded_workbook`` checks the file size, the unpacked size of the zip
container, every XML part (no DTD, so no entity expansion, and only the encodings Excel writes), the
number of rows and cells of every sheet and the shared-string table (its unpacked size and the
number of strings) before openpyxl parses anything big, and raises ``WorkbookError`` with a Swedish
message the view can show as it is. The shared strings are read by this module, streamed and
counted while parsing (openpyxl's own reader spends ~20 µs a string: 1.5 million strings in a
4 MB file kept a worker busy past any timeout).

The limits follow the import's row limit: at most ``(rows + 20) * MAX_CELLS_PER_ROW`` cells in a
sheet and as many shared strings (an honest file has no more distinct texts than cells), and the
strings part unpacks to at most ``XLSX_MAX_SHARED_STRINGS_BYTES``.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
_ESCAPED_PREFIXES = DANGEROUS_PREFIXES + (ESCAPE,)
_ERROR_CODES = frozenset(ERROR_CODES)
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

    A sheet with a header is laid out as people expect of a list in Excel: the header row bold and frozen (it
    stays in view while scrolling), an autofilter over the header and every row, and each column as wide as its
    header and its first rows need (``widths`` sets them instead).
    """

    def __init__(self):
        self.workbook = Workbook(write_only=True)
        self._data = None
        self._sheets = []

    def add_sheet(self, title, header=None, preamble=None, widths=None):
        worksheet = self.workbook.create_sheet(title=_safe_sheet_title(title))
        sheet = _Sheet(worksheet, widths)
        self._sheets.append(sheet)
        for line in preamble or []:
            sheet.append([line] if not isinstance(line, (list, tuple)) else line, bold=False)
        if preamble:
            sheet.append([])
        if header:
            sheet.append_header(header)
        else:
            sheet.lay_out()  # nothing to measure: rows go straight to the file
        return sheet

    def save(self, file):
        """Write the workbook to an open binary file, streamed: a long export never sits whole in memory."""
        for sheet in self._sheets:
            sheet.finish()
        self.workbook.save(file)

    def to_bytes(self):
        # A write-only workbook can be saved only once; keep the bytes for later calls.
        if self._data is None:
            buffer = io.BytesIO()
            self.save(buffer)
            self._data = buffer.getvalue()
        return self._data


# Column widths, in characters: measured on the header and the first rows (a write-only sheet must have its
# widths before its first row is written, so the first rows wait in memory until then), within these bounds.
MEASURED_ROWS = 50
MIN_WIDTH = 8
MAX_WIDTH = 50


def _text_width(value):
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str(value).split("\n")), default=0)


class _Sheet:
    def __init__(self, worksheet, widths=None):
        self.worksheet = worksheet
        self.rows_written = 0
        self.widths = widths
        self.header_row = None  # 1-based row number of the header, when the sheet has one
        self.columns = 0
        self._pending = []  # (cells, bold, counts for the widths) until the layout is decided
        self._laid_out = False

    def append_header(self, values):
        self.header_row = self.rows_written + 1
        self.columns = len(values)
        self.append(values, bold=True)

    def append(self, values, bold=False):
        # What escape_cell(_plain(value)) does, inlined for text (most cells; 3.7 million in an export of 100,000
        # insatser, bench/export_ratio.py). A plain value goes to openpyxl as it is: text stays text, since the
        # escape has put an apostrophe before anything starting with "=". A cell object per value costs openpyxl a
        # caught exception each, so only bold cells, text with line breaks and text like an error value get one.
        cells = []
        add = cells.append
        for value in values:
            if type(value) is not str:
                value = _plain(value)
                if not isinstance(value, str):
                    add(self._cell(value, bold) if bold else value)
                    continue
            if value.startswith(_ESCAPED_PREFIXES):
                value = ESCAPE + value
            add(self._cell(value, bold) if bold or "\n" in value or value in _ERROR_CODES else value)
        self.rows_written += 1
        if self._laid_out:
            self.worksheet.append(cells)
            return
        # Rows before the header (a preamble) do not count for the widths: their text runs over empty cells.
        self._pending.append((cells, list(values) if self.header_row else None))
        if self.header_row and self.rows_written - self.header_row >= MEASURED_ROWS:
            self.lay_out()

    def lay_out(self):
        """Set the widths and the frozen header, then write the rows that waited for them."""
        self._laid_out = True
        if self.header_row:
            self.worksheet.freeze_panes = f"A{self.header_row + 1}"
        widths = self.widths or self._measured_widths()
        for index, width in enumerate(widths or [], start=1):
            self.worksheet.column_dimensions[get_column_letter(index)].width = width
        for cells, _measured in self._pending:
            self.worksheet.append(cells)
        self._pending = []

    def _measured_widths(self):
        if not self.header_row:
            return None
        widest = [0] * self.columns
        for _cells, values in self._pending:
            for index, value in enumerate((values or [])[: self.columns]):
                widest[index] = max(widest[index], _text_width(_plain(value)))
        return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widest]

    def finish(self):
        """Before saving: write what waits, and filter over the header and every row below it."""
        if not self._laid_out:
            self.lay_out()
        if self.header_row and self.columns:
            last = get_column_letter(self.columns)
            self.worksheet.auto_filter.ref = f"A{self.header_row}:{last}{max(self.rows_written, self.header_row)}"

    def _cell(self, value, bold):
        cell = WriteOnlyCell(self.worksheet, value=value)
        if isinstance(value, str):
            # Never a formula nor an error value ("#N/A"), whatever the text looks like.
            cell.data_type = "s"
            if "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)
        return cell


def _safe_sheet_title(title):
    for char in "[]:*?/\\":
        title = title.replace(char, "-")
    return title[:31] or "Blad"


class WorkbookError(Exception):
    """An uploaded file that cannot be read; the message is for the user, in Swedish."""


# The import layouts have at most a few dozen columns; cells further right are not read. This also keeps a
# crafted <dimension ref="A1:XFD9"/> from making openpyxl pad every row to 16,384 cells.
MAX_COLUMNS = 100
# Cells a sheet may hold per allowed row (the insats layout has 37 columns, the KIS template 4): a sheet of the
# import's row limit full of cells passes, a sheet that would keep openpyxl busy for seconds does not.
MAX_CELLS_PER_ROW = 50
# Reading an XML part (sheets, shared strings) in pieces of this size.
READ_CHUNK = 64 * 1024
# The encodings an XML part of a workbook may declare: Excel, LibreOffice and openpyxl write UTF-8. Any other
# (UTF-16, UTF-7, EBCDIC...) could hide a <!DOCTYPE from the byte scan below, so it is refused as damaged.
XML_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii"}
XML_DECLARATION_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
# A start tag of a cell, a row or a shared string, with or without a namespace prefix.
CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# A zip member may unpack to at most this many times its packed size (deflate reaches about 1,000:1 on
# zeros; real worksheets stay far below 100:1). Small members are not checked: they cannot hurt.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# How many formula cells a refusal names; the rest are counted.
FORMULA_CELLS_NAMED = 5
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and password-protected (encrypted) workbooks
MACRO_MARKERS = ("vbaproject.bin", "xl/macrosheets/", "xl/dialogsheets/", "activex")
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject")


def _damaged():
    return WorkbookError(
        _("The file is not an Excel workbook (.xlsx) or it is damaged. Save it as .xlsx in Excel and try again.")
    )


def _check_archive(archive, max_unpacked, max_rows):
    """Refuse a zip by what its directory declares, before anything is unpacked.

    Python's zipfile never unpacks more than a member's declared size (it stops and fails the CRC check),
    so checking the declared sizes here bounds the work openpyxl can be made to do.
    """
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _damaged()
    unpacked = 0
    for info in members:
        name = info.filename.lower()
        if info.flag_bits & 0x1:
            raise WorkbookError(
                _("The file is password protected. Remove the password in Excel, save as .xlsx and try again.")
            )
        if any(marker in name for marker in MACRO_MARKERS):
            raise _macro_error()
        unpacked += info.file_size
    if unpacked > max_unpacked:
        raise _bomb_error(max_unpacked)
    for info in members:
        if info.file_size > RATIO_CHECKED_FROM_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise WorkbookError(
                _(
                    "The file is packed far more tightly than an Excel workbook ever is, which is how harmful "
                    "files are made. Save it again as .xlsx in Excel and try again."
                )
            )
    try:
        content_types = archive.getinfo("[Content_Types].xml")
    except KeyError:
        raise _damaged() from None
    if content_types.file_size > RATIO_CHECKED_FROM_BYTES:
        raise _damaged()
    if any(marker in archive.read(content_types).lower() for marker in MACRO_CONTENT_TYPES):
        raise _macro_error()
    max_cells = (max_rows + 20) * MAX_CELLS_PER_ROW
    for info in members:
        name = info.filename.lower()
        if name.endswith("sharedstrings.xml") and info.file_size > settings.XLSX_MAX_SHARED_STRINGS_BYTES:
            raise _strings_size_error()
    for info in members:
        name = info.filename.lower()
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            limits = {ROW_TAG: (max_rows + 20, _rows_error), CELL_TAG: (max_cells, _rows_error)}
        elif name.endswith("sharedstrings.xml"):
            limits = {STRING_TAG: (max_cells, _strings_count_error)}
        else:
            limits = {}
        _scan_part(archive, info, limits, max_rows)


# Signatures of XML in an encoding other than UTF-8 without a declaration we could read: UTF-16 and UTF-32 (with or
# without byte order mark) and EBCDIC ("<?xm").
FOREIGN_XML_STARTS = (
    b"\xfe\xff",
    b"\xff\xfe",
    b"\x00\x00\xfe\xff",
    b"\x00\x00\x00<",
    b"<\x00\x00\x00",
    b"\x00<\x00",
    b"<\x00?\x00",
    b"\x4c\x6f\xa7\x94",
)
DTD_MARK = re.compile(rb"<!(?i:doctype|entity)")
STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
# A tag is matched on its first bytes; a piece of the stream ends before its last "<" unless that is further back.
TAG_LOOKAHEAD = 256


def _scan_part(archive, info, limits, max_rows):
    """Stream one member of the zip: refuse a DTD (entity expansion: "billion laughs") or a foreign encoding, and
    count the tags in ``limits`` ({pattern: (limit, error(max_rows))}), refusing as soon as one passes its limit.

    The bytes are scanned, not parsed (a few ms a megabyte): nothing is built, whatever the part holds.
    """
    counts = dict.fromkeys(limits, 0)
    carry = b""
    first = True
    with archive.open(info) as source:
        while True:
            chunk = source.read(READ_CHUNK)
            if first:
                first = False
                _check_encoding(chunk)
            data = carry + chunk
            if not chunk:
                piece, carry = data, b""
            else:
                cut = data.rfind(b"<")
                if cut == -1 or len(data) - cut >= TAG_LOOKAHEAD:
                    piece, carry = data, b""
                else:
                    piece, carry = data[:cut], data[cut:]
            if DTD_MARK.search(piece):
                raise _dtd_error()
            for pattern, (limit, error) in limits.items():
                counts[pattern] += len(pattern.findall(piece))
                if counts[pattern] > limit:
                    raise error(max_rows)
            if not chunk:
                return


def _check_encoding(start):
    if start.startswith(FOREIGN_XML_STARTS):
        raise _damaged()
    declared = XML_DECLARATION_ENCODING.match(start)
    if declared and declared.group(1).decode("ascii", "replace").strip().lower() not in XML_ENCODINGS:
        raise _damaged()


def _rows_error(max_rows):
    return WorkbookError(
        _(
            "A sheet in the file has more than %(limit)s rows or more cells than an import can "
            "hold. At most %(limit)s rows can be imported at once."
        )
        % {"limit": max_rows}
    )


def _strings_count_error(max_rows):
    return WorkbookError(
        _(
            "The file holds more different texts than an import of at most %(limit)s rows can use. Copy only the "
            "rows to import into a new workbook, save it as .xlsx and try again."
        )
        % {"limit": max_rows}
    )


def _strings_size_error(max_rows=None):
    return WorkbookError(
        _(
            "The texts in the file unpack to more than %(limit)s MB, more than an import can hold. Copy only the "
            "rows to import into a new workbook, save it as .xlsx and try again."
        )
        % {"limit": round(settings.XLSX_MAX_SHARED_STRINGS_BYTES / 1024 / 1024)}
    )


def _dtd_error():
    return WorkbookError(
        _(
            "The file contains XML declarations (a DTD) that an Excel workbook never has, which is how harmful "
            "files are made. Save it again as .xlsx in Excel and try again."
        )
    )


def _read_shared_strings(source, max_rows):
    """The shared-string table as a list of texts, like openpyxl's reader (plain and rich text runs joined,
    phonetic runs left out), streamed: each string is dropped from the tree once read, and the count is capped."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    string_tag, text_tag, phonetic_tag = SPREADSHEET_NS + "si", SPREADSHEET_NS + "t", SPREADSHEET_NS + "rPh"
    limit = (max_rows + 20) * MAX_CELLS_PER_ROW
    strings, parts = [], []
    root, phonetic = None, 0
    while True:
        chunk = source.read(READ_CHUNK)
        if chunk:
            parser.feed(chunk)
        else:
            parser.close()
        for event, element in parser.read_events():
            tag = element.tag
            if event == "start":
                if root is None:
                    root = element
                elif tag == phonetic_tag:
                    phonetic += 1
            elif tag == text_tag:
                if not phonetic:
                    parts.append(element.text or "")
            elif tag == phonetic_tag:
                phonetic -= 1
            elif tag == string_tag:
                strings.append("".join(parts).replace("x005F_", ""))
                parts = []
                if len(strings) > limit:
                    raise _strings_count_error(max_rows)
                root.clear()  # the strings read so far are in the list
        if not chunk:
            return strings


class _GuardedReader(ExcelReader):
    """openpyxl's reader, read-only, with the shared strings read by ``_read_shared_strings`` under the limits."""

    def __init__(self, data, max_rows):
        super().__init__(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        self.max_rows = max_rows

    def read_strings(self):
        content_type = self.package.find(SHARED_STRINGS)
        if content_type is None:
            return
        info = self.archive.getinfo(content_type.PartName[1:])
        if info.file_size > settings.XLSX_MAX_SHARED_STRINGS_BYTES:
            raise _strings_size_error()
        with self.archive.open(info) as source:
            self.shared_strings = _read_shared_strings(source, self.max_rows)


def _macro_error():
    return WorkbookError(
        _(
            "The file contains macros (a macro-enabled workbook, .xlsm). Files with macros are not accepted: "
            "save it as an Excel workbook (.xlsx) without macros and try again."
        )
    )


def _bomb_error(max_unpacked):
    return WorkbookError(
        _("The file unpacks to more than %(limit)s MB, which is more than a workbook of this kind can hold.")
        % {"limit": round(max_unpacked / 1024 / 1024)}
    )


def _check_size_and_name(uploaded_file):
    max_bytes = settings.XLSX_MAX_UPLOAD_BYTES
    if uploaded_file is None:
        raise WorkbookError(_("Choose an Excel file (.xlsx) to upload."))
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise WorkbookError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(max_bytes / 1024 / 1024, 1)}
        )
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        raise _macro_error()
    if name and not name.endswith(".xlsx"):
        raise WorkbookError(_("The file must be an Excel workbook (.xlsx). Save it as .xlsx in Excel and try again."))


def check_upload(uploaded_file):
    """The checks of ``open_uploaded_workbook`` that cost nothing: size, name and the first bytes.

    For a view that leaves reading the workbook to a background job (the import): it answers at once for the file
    that is plainly wrong, and reads nothing but a few bytes. Raises WorkbookError.
    """
    _check_size_and_name(uploaded_file)
    start = uploaded_file.read(len(OLE_MAGIC))
    uploaded_file.seek(0)
    if not start:
        raise WorkbookError(_("The file is empty."))
    if start.startswith(OLE_MAGIC):
        raise WorkbookError(
            _(
                "The file is password protected or saved in the old Excel format (.xls). Remove the password, "
                "save it as an Excel workbook (.xlsx) and try again."
            )
        )
    if not start.startswith(b"PK\x03\x04"):
        raise _damaged()


def open_uploaded_workbook(uploaded_file, max_rows=None):
    """Open an uploaded .xlsx read-only after checking size, container, macros, unpacked size and row count.

    Returns an openpyxl workbook (read-only, formulas as formulas so ``read_rows`` can refuse them).
    Raises WorkbookError with a message for the user.
    """
    max_bytes = settings.XLSX_MAX_UPLOAD_BYTES
    max_unpacked = settings.XLSX_MAX_UNPACKED_BYTES
    max_rows = max_rows or settings.XLSX_MAX_ROWS
    _check_size_and_name(uploaded_file)
    data = uploaded_file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise WorkbookError(
            _("The file is too large. The limit is %(limit)s MB.") % {"limit": round(max_bytes / 1024 / 1024, 1)}
        )
    if not data:
        raise WorkbookError(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise WorkbookError(
            _(
                "The file is password protected or saved in the old Excel format (.xls). Remove the password, "
                "save it as an Excel workbook (.xlsx) and try again."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise _damaged() from None
    with archive:
        try:
            _check_archive(archive, max_unpacked, max_rows)
        except WorkbookError:
            raise
        except Exception:  # a crafted directory can fail in many ways; any of them means a bad file
            raise _damaged() from None
    try:
        reader = _GuardedReader(data, max_rows)
        reader.read()
        workbook = reader.wb
    except WorkbookError:
        raise
    except Exception:  # noqa: BLE001 - untrusted input: whatever openpyxl trips on is a damaged file
        raise _damaged() from None
    if not workbook.worksheets:
        raise WorkbookError(_("The workbook has no sheets. Start from the template or an exported file."))
    for worksheet in workbook.worksheets:
        # max_row comes from the sheet's dimension record; a sheet without one is counted in read_rows.
        declared = getattr(worksheet, "max_row", None)
        if declared and declared > max_rows + 20:
            raise WorkbookError(
                _("The sheet “%(sheet)s” has %(rows)s rows. At most %(limit)s rows can be imported at once.")
                % {"sheet": worksheet.title, "rows": declared, "limit": max_rows}
            )
    return workbook


def read_rows(worksheet, max_rows=None):
    """Rows of a worksheet as lists of unescaped values.

    Raises WorkbookError past the row limit (counting as it streams, so a file that hides its size
    stops early) and for formulas: the portal never calculates an uploaded formula nor trusts the value
    Excel cached for it, so a cell with a formula is refused by row and column.
    """
    max_rows = max_rows or settings.XLSX_MAX_ROWS
    declared_columns = getattr(worksheet, "max_column", None)
    max_col = min(declared_columns, MAX_COLUMNS) if declared_columns else MAX_COLUMNS
    rows, formulas = [], []
    try:
        for index, row in enumerate(worksheet.iter_rows(max_col=max_col)):
            if index > max_rows + 20:
                raise WorkbookError(
                    _(
                        "The sheet “%(sheet)s” has more than %(limit)s rows. "
                        "At most %(limit)s rows can be imported at once."
                    )
                    % {"sheet": worksheet.title, "limit": max_rows}
                )
            values = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    formulas.append(cell)
                values.append(unescape_cell(cell.value))
            if not declared_columns:
                # Without a dimension record every row was padded to MAX_COLUMNS: drop the padding.
                while values and values[-1] is None:
                    values.pop()
            rows.append(values)
    except WorkbookError:
        raise
    except Exception:  # noqa: BLE001 - the sheet XML is parsed while streaming; a broken one is a damaged file
        raise _damaged() from None
    if formulas:
        raise WorkbookError(_formula_message(formulas))
    return rows


def _formula_message(cells):
    named = ", ".join(
        _("row %(row)s column %(column)s") % {"row": cell.row, "column": get_column_letter(cell.column)}
        for cell in cells[:FORMULA_CELLS_NAMED]
    )
    message = _(
        "The file has formulas. Formulas in an uploaded file are not calculated and not read: replace each "
        "formula with the value itself (copy, then paste as values) and upload the file again. "
        "Formula in: %(cells)s."
    ) % {"cells": named}
    if len(cells) > FORMULA_CELLS_NAMED:
        message += " " + _("And %(count)s more cells.") % {"count": len(cells) - FORMULA_CELLS_NAMED}
    return message
