"""Every import refuses every malformed file with a clear Swedish message and saves nothing.

The two imports are the Insatsbasen import (a dry-run job, then an all-or-nothing commit job) and the KIS
report's Excel upload. Each gets the same set of bad files (see badfiles.py); for each the test
checks the page text in Swedish, the status (a re-rendered page, never a 500) and that the tables the
import writes have exactly the rows they had before.

Formulas: an uploaded cell with a formula is refused by row and column, never calculated, and the
value Excel cached for it is not used either (README, "Import").
"""

import functools
import html
import io
import re
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from insatsbasen import columns, services
from insatsbasen.exports import build_insatser
from insatsbasen.models import Category, Insats, InsatsChange, Place
from intro_sodertorn.models import ExportJob
from intro_sodertorn.xlsx import WorkbookError, XlsxWriter, open_uploaded_workbook, read_rows
from statistik.models import Report, ReportEvent, Value
from tests.insatsbasen.conftest import ensure_taxonomy
from tests.statistik.conftest import ensure_catalogue

from . import badfiles

pytestmark = pytest.mark.django_db

NOT_EXCEL = "inte en Excelarbetsbok"
FORMULA = "Filen innehåller formler"
MACROS = "innehåller makron"
ROWS = "5000 rader"


def page_text(response):
    """The visible text of a page (tags dropped, entities decoded) to look for a message in."""
    content = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content)))


# --- The heavy files are built once per test run --------------------------------------------


@functools.cache
def generic_workbook():
    return badfiles.workbook_bytes({"Rapport": [["Kod", "Värde"], ["MOT_TOT", 1]]})


@functools.cache
def zip_bomb():
    return badfiles.zip_bomb(generic_workbook(), unpacked_mb=200)


@functools.cache
def dense_zip_bomb():
    """20 MB of spaces: under the unpacked limit, but packed a thousand to one."""
    return badfiles.zip_bomb(generic_workbook(), unpacked_mb=20)


@functools.cache
def million_rows_streamed():
    return badfiles.million_rows_streamed(generic_workbook())


@functools.cache
def many_shared_strings():
    """1.5 million shared strings: 4 MB packed, 35 MB unpacked, ratio 9 (within every older limit)."""
    return badfiles.many_shared_strings(generic_workbook())


@functools.cache
def shared_strings_past_the_count():
    """300,000 shared strings: 7 MB unpacked, under the strings part's size limit, over the count."""
    return badfiles.many_shared_strings(generic_workbook(), 300_000)


# Files that are broken whatever import they go to: (builder from a good file of that import, message).
CONTAINER_CASES = {
    "empty file": (lambda good: badfiles.empty(), "är tom"),
    "plain text": (lambda good: badfiles.plain_text(), NOT_EXCEL),
    "CSV renamed .xlsx": (lambda good: badfiles.csv_renamed(), NOT_EXCEL),
    "truncated zip": (badfiles.truncated, NOT_EXCEL),
    "password-protected (OLE container)": (lambda good: badfiles.encrypted_workbook(), "lösenordsskyddad"),
    "zip bomb, 200 MB unpacked": (lambda good: zip_bomb(), "packas upp till mer än 50 MB"),
    "zip bomb, packed 1000:1": (lambda good: dense_zip_bomb(), "packad mycket tätare än en Excelarbetsbok"),
    "macro workbook renamed .xlsx": (badfiles.macro_workbook, MACROS),
    "macro content type only": (badfiles.macro_content_type_only, MACROS),
    "no sheets": (badfiles.no_sheets, "inga blad"),
    "broken sheet XML": (badfiles.broken_sheet_xml, NOT_EXCEL),
    "a million rows declared": (badfiles.million_rows_declared, ROWS),
    "a million rows, no dimension": (lambda good: million_rows_streamed(), ROWS),
    "1.5 million shared strings (35 MB)": (lambda good: many_shared_strings(), "Texterna i filen packas upp till mer"),
    "300,000 shared strings": (lambda good: shared_strings_past_the_count(), "fler olika texter än en import"),
    "billion laughs in the shared strings": (badfiles.billion_laughs, "en DTD"),
    "billion laughs in a sheet": (badfiles.billion_laughs_in_sheet, "en DTD"),
    "a sheet in UTF-16": (badfiles.utf16_sheet, NOT_EXCEL),
}


# --- Insatsbasen ----------------------------------------------------------------------------


