"""The Excel template: download filled, upload validated like the form, all or nothing, round trip."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from statistik.models import ReportEvent, Value

pytestmark = pytest.mark.django_db

FIGURES = {
    ("MOT_TOT", "K"): 120,
    ("MOT_TOT", "M"): 140,
    ("MOT_TOT", "T"): 260,
    ("BES_TOT", "T"): 500,
    ("BES_SFI", "T"): 300,
    ("AVS_MAN", "T"): "17.5",
    ("EKO_FB", "T"): 12500000,
}


@pytest.fixture
def report(make_report, municipalities, period):
    return make_report(municipalities["Botkyrka"], period, values=FIGURES)


def _download(client, report):
    response = client.get(reverse("statistik:report_template", args=[report.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _upload(client, report, data, name="mall.xlsx"):
    return client.post(reverse("statistik:report_upload", args=[report.pk]), {"file": SimpleUploadedFile(name, data)})


def _snapshot(report):
    return sorted(Value.objects.filter(report=report).values_list("indicator__code", "key", "value", "pk"))


def test_the_template_is_filled_with_what_is_there_and_has_a_definitions_sheet(client_as, report):
    workbook = load_workbook(io.BytesIO(_download(client_as("rapportor-botkyrka"), report)))
    assert workbook.sheetnames == ["Rapport", "Definitioner"]
    rows = {(row[0], row[3]): row[4] for row in workbook["Rapport"].iter_rows(values_only=True) if row and row[0]}
    assert rows[("MOT_TOT", "T")] == 260 and rows[("AVS_MAN", "T")] == 17.5 and rows[("BES_SO", "T")] is None
    definitions = [row[0] for row in workbook["Definitioner"].iter_rows(values_only=True)]
    assert "AVS_ANDEL" in definitions


def test_download_then_upload_unchanged_changes_nothing(client_as, report):
    client = client_as("rapportor-botkyrka")
    before = _snapshot(report)
    response = _upload(client, report, _download(client, report))
    assert response.status_code == 302
    assert _snapshot(report) == before
    assert not ReportEvent.objects.filter(report=report).exists()


def _edited(data, edits):
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Rapport"]
    for row in sheet.iter_rows():
        key = (row[0].value, row[3].value)
        if key in edits:
            row[4].value = edits[key]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_upload_is_validated_like_the_form_and_saves_nothing_if_one_cell_is_wrong(client_as, report):
    client = client_as("rapportor-botkyrka")
    before = _snapshot(report)
    data = _edited(_download(client, report), {("BES_SO", "T"): 40, ("MOT_TOT", "T"): 261, ("BES_VAL", "T"): "tre"})
    response = _upload(client, report, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Totalen (261) ska vara lika med summan av delarna (260)." in html
    assert "Cell E" in html and "Skriv ett tal" in html
    assert _snapshot(report) == before  # BES_SO=40 was right but is not saved either


def test_a_correct_upload_saves_and_logs_the_changes(client_as, report):
    client = client_as("rapportor-botkyrka")
    data = _edited(_download(client, report), {("BES_SO", "T"): 40, ("BES_SFI", "T"): None})
    assert _upload(client, report, data).status_code == 302
    values = {(code, key): value for code, key, value, _pk in _snapshot(report)}
    assert values[("BES_SO", "T")] == 40 and values[("BES_SFI", "T")] is None
    event = ReportEvent.objects.get(report=report)
    assert event.action == "uploaded" and set(event.changes) == {"BES_SO/T", "BES_SFI/T"}


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("mall.xlsx", b"not a zip", "inte en Excel"),
        ("mall.csv", b"a;b", ".xlsx"),
        ("mall.xlsx", None, "inget blad"),
    ],
)
def test_bad_files_are_refused_with_a_swedish_message(client_as, report, name, data, message):
    if data is None:
        workbook = Workbook()
        workbook.active.title = "Annat"
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    response = _upload(client_as("rapportor-botkyrka"), report, data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_codes_are_reported_per_row(client_as, report):
    client = client_as("rapportor-botkyrka")
    workbook = load_workbook(io.BytesIO(_download(client, report)))
    workbook["Rapport"].append(["XYZ", "Påhittad", "Totalt", "T", 3, "personer"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, report, buffer.getvalue())
    assert "okänd kod eller nyckel ”XYZ / T”" in response.content.decode()


def test_only_the_reporter_may_upload_and_not_to_an_approved_report(client_as, report):
    client = client_as("rapportor-botkyrka")
    data = _download(client, report)
    assert _upload(client_as("introchef-botkyrka"), report, data).status_code == 403
    report.status = "approved"
    report.save()
    response = _upload(client, report, _edited(data, {("BES_SO", "T"): 1}))
    assert response.status_code == 302
    assert not Value.objects.filter(report=report, indicator__code="BES_SO").exists()
