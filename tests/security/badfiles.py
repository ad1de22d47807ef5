"""Malformed upload files, built in code so no binary fixture is checked in.

Every generator returns bytes. The ones that change a good workbook take the bytes of one (an
Insatsbasen export or a KIS template) and rewrite parts of its zip container; the big ones stream
their content into the zip so the test process never holds the unpacked data in memory.
"""

import io
import random
import re
import zipfile

from openpyxl import Workbook, load_workbook

SHEET_PATH = "xl/worksheets/sheet1.xml"  # the first sheet of a workbook written by openpyxl
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def workbook_bytes(sheets):
    """A plain workbook from ``{"Sheet title": [[cell, ...], ...]}``; text starting with = becomes a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edit_cells(data, sheet_title, edit):
    """The workbook with ``edit(worksheet)`` applied (openpyxl's normal mode, so ``=…`` becomes a formula)."""
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook[sheet_title] if sheet_title else workbook.worksheets[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite(data, replace=None, add=None, drop=()):
    """Copy a zip, replacing members (``{name: bytes or callable(old bytes)}``), adding and dropping some."""
    replace, add = replace or {}, add or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info)
            if info.filename in replace:
                new = replace[info.filename]
                content = new(content) if callable(new) else new
            target.writestr(info.filename, content)
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def stream_member(data, name, chunks):
    """Copy a zip with member ``name`` replaced by the concatenated ``chunks``, written as they come."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == name:
                continue
            target.writestr(info.filename, source.read(info))
        with target.open(name, "w", force_zip64=True) as member:
            for chunk in chunks:
                member.write(chunk)
    return buffer.getvalue()


# --- Not a workbook at all -----------------------------------------------------------------


def empty():
    return b""


def plain_text():
    return "Det här är en vanlig textfil, ingen Excelfil.\n".encode()


def csv_renamed():
    """What Excel's "Save as CSV" writes, uploaded with an .xlsx name."""
    return "Namn;Kommun;Kapacitet\nSvenska för föräldrar;Huddinge;12\n".encode()


def encrypted_workbook():
    """A password-protected .xlsx is an OLE compound file, not a zip: its signature and an empty header."""
    return OLE_MAGIC + b"\x00" * (4096 - len(OLE_MAGIC))


def truncated(data):
    """The first half of a good workbook, as an upload cut off halfway leaves it."""
    return data[: len(data) // 2]


# --- Containers that are zips but must not be opened ----------------------------------------


def zip_bomb(data, unpacked_mb=200):
    """The good workbook with its first sheet replaced by ``unpacked_mb`` MB of spaces (packs to ~0.1 %)."""
    chunk = b" " * (1024 * 1024)
    return stream_member(data, SHEET_PATH, [SHEET_START] + [chunk] * unpacked_mb)


def macro_workbook(data):
    """The good workbook turned into a macro-enabled one (.xlsm content type and a vbaProject.bin)."""

    def macro_types(content):
        content = content.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        return content.replace(
            b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
        )

    return rewrite(
        data, replace={"[Content_Types].xml": macro_types}, add={"xl/vbaProject.bin": b"Attribute VB_Name\x00" * 64}
    )


def macro_content_type_only(data):
    """Only the content type says macro-enabled (the vbaProject part is named differently)."""
    return rewrite(
        data,
        replace={
            "[Content_Types].xml": lambda content: content.replace(
                b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
            )
        },
    )


def no_sheets(data):
    """A workbook whose workbook part lists no sheets."""
    return rewrite(data, replace={"xl/workbook.xml": lambda content: re.sub(rb"<sheet [^>]*/>", b"", content)})


def broken_sheet_xml(data):
    """A zip whose first sheet is not well-formed XML (parsed only while the rows are read)."""
    return rewrite(data, replace={SHEET_PATH: SHEET_START + b"<sheetData><row><c><v>1</v></row>"})


# --- A million rows -------------------------------------------------------------------------


def million_rows_declared(data, rows=1_000_001):
    """The first sheet declares ``rows`` rows in its dimension record (and holds a few)."""
    body = SHEET_START + f'<dimension ref="A1:F{rows}"/><sheetData>'.encode()
    body += b"".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'.encode() for r in range(1, 4))
    return rewrite(data, replace={SHEET_PATH: body + b"</sheetData></worksheet>"})


def million_rows_streamed(data, rows=1_000_001):
    """The first sheet really holds ``rows`` rows and no dimension record, streamed into the zip.

    Compact rows (``<row><c><v>4711</v></c></row>``, ~30 bytes) with random numbers, so the file
    stays under the upload limit and packs like real data (about 1:15), not like a zip bomb.
    """
    rng = random.Random(9)

    def chunks():
        yield SHEET_START + b"<sheetData>"
        for start in range(0, rows, 10_000):
            count = min(10_000, rows - start)
            yield b"".join(b"<row><c><v>%d</v></c></row>" % rng.randrange(10_000) for _ in range(count))
        yield b"</sheetData></worksheet>"

    return stream_member(data, SHEET_PATH, chunks())


# --- Shared strings and entities ------------------------------------------------------------

SHARED_STRINGS_PATH = "xl/sharedStrings.xml"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _with_shared_strings(data, chunks):
    """The workbook with a shared-string table of the streamed ``chunks`` (content type and relation added when
    the workbook has none, as openpyxl writes a workbook without text)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        has_table = SHARED_STRINGS_PATH in source.namelist()
    data = stream_member(data, SHARED_STRINGS_PATH, chunks)
    if has_table:
        return data
    return rewrite(
        data,
        replace={
            "[Content_Types].xml": lambda content: content.replace(
                b"</Types>",
                f'<Override PartName="/{SHARED_STRINGS_PATH}" ContentType="{SHARED_STRINGS_TYPE}"/></Types>'.encode(),
            ),
            "xl/_rels/workbook.xml.rels": lambda content: content.replace(
                b"</Relationships>",
                f'<Relationship Id="rIdStrings" Type="{SHARED_STRINGS_REL}" Target="sharedStrings.xml"/>'.encode()
                + b"</Relationships>",
            ),
        },
    )


def many_shared_strings(data, count=1_500_000):
    """A shared-string table of ``count`` short distinct strings: 1.5 million pack to ~4 MB and unpack to ~35 MB,
    within the upload, unpacked and ratio limits (what kept openpyxl's reader busy past gunicorn's timeout)."""

    def chunks():
        yield (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
            % (count, count)
        )
        for start in range(0, count, 10_000):
            yield b"".join(b"<si><t>Text %07d</t></si>" % index for index in range(start, min(count, start + 10_000)))
        yield b"</sst>"

    return _with_shared_strings(data, chunks())


LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY l0 "ha">'
    + b"".join(b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10) for n in range(1, 10))
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&l9;</t></si></sst>'
)


def billion_laughs(data):
    """Entities that expand to 10**9 "ha" in the shared-string table (the file stays about a kilobyte larger)."""
    return _with_shared_strings(data, [LAUGHS])


def billion_laughs_in_sheet(data):
    """The same entities in the first sheet's XML."""
    return rewrite(
        data,
        replace={
            SHEET_PATH: LAUGHS.split(b"]>")[0].replace(b"DOCTYPE sst", b"DOCTYPE worksheet")
            + b"]>"
            + SHEET_START.split(b"\n", 1)[1]
            + b'<sheetData><row><c t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'
        },
    )


def utf16_sheet(data):
    """The first sheet re-encoded as UTF-16 (which could hide a DTD from a byte scan)."""
    return rewrite(
        data,
        replace={
            SHEET_PATH: lambda content: (
                content.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
            )
        },
    )