@pytest.fixture
def insats_file(cast, municipalities):
    """An export of Huddinge's one insats: a good file the bad ones are made from."""
    ensure_taxonomy()
    insats = Insats.objects.create(
        name="Svenska för föräldrar",
        short_description="Kort om kursen",
        category=Category.objects.get(slug="sfi"),
        owner_municipality=municipalities["Huddinge"],
        status=Insats.Status.PUBLISHED,
        last_verified_at=timezone.now(),
        capacity=12,
        # What the publishing gate asks of a published insats, so only the bad cell makes a row wrong.
        languages=["sv"],
        function_email="sfi@exempel.se",
        how_to_apply="Anmäl dig på skolan.",
    )
    services.insats_refresh_derived(insats)
    Place.objects.create(insats=insats, name="Medborgarhuset", street_address="Storgatan 1", city="Huddinge")
    job = ExportJob.objects.create(user=cast["admin-huddinge"], kind="insatsbasen.insatser", title="t", params={})
    writer = XlsxWriter()
    build_insatser(job, writer, lambda done, total: None)
    return writer.to_bytes()


def insats_tables():
    return {
        "insatser": sorted(Insats.objects.values_list("pk", "version", "name", "capacity")),
        "places": Place.objects.count(),
        "history": InsatsChange.objects.count(),
    }


def import_insats(client, municipality_pk, data, name="insatser.xlsx"):
    """Upload (the check job runs as the upload's commit queues it, Celery inline), then try to confirm the job it
    made; returns the page the upload led to (the form again, or the job's page with its dry run or its error) and
    the page after the confirmation (None when the upload made no job)."""
    from django.test import TestCase

    from insatsbasen.models import ImportJob

    with TestCase.captureOnCommitCallbacks(execute=True):
        upload = client.post(
            reverse("insatsbasen:import"), {"municipality": municipality_pk, "file": SimpleUploadedFile(name, data)}
        )
    if upload.status_code != 302:
        return upload, None
    page = client.get(upload["Location"])
    job = ImportJob.objects.order_by("-created_at").first()
    with TestCase.captureOnCommitCallbacks(execute=True):
        commit = client.post(reverse("insatsbasen:import_commit", args=[job.pk]))
    return page, client.get(commit["Location"])


NOT_CONFIRMABLE = "Den här importen väntar inte på att bekräftas."


def edit_insats_row(data, **cells):
    """The file with cells of the first data row changed, by column key (``capacity=-5``)."""
    keys = [key for key, _label, _kind in columns.COLUMNS]

    def edit(sheet):
        header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Id")
        for key, value in cells.items():
            sheet.cell(header_row + 1, keys.index(key) + 1).value = value

    return badfiles.edit_cells(data, None, edit)


def edit_insats_header(data, column, text):
    def edit(sheet):
        header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Id")
        sheet.cell(header_row, column).value = text

    return badfiles.edit_cells(data, None, edit)


INSATS_ROW_CASES = {
    "text in a count cell": ({"capacity": "tolv"}, "Kapacitet (platser): Fyll i ett heltal"),
    "negative count": ({"capacity": -5}, "Kapacitet (platser): Kontrollera att detta värde är större än"),
    "decimal count": ({"capacity": 2.5}, "Kapacitet (platser): Fyll i ett heltal"),
    "huge count": ({"capacity": "99999999999999999999"}, "Kapacitet (platser): Kontrollera att detta värde är mindre"),
    "negative age": ({"age_min": -1}, "Kontrollera att detta värde är större än"),
    "a date that does not exist": ({"start_date": "2026-02-30"}, "Fyll i ett giltigt datum"),
    "unknown municipality": ({"owner_municipality": "Atlantis"}, "”Atlantis” är okänt (Ägande kommun)"),
    "unknown category": ({"category": "Trolleri"}, "”Trolleri” är okänt (Kategori)"),
}

INSATS_FORMULA_CASES = {
    "a sum": "=1+1",
    "a hyperlink": '=HYPERLINK("http://exempel.invalid/?q="&A1,"Klicka")',
    "a DDE command": "=cmd|' /C calc'!A0",
}


def test_the_untouched_export_imports_cleanly_so_each_bad_case_fails_for_its_own_fault(
    client_as, insats_file, municipalities
):
    upload, _commit = import_insats(client_as("admin-huddinge"), municipalities["Huddinge"].pk, insats_file)
    assert upload.status_code == 200
    assert [row.action for row in upload.context["result"].rows] == ["unchanged"]


