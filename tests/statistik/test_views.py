"""The report form, the review workflow through HTTP, and who may open what."""

import pytest
from django.urls import reverse

from statistik.models import Report, ReportEvent, Value

pytestmark = pytest.mark.django_db


@pytest.fixture
def botkyrka_report(make_report, municipalities, period):
    return make_report(municipalities["Botkyrka"], period)


def _post(client, report, values, action="save"):
    data = {f"v-{code}-{key}": value for (code, key), value in values.items()}
    data[action] = "1"
    if action == "submit":
        # The reporter confirms that the cells left empty are missing (test_validation.py tests the warning).
        data["confirm_missing"] = ",".join(
            f"{indicator.code}/{key}" for indicator in report.version.indicators.all() for key in indicator.keys
        )
    return client.post(reverse("statistik:report", args=[report.pk]), data)


def test_every_statistik_page_needs_login(anonymous_client, botkyrka_report):
    urls = [
        reverse("statistik:index"),
        reverse("statistik:overview"),
        reverse("statistik:dashboard"),
        reverse("statistik:dashboard_indicator", args=["AVS_ANDEL"]),
        reverse("statistik:report", args=[botkyrka_report.pk]),
        reverse("statistik:report_template", args=[botkyrka_report.pk]),
        reverse("statistik:catalogue"),
    ]
    for url in urls:
        response = anonymous_client.get(url)
        assert response.status_code == 302 and response.url.startswith("/logga-in/"), url


