"""The insats workbook says what the user reads on screen, is laid out like a list people filter in Excel, and
imports back unchanged; the import's dry run says what each row changes and flags probable duplicates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from insatsbasen import columns, demo, imports
from insatsbasen.models import Insats, Place
from intro_sodertorn.exports import ExportJob
from intro_sodertorn.xlsx import XlsxWriter
from natverk.models import Organisation

from .conftest import ensure_taxonomy

CODES = {"published", "draft", "continuous", "fixed", "ideell", "esf", "kommun", "af", "sfi", "arbetsforberedande"}


def export_workbook(user, params=None):
    from insatsbasen.exports import build_insatser

    job = ExportJob.objects.create(user=user, kind="insatsbasen.insatser", title="t", params=params or {})
    writer = XlsxWriter()
    build_insatser(job, writer, lambda done, total: None)
    return load_workbook(io.BytesIO(writer.to_bytes()))


def header_row(sheet):
    return next(index for index, row in enumerate(sheet.iter_rows(values_only=True), start=1) if row[0] == "Id")


def rows_by_name(sheet):
    """The data rows as {name: {column key: cell value}}."""
    start = header_row(sheet)
    keys = [key for key, _label, _kind in columns.COLUMNS]
    rows = {}
    for values in sheet.iter_rows(min_row=start + 1, values_only=True):
        row = dict(zip(keys, values, strict=False))
        rows[row["name"]] = row
    return rows


def set_cell(sheet, name, key, value):
    start = header_row(sheet)
    column = [k for k, _label, _kind in columns.COLUMNS].index(key) + 1
    for row in range(start + 1, sheet.max_row + 1):
        if sheet.cell(row, 2).value == name:
            sheet.cell(row, column).value = value
            return
    raise AssertionError(name)


def append_row(sheet, **cells):
    sheet.append([cells.get(key, "") for key, _label, _kind in columns.COLUMNS])


def upload(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("insatser.xlsx", buffer.getvalue())


def checked_page(client, municipality, workbook):
    """Upload the workbook and return the import job's page after its check (the job run inline, as the upload's
    commit queues it)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/insatser/importera/",
            {"municipality": municipality.pk, "file": upload(workbook)},
            HTTP_ACCEPT_LANGUAGE="sv",
        )
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="sv")


@pytest.fixture
def course(make_insats, municipalities, taxonomy):
    provider = Organisation.objects.create(name="Föreningen Exempel", kind=Organisation.Kind.NON_PROFIT)
    insats = make_insats(
        "Svenska i vardagen",
        languages=["sv", "ar"],
        funding=["kommun", "esf"],
        provider=provider,
        provider_type=Insats.ProviderType.NON_PROFIT,
        plan_part=Insats.PlanPart.WORK,
        intake=Insats.Intake.CONTINUOUS,
        capacity=25,
        how_to_apply="Ring oss.",
        is_remote=False,
        target_groups=[taxonomy["groups"]["unga"]],
    )
    Place.objects.create(
        insats=insats, name="Biblioteket", street_address="Storgatan 1", postal_code="141 30", city="Huddinge"
    )
    return insats


def test_the_export_writes_the_labels_the_user_reads_and_the_places(cast, course):
    sheet = export_workbook(cast["admin-huddinge"]).active
    row = rows_by_name(sheet)["Svenska i vardagen"]
    assert row["status"] == "Publicerad"
    assert row["intake"] == "Löpande intag"
    assert row["provider_type"] == "Ideell organisation"
    assert row["plan_part"] == "Arbetsförberedande insatser"
    assert row["funding"] == "Kommun; ESF"
    assert row["languages"] == "svenska; arabiska"
    assert row["places"] == "Biblioteket, Storgatan 1, 141 30 Huddinge"
    assert row["is_remote"] == "nej"
    assert not CODES & {str(value) for value in row.values()}
    header = [cell.value for cell in sheet[header_row(sheet)]]
    assert "Status" in header and not [label for label in header if "kod" in label.lower()]


def test_the_sheet_has_a_frozen_header_an_autofilter_and_widths_that_fit(cast, course, make_insats):
    for number in range(60):  # more rows than the writer measures, so the layout is set while streaming
        make_insats(f"Kurs nummer {number}", description="En lång beskrivning. " * 10)
    sheet = export_workbook(cast["admin-huddinge"]).active
    start = header_row(sheet)
    assert start > 1  # below the line saying when it was exported
    assert sheet.freeze_panes == f"A{start + 1}"
    last = sheet.cell(start, len(columns.COLUMNS)).column_letter
    assert sheet.auto_filter.ref == f"A{start}:{last}{sheet.max_row}"
    assert sheet.max_row == start + 61
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    assert widths["A"] <= 10  # the id
    assert widths["B"] == len("Kurs nummer 10") + 2  # the longest name of the rows measured (sorted by name)
    assert widths["D"] == 50  # a long description is capped, not a screen wide
    assert all(sheet.cell(start, column).font.bold for column in range(1, 5))