@pytest.mark.parametrize("case", CONTAINER_CASES, ids=list(CONTAINER_CASES))
def test_the_insats_import_refuses_a_broken_file_and_saves_nothing(client_as, insats_file, municipalities, case):
    build, message = CONTAINER_CASES[case]
    before = insats_tables()
    upload, commit = import_insats(client_as("admin-huddinge"), municipalities["Huddinge"].pk, build(insats_file))
    assert upload.status_code == 200
    assert message in page_text(upload)
    # Refused in the request (the form again, to pick another file) or by the check job (its page says so).
    assert "Excelfil (.xlsx)" in page_text(upload) or "Ingenting importerades." in page_text(upload)
    assert commit is None or NOT_CONFIRMABLE in page_text(commit)
    assert insats_tables() == before


@pytest.mark.parametrize("name", ["insatser.xlsm", "insatser.csv", "insatser.xls"])
def test_the_insats_import_refuses_other_file_types_by_name(client_as, insats_file, municipalities, name):
    before = insats_tables()
    upload, _commit = import_insats(client_as("admin-huddinge"), municipalities["Huddinge"].pk, insats_file, name)
    assert upload.status_code == 200
    assert "makron" in page_text(upload) if name.endswith(".xlsm") else ".xlsx" in page_text(upload)
    assert insats_tables() == before


@pytest.mark.parametrize("case", INSATS_ROW_CASES, ids=list(INSATS_ROW_CASES))
def test_the_insats_import_refuses_a_bad_cell_by_row_and_the_commit_saves_nothing(
    client_as, insats_file, municipalities, case
):
    cells, message = INSATS_ROW_CASES[case]
    before = insats_tables()
    upload, commit = import_insats(
        client_as("admin-huddinge"), municipalities["Huddinge"].pk, edit_insats_row(insats_file, **cells)
    )
    assert upload.status_code == 200
    text = page_text(upload)
    assert "1 rad har fel" in text and message in text
    # The preview offers no commit; forcing one anyway is refused.
    assert "Importera nu" not in text
    assert NOT_CONFIRMABLE in page_text(commit)
    assert insats_tables() == before


@pytest.mark.parametrize("formula", INSATS_FORMULA_CASES.values(), ids=list(INSATS_FORMULA_CASES))
def test_the_insats_import_refuses_formulas_naming_row_and_column(client_as, insats_file, municipalities, formula):
    before = insats_tables()
    data = edit_insats_row(insats_file, name=formula, description=formula)
    upload, commit = import_insats(client_as("admin-huddinge"), municipalities["Huddinge"].pk, data)
    text = page_text(upload)
    assert upload.status_code == 200
    header_row = next(i for i, row in enumerate(load_workbook(io.BytesIO(data)).active.values, 1) if row[0] == "Id")
    assert FORMULA in text and f"rad {header_row + 1} kolumn B, rad {header_row + 1} kolumn D" in text
    assert insats_tables() == before


def test_formula_like_text_that_is_not_a_formula_is_taken_as_text(client_as, insats_file, municipalities):
    """Text a person typed that starts with = (an export escapes it) is literal text, not a formula."""
    data = edit_insats_row(insats_file, description="'=1+1 är inte en formel")
    upload, _commit = import_insats(client_as("admin-huddinge"), municipalities["Huddinge"].pk, data)
    assert [row.action for row in upload.context["result"].rows] == ["update"]


def test_the_insats_import_refuses_wrong_headers(client_as, insats_file, municipalities):
    before = insats_tables()
    client = client_as("admin-huddinge")
    upload, _commit = import_insats(
        client, municipalities["Huddinge"].pk, edit_insats_header(insats_file, 3, "Beskrivning")
    )
    assert "Kolumnerna stämmer inte med exportens upplägg" in page_text(upload)
    other = badfiles.workbook_bytes({"Blad1": [["Titel", "Ort", "Antal"], ["Kurs", "Huddinge", 3]]})
    upload, _commit = import_insats(client, municipalities["Huddinge"].pk, other)
    assert "Ingen rubrikrad hittades" in page_text(upload)
    assert insats_tables() == before


@pytest.mark.parametrize("municipality", ["999999", "-1", "abc", "99999999999999999999999"])
def test_the_insats_import_refuses_an_unknown_municipality_in_the_form(
    client_as, insats_file, municipalities, municipality
):
    before = insats_tables()
    upload, _commit = import_insats(client_as("admin-huddinge"), municipality, insats_file)
    assert upload.status_code == 200
    assert "Välj ett giltigt alternativ" in page_text(upload)
    assert insats_tables() == before


# --- KIS statistics upload ------------------------------------------------------------------


