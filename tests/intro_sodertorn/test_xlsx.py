"""The shared Excel writer escapes formulas; the reader refuses bad files with a Swedish message."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from intro_sodertorn.xlsx import (
    WorkbookError,
    XlsxWriter,
    escape_cell,
    open_uploaded_workbook,
    read_rows,
    unescape_cell,
)


@pytest.mark.parametrize("text", ["=1+1", "+46 8 123", "-5", "@SUM(A1)", "\tflik", "\rretur", "'citat"])
def test_text_that_could_be_a_formula_is_escaped_and_comes_back_unchanged(text):
    escaped = escape_cell(text)
    assert escaped == "'" + text
    assert unescape_cell(escaped) == text


@pytest.mark.parametrize("value", ["Kurs i svenska", "", 5, -5, 3.5, None])
def test_ordinary_values_are_left_alone(value):
    assert escape_cell(value) == value
    assert unescape_cell(value) == value


def _upload(data, name="fil.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_written_workbook_reads_back_unescaped(settings):
    writer = XlsxWriter()
    sheet = writer.add_sheet("Blad", header=["Namn", "Värde"])
    sheet.append(["=SUM(A1:A2)", -3])
    sheet.append(["vanlig text", 7])
    workbook = open_uploaded_workbook(_upload(writer.to_bytes()))
    rows = read_rows(workbook["Blad"])
    assert rows == [["Namn", "Värde"], ["=SUM(A1:A2)", -3], ["vanlig text", 7]]
    # In the file itself the cell is text, not a formula.
    raw = load_workbook(io.BytesIO(writer.to_bytes()))["Blad"]["A2"]
    assert raw.data_type == "s"


def _message(callable_):
    with translation.override("sv"), pytest.raises(WorkbookError) as error:
        callable_()
    return str(error.value)


def test_a_file_that_is_not_a_workbook_gets_a_clear_swedish_message():
    message = _message(lambda: open_uploaded_workbook(_upload(b"namn;kommun\nkurs;Huddinge\n")))
    assert "inte en Excelarbetsbok" in message


def test_a_file_with_the_wrong_extension_is_refused():
    assert ".xlsx" in _message(lambda: open_uploaded_workbook(_upload(b"x", name="lista.csv")))


def test_an_empty_file_is_refused():
    assert "tom" in _message(lambda: open_uploaded_workbook(_upload(b"")))


def test_a_too_large_file_is_refused(settings):
    settings.XLSX_MAX_UPLOAD_BYTES = 10
    assert "för stor" in _message(lambda: open_uploaded_workbook(_upload(b"x" * 11)))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (5 * 1024 * 1024))
    assert "packas upp" in _message(lambda: open_uploaded_workbook(_upload(buffer.getvalue())))


def test_too_many_rows_are_refused(settings):
    settings.XLSX_MAX_ROWS = 10
    writer = XlsxWriter()
    sheet = writer.add_sheet("Blad")
    for index in range(100):
        sheet.append([index])
    message = _message(lambda: read_rows(open_uploaded_workbook(_upload(writer.to_bytes()))["Blad"]))
    assert "rader" in message


def test_text_that_looks_like_an_error_value_or_spans_lines_is_written_as_text(settings):
    writer = XlsxWriter()
    sheet = writer.add_sheet("Blad")
    sheet.append(["#N/A", "rad ett\nrad två", 4, "text"])
    sheet.append(["Rubrik"], bold=True)
    rows = load_workbook(io.BytesIO(writer.to_bytes()))["Blad"]
    assert [cell.data_type for cell in rows[1]] == ["s", "s", "n", "s"]
    assert [cell.value for cell in rows[1]] == ["#N/A", "rad ett\nrad två", 4, "text"]
    assert rows["B1"].alignment.wrap_text
    assert rows["A2"].font.bold