def test_the_demo_catalogue_exported_with_labels_imports_back_without_any_change(cast, municipalities):
    ensure_taxonomy()
    demo.load()
    huddinge = municipalities["Huddinge"]
    workbook = export_workbook(cast["admin-huddinge"], {"municipality": str(huddinge.pk)})
    count = len(rows_by_name(workbook.active))
    assert count >= 10
    result = imports.import_check(upload(workbook), huddinge, cast["admin-huddinge"])
    assert not result.file_error
    assert [(row.name, row.errors) for row in result.rows if row.errors] == []
    assert [(row.name, row.changes) for row in result.rows if row.action != "unchanged"] == []
    assert len(result.rows) == count and not result.warned


def test_codes_and_english_labels_are_read_too(cast, course, municipalities):
    workbook = export_workbook(cast["admin-huddinge"])
    sheet = workbook.active
    for key, value in [
        ("status", "published"),
        ("intake", "Continuous intake"),
        ("provider_type", "ideell"),
        ("funding", "kommun; esf"),
        ("languages", "sv; Arabic"),
        ("plan_part", "arbetsforberedande"),
    ]:
        set_cell(sheet, "Svenska i vardagen", key, value)
    result = imports.import_check(upload(workbook), municipalities["Huddinge"], cast["admin-huddinge"])
    assert [(row.action, row.errors) for row in result.rows] == [("unchanged", [])]


def test_the_dry_run_lists_each_changed_field_old_and_new(cast, course, municipalities):
    workbook = export_workbook(cast["admin-huddinge"])
    sheet = workbook.active
    set_cell(sheet, "Svenska i vardagen", "capacity", 40)
    set_cell(sheet, "Svenska i vardagen", "intake", "Fasta datum")
    set_cell(sheet, "Svenska i vardagen", "intake_dates", "Januari")
    set_cell(sheet, "Svenska i vardagen", "languages", "svenska")
    result = imports.import_check(upload(workbook), municipalities["Huddinge"], cast["admin-huddinge"])
    (row,) = result.rows
    assert row.action == "update" and row.errors == []
    assert row.changes == [
        ("Språk", "svenska; arabiska", "svenska"),
        ("Intag", "Löpande intag", "Fasta datum"),
        ("Intagsdatum", "", "Januari"),
        ("Kapacitet (platser)", "25", "40"),
    ]


def test_the_preview_page_shows_the_changes_and_a_wrong_label_is_named(cast, course, municipalities, client_as):
    workbook = export_workbook(cast["admin-huddinge"])
    set_cell(workbook.active, "Svenska i vardagen", "capacity", 40)
    page = checked_page(client_as("admin-huddinge"), municipalities["Huddinge"], workbook).content.decode()
    assert "Kapacitet (platser)" in page and "25</del>" in page and "40</ins>" in page

    set_cell(workbook.active, "Svenska i vardagen", "status", "Pågår")
    result = imports.import_check(upload(workbook), municipalities["Huddinge"], cast["admin-huddinge"])
    assert "”Pågår” är okänt (Status)." in result.rows[0].errors


def test_a_new_row_named_like_an_existing_insats_is_flagged_as_a_probable_duplicate(
    cast, course, make_insats, municipalities, client_as
):
    make_insats("Svenska i vardagen", municipality="Botkyrka")  # another municipality's: not a duplicate
    cafe = make_insats("Språkcafé Skogås", status=Insats.Status.DRAFT)
    workbook = export_workbook(cast["admin-huddinge"], {"municipality": str(municipalities["Huddinge"].pk)})
    sheet = workbook.active
    new = {"short_description": "Kort", "category": "SFI", "owner_municipality": "Huddinge", "status": "Utkast"}
    append_row(sheet, name="SVENSKA  I VARDAGEN ", **new)
    append_row(sheet, name="Helt ny kurs", **new)
    append_row(sheet, name="Helt ny kurs", **new)
    append_row(sheet, name="SPRÅKCAFÉ SKOGÅS", **new)  # beyond ASCII, which SQLite would not fold
    result = imports.import_check(upload(workbook), municipalities["Huddinge"], cast["admin-huddinge"])
    assert [(row.action, row.errors) for row in result.rows[-4:]] == [("create", [])] * 4
    first, second, third, fourth = result.rows[-4:]
    assert len(first.warnings) == 1 and f"id {course.pk}, Publicerad" in first.warnings[0]
    assert second.warnings == []
    assert third.warnings == [f"Troligen en dubblett av rad {second.number} i filen, som har samma namn."]
    assert len(fourth.warnings) == 1 and f"id {cafe.pk}, Utkast" in fourth.warnings[0]
    assert len(result.warned) == 3

    # A warning asks for a look, it does not stop the import.
    from django.test import TestCase

    client = client_as("admin-huddinge")
    response = checked_page(client, municipalities["Huddinge"], workbook)
    assert response.content.decode().count("Trolig dubblett</span>") == 3
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(response.request["PATH_INFO"] + "genomfor/")
    assert Insats.objects.filter(owner_municipality=municipalities["Huddinge"]).count() == 6