@pytest.fixture
def kis_report(cast, municipalities):
    from statistik.models import Period

    catalogue = ensure_catalogue()
    period = Period.objects.create(year=2012, deadline=timezone.localdate().replace(year=2030))
    return Report.objects.create(municipality=municipalities["Botkyrka"], period=period, version=catalogue)


@pytest.fixture
def kis_file(client_as, kis_report):
    response = client_as("rapportor-botkyrka").get(reverse("statistik:report_template", args=[kis_report.pk]))
    assert response.status_code == 200
    return response.content


def kis_tables():
    return {
        "reports": sorted(Report.objects.values_list("pk", "status")),
        "values": sorted(Value.objects.values_list("report_id", "indicator_id", "key", "value")),
        "events": ReportEvent.objects.count(),
    }


def upload_kis(client, report, data, name="mall.xlsx"):
    return client.post(
        reverse("statistik:report_upload", args=[report.pk]), {"file": SimpleUploadedFile(name, data)}, follow=True
    )


def edit_kis_value(data, value, code="MOT_TOT", key="T"):
    """The template with one figure (column E) set, and the row it is on."""
    found = {}

    def edit(sheet):
        row = next(row for row in sheet.iter_rows() if row[0].value == code and row[3].value == key)
        row[4].value = value
        found["row"] = row[4].row

    return badfiles.edit_cells(data, "Rapport", edit), found["row"]


def test_the_untouched_template_uploads_cleanly_so_each_bad_case_fails_for_its_own_fault(
    client_as, kis_report, kis_file
):
    response = upload_kis(client_as("rapportor-botkyrka"), kis_report, edit_kis_value(kis_file, 7, "BES_SO")[0])
    assert response.status_code == 200 and "Filen är inläst: 1 uppgifter ändrades" in page_text(response)


@pytest.mark.parametrize("case", CONTAINER_CASES, ids=list(CONTAINER_CASES))
def test_the_kis_upload_refuses_a_broken_file_and_saves_nothing(client_as, kis_report, kis_file, case):
    build, message = CONTAINER_CASES[case]
    before = kis_tables()
    response = upload_kis(client_as("rapportor-botkyrka"), kis_report, build(kis_file))
    assert response.status_code == 400
    text = page_text(response)
    assert message in text and "Ingenting sparades från filen" in text
    assert kis_tables() == before


@pytest.mark.parametrize(
    "value, message",
    [
        ("tre", "Skriv ett tal"),
        (-3, "Talet får inte vara negativt"),
        (2.5, "Skriv ett heltal"),
        (float("1e300"), "Talet är för stort"),
        ("NaN", "Skriv ett tal"),
        ("=1+1", FORMULA),
        ('=HYPERLINK("http://exempel.invalid","Klicka")', FORMULA),
        ("=cmd|' /C calc'!A0", FORMULA),
    ],
    ids=["text", "negative", "decimal", "huge", "NaN", "sum formula", "hyperlink formula", "DDE formula"],
)
def test_the_kis_upload_refuses_a_bad_count_cell_naming_the_cell(client_as, kis_report, kis_file, value, message):
    before = kis_tables()
    data, row = edit_kis_value(kis_file, value)
    response = upload_kis(client_as("rapportor-botkyrka"), kis_report, data)
    assert response.status_code == 400
    text = page_text(response)
    assert message in text
    assert f"rad {row} kolumn E" in text if message == FORMULA else f"Cell E{row}" in text
    assert kis_tables() == before


def test_the_kis_upload_refuses_wrong_headers_and_the_wrong_sheet(client_as, kis_report, kis_file):
    before = kis_tables()
    client = client_as("rapportor-botkyrka")

    def rename_header(sheet):
        row = next(row for row in sheet.iter_rows() if row[0].value == "Kod")
        row[4].value = "Antal"

    response = upload_kis(client, kis_report, badfiles.edit_cells(kis_file, "Rapport", rename_header))
    assert response.status_code == 400 and "saknar rubrikrad" in page_text(response)

    def rename_sheet(sheet):
        sheet.title = "Blad1"

    response = upload_kis(client, kis_report, badfiles.edit_cells(kis_file, "Rapport", rename_sheet))
    assert response.status_code == 400 and "inget blad som heter ”Rapport”" in page_text(response)
    assert kis_tables() == before