def test_the_reporter_sees_the_form_grouped_by_form_with_a_grid_per_breakdown(client_as, botkyrka_report):
    response = client_as("rapportor-botkyrka").get(reverse("statistik:report", args=[botkyrka_report.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for legend in ("Mottagande", "Bestånd", "Avslut", "SFI", "Ekonomi"):
        assert f'<legend class="h4">{legend}</legend>' in html
    assert 'name="v-MOT_TOT-K"' in html and 'name="v-MOT_ALDER-a65"' in html
    # A derived figure is never typed in.
    assert 'name="v-AVS_ANDEL-T"' not in html
    assert "statistik/report.js" in html


def test_a_reporter_saves_a_draft_and_empty_stays_missing(client_as, botkyrka_report):
    response = _post(
        client_as("rapportor-botkyrka"),
        botkyrka_report,
        {("MOT_TOT", "K"): "5", ("MOT_TOT", "M"): "7", ("MOT_TOT", "T"): "12", ("BES_SFI", "T"): "0"},
    )
    assert response.status_code == 302
    values = {(v.indicator.code, v.key): v.value for v in Value.objects.filter(report=botkyrka_report)}
    assert values[("MOT_TOT", "T")] == 12 and values[("BES_SFI", "T")] == 0
    assert ("BES_SO", "T") not in values  # missing, not 0
    assert ReportEvent.objects.filter(report=botkyrka_report, action="saved").count() == 1


def test_a_wrong_figure_is_shown_at_its_cell_and_nothing_is_saved(client_as, botkyrka_report):
    response = _post(
        client_as("rapportor-botkyrka"),
        botkyrka_report,
        {("MOT_TOT", "K"): "5", ("MOT_TOT", "M"): "7", ("MOT_TOT", "T"): "13", ("BES_SFI", "T"): "-2"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_v-MOT_TOT-T-error"' in html
    assert 'id="id_v-MOT_TOT-T-error">Totalen (13) ska vara lika med summan av delarna (12).' in html
    assert '<a href="#id_v-BES_SFI-T">' in html  # the error summary links to the cell
    assert 'value="13"' in html  # what was typed is kept
    assert not Value.objects.filter(report=botkyrka_report).exists()


def test_submit_then_the_region_approves_and_the_report_is_locked(client_as, botkyrka_report):
    reporter = client_as("rapportor-botkyrka")
    _post(reporter, botkyrka_report, {("MOT_TOT", "T"): "3"}, action="submit")
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == Report.Status.SUBMITTED
    client_as("statistik-region").post(reverse("statistik:report_review", args=[botkyrka_report.pk]), {"approve": "1"})
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == Report.Status.APPROVED and botkyrka_report.is_locked
    _post(reporter, botkyrka_report, {("MOT_TOT", "T"): "99"})
    assert Value.objects.get(report=botkyrka_report, indicator__code="MOT_TOT", key="T").value == 3
    page = reporter.get(reverse("statistik:report", args=[botkyrka_report.pk])).content.decode()
    assert 'name="v-MOT_TOT-T"' not in page and "Godkänd och låst" in page


def test_the_region_returns_with_a_comment_and_reopens_only_with_a_reason(
    client_as, make_report, municipalities, period
):
    report = make_report(municipalities["Botkyrka"], period, status="submitted")
    region = client_as("statistik-region")
    region.post(reverse("statistik:report_review", args=[report.pk]), {"return": "1", "comment": ""})
    report.refresh_from_db()
    assert report.status == "submitted"
    region.post(reverse("statistik:report_review", args=[report.pk]), {"return": "1", "comment": "Kontrollera avslut."})
    report.refresh_from_db()
    assert report.status == "returned" and report.comment == "Kontrollera avslut."
    report.status = "approved"
    report.save()
    region.post(reverse("statistik:report_reopen", args=[report.pk]), {"reason": ""})
    report.refresh_from_db()
    assert report.status == "approved"
    region.post(reverse("statistik:report_reopen", args=[report.pk]), {"reason": "Fel i avslut till arbete."})
    report.refresh_from_db()
    assert report.status == "returned"
    assert ReportEvent.objects.get(report=report, action="reopened").comment == "Fel i avslut till arbete."


def test_a_reporter_may_not_approve_and_a_manager_may_not_fill_in(client_as, make_report, municipalities, period):
    report = make_report(municipalities["Botkyrka"], period, status="submitted")
    response = client_as("rapportor-botkyrka").post(
        reverse("statistik:report_review", args=[report.pk]), {"approve": "1"}
    )
    assert response.status_code == 403
    report.status = "draft"
    report.save()
    assert _post(client_as("introchef-botkyrka"), report, {("MOT_TOT", "T"): "4"}).status_code == 403
    report.refresh_from_db()
    assert report.status == "draft"


def test_another_municipalitys_report_is_not_found(client_as, make_report, municipalities, period):
    report = make_report(municipalities["Huddinge"], period)
    assert client_as("rapportor-botkyrka").get(reverse("statistik:report", args=[report.pk])).status_code == 404
    assert (
        client_as("introchef-botkyrka").get(reverse("statistik:report_template", args=[report.pk])).status_code == 404
    )
    assert _post(client_as("rapportor-botkyrka"), report, {("MOT_TOT", "T"): "4"}).status_code == 404
    assert client_as("strateg").get(reverse("statistik:report", args=[report.pk])).status_code == 404
    assert client_as("statistik-region").get(reverse("statistik:report", args=[report.pk])).status_code == 200


def test_report_start_creates_the_report_under_the_version_in_force_only_for_the_reporter(
    client_as, municipalities, period
):
    botkyrka, huddinge = municipalities["Botkyrka"], municipalities["Huddinge"]
    url = reverse("statistik:report_start", args=[botkyrka.pk, period.pk])
    page = client_as("rapportor-botkyrka").get(url)
    assert page.status_code == 200 and "Starta rapporten" in page.content.decode()
    assert not Report.objects.filter(municipality=botkyrka, period=period).exists()  # a GET changes nothing
    response = client_as("rapportor-botkyrka").post(url)
    report = Report.objects.get(municipality=botkyrka, period=period)
    assert response.url == reverse("statistik:report", args=[report.pk]) and report.version.number == 1
    assert (
        client_as("rapportor-botkyrka")
        .get(reverse("statistik:report_start", args=[huddinge.pk, period.pk]))
        .status_code
        == 404
    )
    huddinge_url = reverse("statistik:report_start", args=[huddinge.pk, period.pk])
    assert client_as("rapportor-botkyrka").post(huddinge_url).status_code == 404
    assert client_as("statistik-region").post(huddinge_url).status_code == 404
    assert not Report.objects.filter(municipality=huddinge).exists()
    assert list(report.events.values_list("action", flat=True)) == ["created"]


def test_only_the_statistics_administrator_manages_periods_and_definitions(client_as, catalogue):
    indicator = catalogue.indicators.get(code="AVS_ARB")
    assert client_as("rapportor-botkyrka").get(reverse("statistik:periods")).status_code == 403
    assert client_as("strateg").get(reverse("statistik:indicator_edit", args=[indicator.pk])).status_code == 403
    region = client_as("statistik-region")
    response = region.post(
        reverse("statistik:periods"), {"year": 2013, "half": 1, "deadline": "2013-08-31", "status": "open"}
    )
    assert response.status_code == 302
    response = region.post(
        reverse("statistik:indicator_edit", args=[indicator.pk]),
        {
            "name": "Avslut till arbete",
            "definition": "Ny definition.",
            "unit": "persons",
            "reason": "SKL 2011",
            "version": indicator.edit_version,
        },
    )
    assert response.status_code == 302
    change = indicator.changes.get()
    assert change.changes["definition"][1] == "Ny definition." and change.reason == "SKL 2011"
    history = region.get(reverse("statistik:indicator_edit", args=[indicator.pk])).content.decode()
    assert "Ny definition." in history


def test_the_overview_shows_status_per_municipality_and_period_and_who_is_late(
    client_as, make_report, municipalities, period
):
    make_report(municipalities["Botkyrka"], period, status="approved")
    html = client_as("lasare").get(reverse("statistik:overview")).content.decode()
    assert "Godkänd" in html
    assert "försenad, inte påbörjad" in html  # the deadline 2013 has passed for the others


def test_the_statistics_administrator_makes_a_new_catalogue_version_from_a_year(client_as, catalogue):
    response = client_as("statistik-region").post(
        reverse("statistik:catalogue_version_create"),
        {"name": "KIS 2011", "valid_from_year": 2011, "valid_from_half": 0},
    )
    assert response.status_code == 302
    from statistik.models import CatalogueVersion

    version = CatalogueVersion.objects.get(number=2)
    assert version.valid_from_year == 2011 and version.indicators.count() == catalogue.indicators.count()
    page = client_as("lasare").get(reverse("statistik:catalogue")).content.decode()
    assert "KIS 2011 (v2)" in page and "Ny katalogversion" not in page
    assert client_as("lasare").post(reverse("statistik:catalogue_version_create"), {}).status_code == 403


def test_a_draft_in_a_closed_period_cannot_be_changed_but_a_returned_report_can_be_corrected(
    client_as, make_report, municipalities, period
):
    period.status = "closed"
    period.save()
    reporter = client_as("rapportor-botkyrka")
    draft = make_report(municipalities["Botkyrka"], period)
    _post(reporter, draft, {("MOT_TOT", "T"): "4"})
    assert not Value.objects.filter(report=draft).exists()
    assert 'name="v-MOT_TOT-T"' not in reporter.get(reverse("statistik:report", args=[draft.pk])).content.decode()
    draft.status = "returned"
    draft.save()
    _post(reporter, draft, {("MOT_TOT", "T"): "4"}, action="submit")
    draft.refresh_from_db()
    assert draft.status == "submitted" and Value.objects.get(report=draft).value == 4


def test_the_region_reviews_a_report_with_every_figure_unsuppressed(client_as, make_report, municipalities, period):
    values = {("AVS_ARB", "T"): 3, ("AVS_STU", "T"): 1, ("AVS_FLY", "T"): 0, ("AVS_PLAN", "T"): 0, ("AVS_OVR", "T"): 0}
    report = make_report(municipalities["Salem"], period, values, status="submitted")
    html = client_as("statistik-region").get(reverse("statistik:report", args=[report.pk])).content.decode()
    assert '<span id="id_v-AVS_ARB-T">3</span>' in html
    assert '<span id="id_v-AVS_ANDEL-T">100</span>' in html
    assert "&lt;5" not in html


def test_the_statistics_administrator_moves_a_deadline_and_opens_and_closes_a_period(client_as, period):
    region = client_as("statistik-region")
    # The page sends the period's version with the new deadline (a deadline moved meanwhile is not undone).
    data = {"period": period.pk, "new_deadline": "2013-03-31", "version": period.version}
    assert region.post(reverse("statistik:periods"), data).status_code == 302
    region.post(reverse("statistik:periods"), {"period": period.pk, "status": "closed"})
    period.refresh_from_db()
    assert str(period.deadline) == "2013-03-31" and period.status == "closed"
    response = region.post(reverse("statistik:periods"), {"period": period.pk, "new_deadline": "snart"}, follow=True)
    assert "Skriv sista dagen som ett datum" in response.content.decode()
    assert (
        client_as("rapportor-botkyrka")
        .post(reverse("statistik:periods"), {"period": period.pk, "status": "open"})
        .status_code
        == 403
    )


def test_a_filter_that_does_not_apply_to_the_indicator_says_so(client_as, catalogue):
    url = reverse("statistik:dashboard_indicator", args=["AVS_MAN"]) + "?sex=K"
    assert "Indikatorn är inte fördelad på kön: totalen visas." in client_as("lasare").get(url).content.decode()


@pytest.mark.parametrize(
    "username", ["rapportor-botkyrka", "introchef-botkyrka", "statistik-region", "strateg", "lasare", "admin"]
)
def test_the_start_page_and_dashboards_work_for_every_member_of_the_cast(
    client_as, username, make_report, municipalities, period
):
    make_report(municipalities["Botkyrka"], period, {("MOT_TOT", "T"): 3}, status="approved")
    client = client_as(username)
    for url in (
        reverse("statistik:index"),
        reverse("statistik:overview"),
        reverse("statistik:catalogue"),
        reverse("statistik:dashboard"),
        reverse("statistik:dashboard_indicator", args=["MOT_TOT"]),
        reverse("statistik:dashboard_municipality", args=[municipalities["Botkyrka"].pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_an_unknown_indicator_or_export_is_not_found(client_as, catalogue):
    client = client_as("lasare")
    assert client.get(reverse("statistik:dashboard_indicator", args=["NOPE"])).status_code == 404
    assert client.post(reverse("statistik:export", args=["statistik.nope"])).status_code == 404


def test_a_stale_form_never_puts_back_the_old_figures(client_as, botkyrka_report):
    """Two reporters open the report; the first saves; the second's save (made on the old page) is refused, nothing
    is written, and the second's figures are kept in the form with a message in Swedish."""
    import re

    first, second = client_as("rapportor-botkyrka"), client_as("rapportor-botkyrka")
    url = reverse("statistik:report", args=[botkyrka_report.pk])
    seen = re.search(r'name="seen" value="([^"]+)"', second.get(url).content.decode()).group(1)
    figures = {("MOT_TOT", "K"): "5", ("MOT_TOT", "M"): "7", ("MOT_TOT", "T"): "12"}
    first_seen = re.search(r'name="seen" value="([^"]+)"', first.get(url).content.decode()).group(1)
    assert first_seen == seen
    data = {f"v-{code}-{key}": value for (code, key), value in figures.items()}
    assert first.post(url, {**data, "save": "1", "seen": first_seen}).status_code == 302
    stale = {"v-MOT_TOT-K": "6", "v-MOT_TOT-M": "7", "v-MOT_TOT-T": "13", "save": "1", "seen": seen}
    response = second.post(url, stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Någon annan sparade rapporten" in page and 'value="13"' in page
    values = {(v.indicator.code, v.key): v.value for v in Value.objects.filter(report=botkyrka_report)}
    assert values[("MOT_TOT", "T")] == 12, "the first reporter's figures stand"
    assert ReportEvent.objects.filter(report=botkyrka_report, action="saved").count() == 1
    # The refused page carries the new state: saving it again (deliberately) goes through.
    fresh = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    assert second.post(url, {**stale, "seen": fresh}).status_code == 302
