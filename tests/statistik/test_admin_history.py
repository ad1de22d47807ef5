"""One write path (STYLE.md point 5): Django admin changes KIS indicators, their rules, report status
and periods through the same services as the portal, so every change leaves its history row.

The walk submits each admin change form as the browser would: every field as the page sends it,
with one field changed.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from statistik import services
from statistik.models import CatalogueVersion, Indicator, IndicatorChange, IndicatorRule, Period, Report, ReportEvent

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The fields a browser would send from the admin's change form (its id ends in "_form")."""

    def __init__(self):
        super().__init__()
        self.data, self.inside, self._select, self._textarea = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self.inside = True
        if not self.inside or attrs.get("disabled") is not None:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.lstrip("\n") if not self.data[self._textarea] else data


def _change(client, obj, **changes):
    """Post the admin change form of ``obj`` with ``changes``; returns the response."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200, url
    parser = _FormFields()
    parser.feed(page.content.decode())
    assert parser.data, f"no change form found at {url}"
    return client.post(url, parser.data | {key: str(value) for key, value in changes.items()} | {"_save": "1"})


@pytest.fixture
def sysadmin(client_as):
    return client_as("admin")


def test_every_kis_model_that_admin_may_change_saves_through_a_service():
    # A new admin for a history-bearing model must not fall back to ModelAdmin.save_model.
    for model in (Indicator, IndicatorRule, Report, Period):
        model_admin = admin.site._registry[model]
        assert type(model_admin).save_model is not admin.ModelAdmin.save_model, model
    for model in (IndicatorChange, ReportEvent):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(None) and not model_admin.has_delete_permission(None)


def test_an_indicator_changed_in_admin_has_its_history_row(sysadmin, cast, catalogue):
    indicator = catalogue.indicators.get(code="AVS_ARB")
    response = _change(
        sysadmin,
        indicator,
        definition="Avslut till anställning om minst tre sammanhängande månader.",
        order=99,
        change_reason="Ny definition från SKL",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = IndicatorChange.objects.get(indicator=indicator)
    assert change.source == "admin" and change.action == "changed" and change.user == cast["admin"]
    assert change.reason == "Ny definition från SKL" and change.subject == "AVS_ARB (v1)"
    assert set(change.changes) == {"definition", "order"}
    assert change.changes["order"][1] == 99
    indicator.refresh_from_db()
    assert indicator.definition.startswith("Avslut till anställning om minst tre")
    # Saving the form unchanged adds no row.
    assert _change(sysadmin, indicator).status_code == 302
    assert IndicatorChange.objects.filter(indicator=indicator).count() == 1


def test_an_indicator_added_and_deleted_in_admin_keeps_its_history(sysadmin, cast, catalogue):
    form = catalogue.indicators.get(code="MOT_TOT").form
    add = reverse("admin:statistik_indicator_add")
    data = {
        "version": catalogue.pk,
        "form": form.pk,
        "code": "MOT_NY",
        "name": "Ny testindikator",
        "definition": "En indikator för testet.",
        "unit": "persons",
        "kind": "typed",
        "breakdown": "none",
        "order": 50,
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
        "_save": "1",
    }
    assert sysadmin.post(add, data).status_code == 302
    indicator = Indicator.objects.get(code="MOT_NY")
    created = IndicatorChange.objects.get(indicator=indicator)
    assert created.action == "created" and created.source == "admin" and created.changes["code"] == [None, "MOT_NY"]

    delete = reverse("admin:statistik_indicator_delete", args=[indicator.pk])
    assert sysadmin.post(delete, {"post": "yes"}).status_code == 302
    assert not Indicator.objects.filter(code="MOT_NY").exists()
    deleted = IndicatorChange.objects.get(action="deleted")
    assert deleted.indicator is None and deleted.subject == "MOT_NY (v1)" and deleted.user == cast["admin"]
    assert IndicatorChange.objects.filter(subject="MOT_NY (v1)").count() == 2


def test_a_rule_changed_in_admin_is_in_its_indicators_history(sysadmin, catalogue):
    rule = IndicatorRule.objects.get(indicator__version=catalogue, indicator__code="MOT_KAT")
    response = _change(sysadmin, rule, description="Samma personer som de mottagna (omformulerad).")
    assert response.status_code == 302, response.content.decode()[:2000]
    change = IndicatorChange.objects.get(indicator=rule.indicator)
    assert change.source == "admin" and "omformulerad" in change.changes["rule"][1]


def test_a_report_approved_in_admin_has_its_event_and_tells_the_reporter(
    sysadmin, cast, make_report, municipalities, period, django_capture_on_commit_callbacks
):
    report = make_report(municipalities["Botkyrka"], period, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        response = _change(sysadmin, report, status="approved")
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_at is not None
    event = ReportEvent.objects.get(report=report)
    assert event.action == "approved" and event.user == cast["admin"]
    assert [m.to for m in mail.outbox] == [["rapportor-botkyrka@exempel.se"]]


def test_admin_follows_the_workflow_and_a_return_needs_its_comment(sysadmin, make_report, municipalities, period):
    report = make_report(municipalities["Botkyrka"], period, status="submitted")
    response = _change(sysadmin, report, status="returned")
    assert response.status_code == 200 and "Skriv vad kommunen behöver rätta" in response.content.decode()
    response = _change(sysadmin, report, status="draft")
    assert response.status_code == 200 and "kan inte bli utkast igen" in response.content.decode()
    assert not ReportEvent.objects.filter(report=report).exists()
    report.refresh_from_db()
    assert report.status == "submitted"

    assert _change(sysadmin, report, status="returned", event_comment="Rätta avslut.").status_code == 302
    report.refresh_from_db()
    event = ReportEvent.objects.get(report=report)
    assert report.status == "returned" and report.comment == "Rätta avslut." and event.comment == "Rätta avslut."


def test_a_report_is_never_deleted_in_admin(sysadmin, make_report, municipalities, period):
    report = make_report(municipalities["Botkyrka"], period)
    assert sysadmin.post(reverse("admin:statistik_report_delete", args=[report.pk]), {"post": "yes"}).status_code == 403
    assert Report.objects.filter(pk=report.pk).exists()


def test_a_report_added_in_admin_is_made_by_the_service(sysadmin, cast, municipalities, period):
    data = {
        "municipality": municipalities["Huddinge"].pk,
        "period": period.pk,
        "values-TOTAL_FORMS": "0",
        "values-INITIAL_FORMS": "0",
        "_save": "1",
    }
    response = sysadmin.post(reverse("admin:statistik_report_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.get(municipality=municipalities["Huddinge"], period=period)
    assert report.version.number == 1
    assert list(report.events.values_list("action", "user")) == [("created", cast["admin"].pk)]


def test_a_period_opened_in_admin_is_announced_like_in_the_portal(
    sysadmin, catalogue, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    period = Period.objects.create(year=today.year + 3, deadline=today + datetime.timedelta(days=40), status="closed")
    with django_capture_on_commit_callbacks(execute=True):
        response = _change(sysadmin, period, status="open")
    assert response.status_code == 302, response.content.decode()[:2000]
    period.refresh_from_db()
    assert period.status == "open" and period.opened_at is not None
    assert [m.to for m in mail.outbox] == [["rapportor-botkyrka@exempel.se"], ["statistik-region@exempel.se"]]


def test_the_portal_form_writes_the_same_history(client_as, cast, catalogue):
    indicator = catalogue.indicators.get(code="MOT_TOT")
    services.indicator_update(indicator, cast["statistik-region"], {"name": "Mottagna"}, "Kortare")
    change = IndicatorChange.objects.get(indicator=indicator)
    assert change.source == "portal" and change.subject == "MOT_TOT (v1)"


def test_a_catalogue_version_added_in_admin_is_a_copy_of_the_latest_like_in_the_portal(sysadmin, catalogue):
    data = {"name": "KIS 2031", "valid_from_year": "2031", "valid_from_half": "0", "notes": "", "_save": "1"}
    response = sysadmin.post(reverse("admin:statistik_catalogueversion_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    version = CatalogueVersion.objects.get(name="KIS 2031")
    assert version.number == 2
    assert version.indicators.count() == catalogue.indicators.count()
    assert IndicatorRule.objects.filter(indicator__version=version).count() == 2