@pytest.mark.parametrize(
    "title", ["KIS-rapport: Atlantis, 2012 H1", "KIS-rapport: Botkyrka, 1999 H2", "KIS report: Huddinge, 2012 H1"]
)
def test_the_kis_upload_refuses_the_template_of_an_unknown_municipality_or_period(
    client_as, kis_report, kis_file, title
):
    before = kis_tables()

    def retitle(sheet):
        sheet["A1"].value = title

    data = badfiles.edit_cells(kis_file, "Rapport", retitle)
    response = upload_kis(client_as("rapportor-botkyrka"), kis_report, data)
    assert response.status_code == 400
    assert f"Filen är mallen för en annan rapport (”{title}”)" in page_text(response)
    assert kis_tables() == before


def test_the_kis_upload_to_a_closed_period_is_refused(client_as, kis_report, kis_file):
    kis_report.period.status = "closed"
    kis_report.period.save()
    before = kis_tables()
    response = upload_kis(client_as("rapportor-botkyrka"), kis_report, edit_kis_value(kis_file, 7, "BES_SO")[0])
    assert response.status_code == 200 and "Rapporten kan inte ändras nu" in page_text(response)
    assert kis_tables() == before


def test_the_kis_upload_without_a_file_asks_for_one(client_as, kis_report):
    response = client_as("rapportor-botkyrka").post(reverse("statistik:report_upload", args=[kis_report.pk]))
    assert response.status_code == 400 and "Välj en Excelfil (.xlsx)" in page_text(response)


# --- The reader itself: big files are refused early and with little memory -------------------


@pytest.mark.parametrize(
    "build",
    [
        zip_bomb,
        dense_zip_bomb,
        million_rows_streamed,
        lambda: badfiles.million_rows_declared(generic_workbook()),
        many_shared_strings,
        shared_strings_past_the_count,
        lambda: badfiles.billion_laughs(generic_workbook()),
    ],
    ids=[
        "zip bomb",
        "dense zip bomb",
        "a million rows streamed",
        "a million rows declared",
        "1.5 million shared strings",
        "300,000 shared strings",
        "billion laughs",
    ],
)
def test_big_files_are_refused_before_they_are_unpacked_with_little_memory(build):
    data = build()
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookError):
            workbook = open_uploaded_workbook(SimpleUploadedFile("stor.xlsx", data))
            read_rows(workbook.worksheets[0])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The refused files unpack to 20-200 MB; reading them to the limit would cost far more than this.
    assert peak < 8 * 1024 * 1024, peak


def test_a_billion_laughs_is_refused_before_any_xml_is_parsed():
    """The entities would be expanded by the XML parser; the byte scan refuses the DTD first (in ~1 ms, a few
    hundred kB; openpyxl alone spends 0.1-4 s and up to 150 MB before its parser gives up)."""
    for build in (badfiles.billion_laughs, badfiles.billion_laughs_in_sheet):
        data = build(generic_workbook())
        assert len(data) < 8 * 1024
        tracemalloc.start()
        try:
            with pytest.raises(WorkbookError, match="DTD"):
                open_uploaded_workbook(SimpleUploadedFile("skratt.xlsx", data))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 2 * 1024 * 1024, peak


def test_shared_strings_are_read_as_openpyxl_reads_them():
    """The portal's own streaming reader gives the texts openpyxl's would: plain, rich text runs joined, phonetic
    runs left out, kept spaces, an empty string and Excel's escaped underscore."""
    from openpyxl.reader.strings import read_string_table

    from intro_sodertorn.xlsx import _read_shared_strings

    table = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">'
        b"<si><t>Huddinge</t></si>"
        b'<si><r><rPr><b/></rPr><t>Fet</t></r><r><t xml:space="preserve"> och vanlig</t></r></si>'
        b'<si><t>Tokyo</t><rPh sb="0" eb="1"><t>TOUKYOU</t></rPh></si>'
        b'<si><t xml:space="preserve">  mellanslag  </t></si>'
        b"<si><t/></si>"
        b"<si><t>a_x005F_x000D_b \xc3\xa5\xc3\xa4\xc3\xb6</t></si>"
        b"</sst>"
    )
    ours = _read_shared_strings(io.BytesIO(table), max_rows=10)
    assert ours == read_string_table(io.BytesIO(table))
    assert ours[:3] == ["Huddinge", "Fet och vanlig", "Tokyo"]


def test_an_honest_workbook_with_many_texts_still_reads():
    """A sheet of 5,000 rows of distinct texts (the row limit) is read, texts and all."""
    rows = [["Namn", "Beskrivning"]] + [[f"Insats {n}", f"Beskrivning nummer {n}"] for n in range(5000)]
    workbook = open_uploaded_workbook(SimpleUploadedFile("lista.xlsx", badfiles.workbook_bytes({"Lista": rows})))
    assert read_rows(workbook.worksheets[0]) == rows
