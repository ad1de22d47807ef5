"""The gap view: per category, municipality and language, what a newcomer living there can take part in today."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from insatsbasen.gaps import build_gaps, gaps
from insatsbasen.models import Category, Insats
from intro_sodertorn.models import ExportJob
from intro_sodertorn.xlsx import XlsxWriter

from ..statistik.conftest import ensure_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(make_insats, municipalities, taxonomy):
    """Hand-made: what counts and what does not."""
    today = timezone.localdate()
    sfi = taxonomy["categories"]["sfi"]
    shared = make_insats("SFI för föräldrar", "Huddinge", category=sfi, languages=["sv", "ar"])
    shared.participating_municipalities.set([municipalities["Botkyrka"]])
    make_insats("SFI kväll", "Huddinge", category=sfi, languages=["sv", "so"])
    # Not counted: a draft, one that has ended; counted: one that starts next month.
    make_insats("Utkast", "Salem", category=sfi, languages=["ar"], status=Insats.Status.DRAFT)
    make_insats("Slutad", "Salem", category=sfi, languages=["ar"], end_date=today - datetime.timedelta(days=1))
    make_insats("Kommande", "Salem", category=sfi, languages=["ti"], start_date=today + datetime.timedelta(days=30))
    return sfi


def cell(rows, key, municipality):
    row = next(row for row in rows if key(row))
    return next(c["count"] for c in row["cells"] if c["municipality"].name == municipality), row


def test_counts_what_a_resident_can_take_part_in_today(offer, cast):
    data = gaps(cast["strateg"])
    rows = data.category_rows()

    def is_sfi(row):
        return row["category"] == offer

    assert cell(rows, is_sfi, "Huddinge")[0] == 2
    assert cell(rows, is_sfi, "Botkyrka")[0] == 1  # runs it together with Huddinge
    assert cell(rows, is_sfi, "Salem")[0] == 1  # only the coming one: not the draft, not the ended one
    count, row = cell(rows, is_sfi, "Nykvarn")
    assert count == 0
    assert row["total"] == 3, "the region counts each insats once, however many municipalities it serves"
    assert row["missing"] == len(data.municipalities) - 3
    languages = data.language_rows()
    assert cell(languages, lambda r: r["code"] == "ar", "Botkyrka")[0] == 1
    assert cell(languages, lambda r: r["code"] == "ar", "Salem")[0] == 0
    assert [r["code"] for r in languages] == ["sv", "ar", "so", "ti"], "the most offered languages first"
    assert "fa" in data.unoffered and "ar" not in data.unoffered


def test_one_language_and_one_category(offer, cast, taxonomy):
    data = gaps(cast["strateg"], language="so")
    sfi = next(row for row in data.category_rows() if row["category"] == offer)
    assert sfi["total"] == 1 and cell([sfi], lambda r: True, "Botkyrka")[0] == 0
    other = next(c for c in taxonomy["categories"].values() if c != offer)
    data = gaps(cast["strateg"], category=other)
    assert all(row["total"] == 0 for row in data.language_rows())


def test_a_former_member_is_not_a_column(offer, cast, municipalities):
    salem = municipalities["Salem"]
    salem.member_to = timezone.localdate() - datetime.timedelta(days=1)
    salem.save()
    assert "Salem" not in [m.name for m in gaps(cast["strateg"]).municipalities]


def test_every_cell_links_to_the_insatser_it_counts(offer, client_as):
    strateg_client = client_as("strateg")
    response = strateg_client.get(reverse("insatsbasen:gaps"))
    assert response.status_code == 200
    rows = response.context["category_rows"]
    checked = 0
    for row in rows:
        for entry in row["cells"]:
            if entry["count"]:
                listed = strateg_client.get(entry["url"]).context["page"].paginator.count
                assert listed == entry["count"], (row["category"].name, entry["municipality"].name)
                checked += 1
    assert checked >= 3


def test_newly_arrived_from_kis_beside_the_offer(offer, cast, municipalities):
    from statistik.models import Indicator, Period, Report, Value

    version = ensure_catalogue()
    year = timezone.localdate().year - 1
    period = Period.objects.create(year=year, deadline=datetime.date(year + 1, 2, 28), status="closed")
    indicator = Indicator.objects.get(version=version, code="MOT_TOT")
    for name, received, status in (("Huddinge", 312, "approved"), ("Botkyrka", 250, "submitted")):
        report = Report.objects.create(municipality=municipalities[name], period=period, version=version, status=status)
        Value.objects.create(report=report, indicator=indicator, key="T", value=Decimal(received))
    data = gaps(cast["strateg"])
    row = {m.name: arrived for m, arrived in zip(data.municipalities, data.arrived_row(), strict=True)}
    assert row["Huddinge"] == {"year": year, "display": "312"}
    assert row["Botkyrka"] is None, "a report not yet approved is not shown"


def test_the_export_has_the_pages_figures(offer, cast):
    user = cast["strateg"]
    job = ExportJob.objects.create(user=user, kind="insatsbasen.luckor", title="t", params={"language": "ar"})
    writer = XlsxWriter()
    build_gaps(job, writer, lambda done, total: None)
    workbook = load_workbook(io.BytesIO(writer.to_bytes()))
    sheet = workbook.worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if row and row[0] == "Kategori")
    sfi = next(row for row in values if row and row[0] == Category.objects.get(slug="sfi").name)
    assert sfi[header.index("Huddinge")] == 1 and sfi[header.index("Botkyrka")] == 1
    assert sfi[header.index("Salem")] == 0 and sfi[-1] == 1
    assert values[0][0] == "Insatser per kategori och kommun – på arabiska"


def test_a_reader_may_not_see_it_and_a_bad_choice_reads_as_all(client_as):
    assert client_as("lasare").get(reverse("insatsbasen:gaps")).status_code == 403
    response = client_as("strateg").get(reverse("insatsbasen:gaps"), {"language": "xx", "category": "abc"})
    assert response.status_code == 200
    assert response.context["data"].language == "" and response.context["data"].category is None
