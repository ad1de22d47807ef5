"""Versioning of the catalogue, workflow rules in the services, and the reminders."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from statistik import services
from statistik.models import CatalogueVersion, Indicator, Period, Report
from statistik.tasks import send_report_reminders

pytestmark = pytest.mark.django_db


def test_the_seeded_catalogue_has_the_five_forms_and_the_starting_indicators(catalogue):
    forms = set(catalogue.indicators.values_list("form__name", flat=True))
    assert forms == {"Mottagande", "Bestånd", "Avslut", "SFI", "Ekonomi"}
    share = catalogue.indicators.get(code="AVS_ANDEL")
    assert share.kind == Indicator.Kind.DERIVED and share.formula and share.unit == "percent"
    assert catalogue.indicators.get(code="BES_SFI").part_of.code == "BES_TOT"


def test_a_new_version_applies_from_its_period_and_an_old_report_keeps_its_definitions(cast, catalogue, municipalities):
    old_period = Period.objects.create(year=2010, deadline=datetime.date(2011, 2, 28))
    old_report = services.report_get_or_create(municipalities["Botkyrka"], old_period)
    version = services.catalogue_version_create(cast["statistik-region"], "KIS 2011", 2011)
    new_indicator = version.indicators.get(code="AVS_ARB")
    services.indicator_update(new_indicator, cast["statistik-region"], {"definition": "Arbete minst tre månader."})
    new_period = Period.objects.create(year=2011, deadline=datetime.date(2012, 2, 28))
    new_report = services.report_get_or_create(municipalities["Botkyrka"], new_period)

    assert old_report.version == catalogue and new_report.version == version
    assert CatalogueVersion.objects.for_period(old_period) == catalogue
    old_definition = old_report.version.indicators.get(code="AVS_ARB").definition
    assert "minst en sammanhängande månad" in old_definition
    assert new_report.version.indicators.get(code="AVS_ARB").definition == "Arbete minst tre månader."
    # The copy keeps the sub-count relation inside the new version.
    assert version.indicators.get(code="BES_SFI").part_of.version == version


def test_only_the_statistics_administrator_edits_definitions_and_it_is_logged(cast, catalogue):
    indicator = catalogue.indicators.get(code="MOT_TOT")
    with pytest.raises(PermissionDenied):
        services.indicator_update(indicator, cast["rapportor-botkyrka"], {"name": "X"})
    change = services.indicator_update(indicator, cast["statistik-region"], {"name": "Mottagna"}, "Kortare namn")
    assert change.changes == {"name": ["Mottagna under perioden", "Mottagna"]}
    assert services.indicator_update(indicator, cast["statistik-region"], {"name": "Mottagna"}) is None


def test_transitions_follow_the_workflow(cast, make_report, municipalities, period):
    report = make_report(municipalities["Botkyrka"], period)
    region, reporter = cast["statistik-region"], cast["rapportor-botkyrka"]
    with pytest.raises(ValidationError):
        services.report_approve(report, region)  # a draft cannot be approved
    with pytest.raises(PermissionDenied):
        services.report_submit(report, cast["introchef-botkyrka"])
    services.report_submit(report, reporter)
    with pytest.raises(ValidationError):
        services.report_submit(report, reporter)
    with pytest.raises(PermissionDenied):
        services.report_approve(report, reporter)
    services.report_approve(report, region)
    with pytest.raises(ValidationError):
        services.report_values_save(report, reporter, {})
    with pytest.raises(ValidationError):
        services.report_return(report, region, "för sent")  # approved: reopen, not return
    services.report_reopen(report, region, "Rättelse")
    assert report.status == Report.Status.RETURNED
    assert list(report.events.values_list("action", flat=True)) == ["reopened", "approved", "submitted"]


def test_a_closed_period_cannot_be_submitted(cast, make_report, municipalities, period):
    report = make_report(municipalities["Botkyrka"], period)
    services.period_set_status(period, cast["statistik-region"], Period.Status.CLOSED)
    with pytest.raises(ValidationError):
        services.report_submit(report, cast["rapportor-botkyrka"])


def test_reminders_go_before_the_deadline_and_when_overdue_never_twice(cast, make_report, municipalities, period):
    make_report(municipalities["Huddinge"], period, status="submitted")
    with time_machine.travel(datetime.date(2013, 1, 10)):
        assert send_report_reminders.delay().get() == 0  # too early
    with time_machine.travel(datetime.date(2013, 2, 24)):
        send_report_reminders.delay().get()
        send_report_reminders.delay().get()
    before = [m for m in mail.outbox if "senast" in m.subject]
    assert [m.to for m in before] == [
        ["rapportor-botkyrka@exempel.se"]
    ]  # Huddinge has submitted; no one else has a reporter
    with time_machine.travel(datetime.date(2013, 3, 5)):
        send_report_reminders.delay().get()
        send_report_reminders.delay().get()
    overdue = [m for m in mail.outbox if "försenad" in m.subject]
    assert len(overdue) == 1 and "Botkyrka" in overdue[0].subject
