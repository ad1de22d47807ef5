"""The KIS panels on the home page: what each role needs now."""

import datetime

import pytest

from statistik.models import Period

pytestmark = pytest.mark.django_db


def test_the_reporter_sees_the_report_to_submit_with_its_deadline(client_as, period):
    html = client_as("rapportor-botkyrka").get("/").content.decode()
    assert "KIS-rapporter att lämna" in html
    assert "Rapport Botkyrka 2012" in html and "senast 28 februari 2013" in html and "försenad" in html


def test_a_reporter_with_everything_submitted_is_told_so(client_as, make_report, municipalities, period):
    make_report(municipalities["Botkyrka"], period, status="approved")
    html = client_as("rapportor-botkyrka").get("/").content.decode()
    assert "Ingen KIS-rapport väntar på dig." in html and "Senaste rapporten: Botkyrka 2012" in html


def test_the_statistics_administrator_sees_reports_to_approve_and_who_is_late(
    client_as, make_report, municipalities, period
):
    make_report(municipalities["Huddinge"], period, status="submitted")
    html = client_as("statistik-region").get("/").content.decode()
    assert "1 rapport väntar på ditt godkännande." in html and "Huddinge 2012" in html
    late = html.split("Försenade:")[1].split("</p>")[0]
    assert "Botkyrka" in late and "Huddinge" not in late


def test_the_intro_manager_sees_a_key_figure_and_a_link_to_the_municipality(
    client_as, make_report, municipalities, period
):
    values = {
        ("AVS_ARB", "T"): 10,
        ("AVS_STU", "T"): 10,
        ("AVS_FLY", "T"): 20,
        ("AVS_PLAN", "T"): 0,
        ("AVS_OVR", "T"): 0,
    }
    make_report(municipalities["Botkyrka"], period, values, status="approved")
    html = client_as("introchef-botkyrka").get("/").content.decode()
    assert "KIS: din kommun" in html and "Andel avslut till arbete eller studier 2012" in html
    assert "<strong>50</strong>" in html
    assert f"/statistik/dashboard/kommun/{municipalities['Botkyrka'].pk}/" in html


def test_a_reader_gets_no_kis_panel(client_as, catalogue):
    Period.objects.create(year=2012, deadline=datetime.date(2013, 2, 28))
    assert "KIS:" not in client_as("lasare").get("/").content.decode()
