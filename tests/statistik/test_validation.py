"""Validation that matches the definitions: Swedish numbers, rules across indicators, completeness
before submitting, large changes explained, and no report made by a GET."""

from decimal import Decimal

import pytest
from django.urls import reverse

from statistik import services
from statistik.calc import values_validate
from statistik.models import Indicator, IndicatorRule, Period, Report, Value
from statistik.validation import NumberError, parse_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1000", Decimal(1000)),
        ("1 000", Decimal(1000)),
        ("1\u00a0000", Decimal(1000)),  # a non-breaking space, as Excel and Word copy it
        ("1\u202f000 000", Decimal(1000000)),  # a narrow non-breaking space, as browsers format sv-SE
        ("1 000,5", Decimal("1000.5")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        (" 7 ", Decimal(7)),
        ("", None),
        ("–", None),
        ("-3", Decimal(-3)),  # a number: refused later as negative, with that message
    ],
)
def test_numbers_are_read_as_swedes_write_them(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e6", "utan e-notation"),
        ("1E+06", "utan e-notation"),
        ("2,5e3", "utan e-notation"),
        ("1.000", "tusental med mellanslag"),
        ("1,000", "tusental med mellanslag"),
        ("10 00", "grupper om tre siffror"),
        ("inf", "Skriv ett tal"),
        ("NaN", "Skriv ett tal"),
        ("12 st", "Skriv ett tal"),
    ],
)
def test_scientific_notation_and_ambiguous_thousands_are_refused_in_swedish(text, message):
    with pytest.raises(NumberError) as error:
        parse_number(text)
    assert message in error.value.message


@pytest.fixture
def indicators(catalogue):
    return list(Indicator.objects.filter(version=catalogue).order_by("order"))


def _received(total, by_category, by_age=None):
    raw = {("MOT_TOT", "K"): "", ("MOT_TOT", "M"): "", ("MOT_TOT", "T"): total}
    categories, ages = ["kvot", "asyl", "anh", "ovr", "T"], ["a0_15", "a16_19", "a20_64", "a65", "T"]
    raw |= {("MOT_KAT", key): value for key, value in zip(categories, by_category, strict=True)}
    if by_age:
        raw |= {("MOT_ALDER", key): value for key, value in zip(ages, by_age, strict=True)}
    return raw


def test_received_by_arrival_category_must_be_the_same_persons_as_received(indicators):
    # The case: the categories add up to 400 while 460 were received.
    _cleaned, errors = values_validate(indicators, _received("460", ["100", "200", "50", "50", "400"]))
    assert set(errors) == {("MOT_KAT", "T")}
    message = errors[("MOT_KAT", "T")]
    assert "400" in message and "460" in message and "Samma personer som Mottagna under perioden" in message


def test_figures_that_agree_pass_and_missing_ones_are_no_broken_rule(indicators):
    agree = _received("460", ["100", "260", "50", "50", "460"], ["100", "60", "290", "10", "460"])
    assert values_validate(indicators, agree)[1] == {}
    # Received not reported: nothing to compare with (the completeness check asks about it).
    assert values_validate(indicators, _received("", ["100", "200", "50", "50", "400"]))[1] == {}


def test_age_bands_must_add_up_to_those_received_too(indicators):
    raw = _received("460", ["100", "260", "50", "50", "460"], ["100", "60", "200", "10", "370"])
    _cleaned, errors = values_validate(indicators, raw)
    assert set(errors) == {("MOT_ALDER", "T")}


def test_each_rule_is_documented_as_data_beside_its_indicator(catalogue):
    rules = IndicatorRule.objects.filter(indicator__version=catalogue)
    assert {(rule.indicator.code, rule.kind, rule.other.code) for rule in rules} == {
        ("MOT_ALDER", "same_persons", "MOT_TOT"),
        ("MOT_KAT", "same_persons", "MOT_TOT"),
    }
    assert all(rule.description.startswith("Samma personer") for rule in rules)


def test_a_rule_the_administrator_adds_is_checked_and_copied_to_a_new_version(cast, catalogue, indicators):
    by_code = {indicator.code: indicator for indicator in indicators}
    rule = IndicatorRule(
        indicator=by_code["BES_TOT"],
        other=by_code["MOT_TOT"],
        kind=IndicatorRule.Kind.NOT_ABOVE,
        description="Testregel: fler i introduktion än mottagna är inte möjligt i den här kommunen.",
    )
    services.indicator_rule_save(rule, cast["statistik-region"])
    raw = {("MOT_TOT", "T"): "10", ("BES_TOT", "T"): "11"}
    assert "Testregel" in values_validate(indicators, raw)[1][("BES_TOT", "T")]
    version = services.catalogue_version_create(cast["statistik-region"], "KIS 2030", 2030)
    copied = IndicatorRule.objects.filter(indicator__version=version)
    assert copied.count() == 3 and all(rule.other.version == version for rule in copied)


def test_an_upload_refuses_e_notation_like_the_form(indicators):
    _cleaned, errors = values_validate(indicators, {("EKO_FB", "T"): "1e6"})
    assert "e-notation" in errors[("EKO_FB", "T")]


# --- Through the report page ------------------------------------------------------------------


@pytest.fixture
def botkyrka_report(make_report, municipalities, period):
    return make_report(municipalities["Botkyrka"], period)


def _all_typed(report, value="1"):
    """Every typed cell of the report filled in consistently (sums and rules hold)."""
    data = {}
    for indicator in report.version.indicators.filter(kind="typed"):
        parts = [key for key in indicator.keys if key != "T"]
        for key in parts:
            data[f"v-{indicator.code}-{key}"] = value
        data[f"v-{indicator.code}-T"] = str(int(value) * max(len(parts), 1))
    # The rules: received by age band and by category are the same persons as received (2 = K + M).
    data["v-MOT_TOT-K"], data["v-MOT_TOT-M"], data["v-MOT_TOT-T"] = "2", "2", "4"
    return data


def test_a_get_of_the_report_link_never_creates_a_report(client_as, municipalities, period):
    url = reverse("statistik:report_start", args=[municipalities["Botkyrka"].pk, period.pk])
    for _ in range(2):
        assert client_as("rapportor-botkyrka").get(url).status_code == 200
    assert not Report.objects.exists()
    response = client_as("rapportor-botkyrka").post(url)
    report = Report.objects.get()
    assert response.url == reverse("statistik:report", args=[report.pk]) and report.status == "draft"
    # A second POST (a double click) opens the same report.
    assert client_as("rapportor-botkyrka").post(url).url == response.url and Report.objects.count() == 1


def test_a_closed_period_cannot_be_started(client_as, municipalities, period):
    period.status = Period.Status.CLOSED
    period.save()
    url = reverse("statistik:report_start", args=[municipalities["Botkyrka"].pk, period.pk])
    assert client_as("rapportor-botkyrka").post(url).status_code == 404
    assert not Report.objects.exists()


def test_submitting_with_empty_cells_lists_them_and_asks_for_a_confirmation(client_as, botkyrka_report):
    reporter = client_as("rapportor-botkyrka")
    url = reverse("statistik:report", args=[botkyrka_report.pk])
    data = _all_typed(botkyrka_report)
    del data["v-AVS_MAN-T"]
    data["v-EKO_SCH-T"] = ""
    response = reporter.post(url, data | {"submit": "1"})
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == "draft"  # not submitted ...
    assert Value.objects.get(report=botkyrka_report, indicator__code="MOT_TOT", key="T").value == 4  # ... but saved
    assert response.url.endswith("#before-submit")
    page = reporter.get(url).content.decode()
    assert "2 uppgifter är tomma" in page and "Utkastet är sparat men inte inlämnat" in page
    assert "Månader till egen försörjning, Totalt" in page and "Schablonersättning, Totalt" in page
    assert 'value="AVS_MAN/T,EKO_SCH/T"' in page

    # Confirmed, but meanwhile one more cell was emptied: asked again.
    data["v-SFI_NYB-K"] = ""
    data["v-SFI_NYB-T"] = ""
    reporter.post(url, data | {"submit": "1", "confirm_missing": "AVS_MAN/T,EKO_SCH/T"})
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == "draft"

    reporter.post(url, data | {"submit": "1", "confirm_missing": "AVS_MAN/T,EKO_SCH/T,SFI_NYB/K,SFI_NYB/T"})
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == "submitted"


def test_a_complete_report_is_submitted_without_a_question(client_as, botkyrka_report):
    url = reverse("statistik:report", args=[botkyrka_report.pk])
    client_as("rapportor-botkyrka").post(url, _all_typed(botkyrka_report) | {"submit": "1"})
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == "submitted"


def test_a_swedish_number_is_saved_and_e_notation_is_refused_at_its_cell(client_as, botkyrka_report):
    reporter = client_as("rapportor-botkyrka")
    url = reverse("statistik:report", args=[botkyrka_report.pk])
    response = reporter.post(url, {"v-EKO_FB-T": "1e6", "save": "1"})
    assert response.status_code == 400 and "utan e-notation" in response.content.decode()
    assert not Value.objects.filter(report=botkyrka_report).exists()
    reporter.post(url, {"v-EKO_FB-T": "1\u00a0000\u00a0000", "save": "1"})
    assert Value.objects.get(report=botkyrka_report, indicator__code="EKO_FB").value == 1000000


def test_the_same_persons_rule_stops_the_save_with_the_rule_text(client_as, botkyrka_report):
    data = {"v-MOT_TOT-T": "460", "save": "1"}
    data |= {"v-MOT_KAT-kvot": "100", "v-MOT_KAT-asyl": "200", "v-MOT_KAT-anh": "50", "v-MOT_KAT-ovr": "50"}
    data["v-MOT_KAT-T"] = "400"
    response = client_as("rapportor-botkyrka").post(reverse("statistik:report", args=[botkyrka_report.pk]), data)
    assert response.status_code == 400
    assert "summan av kategorierna ska vara lika med antalet mottagna" in response.content.decode()
    assert not Value.objects.filter(report=botkyrka_report).exists()


@pytest.fixture
def last_year(make_report, municipalities, catalogue):
    import datetime

    earlier = Period.objects.create(year=2011, deadline=datetime.date(2012, 2, 28), status="closed")
    return make_report(municipalities["Botkyrka"], earlier, {("EKO_FB", "T"): 100000}, status="approved")


def test_a_large_change_needs_the_reporters_explanation_which_the_approver_reads(client_as, botkyrka_report, last_year):
    reporter = client_as("rapportor-botkyrka")
    url = reverse("statistik:report", args=[botkyrka_report.pk])
    data = _all_typed(botkyrka_report) | {"v-EKO_FB-T": "250 000"}
    reporter.post(url, data | {"submit": "1"})
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == "draft"
    page = reporter.get(url).content.decode()
    assert "Förklara kort varför" in page and 'name="x-EKO_FB-T"' in page

    explanation = "Fler hushåll utan etableringsersättning efter regeländringen."
    reporter.post(url, data | {"submit": "1", "x-EKO_FB-T": explanation})
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == "submitted"
    assert Value.objects.get(report=botkyrka_report, indicator__code="EKO_FB").explanation == explanation

    review = client_as("statistik-region").get(url).content.decode()
    assert "Kommunens förklaring:" in review and explanation in review


def test_nul_bytes_in_an_explanation_or_a_return_comment_are_dropped_not_a_server_error(
    client_as, botkyrka_report, last_year
):
    url = reverse("statistik:report", args=[botkyrka_report.pk])
    data = _all_typed(botkyrka_report) | {"v-EKO_FB-T": "250 000", "x-EKO_FB-T": "Fler\x00 hushåll", "submit": "1"}
    assert client_as("rapportor-botkyrka").post(url, data).status_code == 302
    assert Value.objects.get(report=botkyrka_report, indicator__code="EKO_FB").explanation == "Fler hushåll"
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == "submitted"
    review = reverse("statistik:report_review", args=[botkyrka_report.pk])
    assert client_as("statistik-region").post(review, {"return": "1", "comment": "Rätta\x00"}).status_code == 302
    botkyrka_report.refresh_from_db()
    assert botkyrka_report.status == "returned" and botkyrka_report.comment == "Rätta"


def test_a_rule_must_compare_indicators_of_the_same_catalogue_version(cast, catalogue):
    from django.core.exceptions import ValidationError

    version = services.catalogue_version_create(cast["statistik-region"], "KIS 2032", 2032)
    rule = IndicatorRule(
        indicator=catalogue.indicators.get(code="BES_TOT"),
        other=version.indicators.get(code="MOT_TOT"),
        kind=IndicatorRule.Kind.NOT_ABOVE,
        description="Fel version.",
    )
    with pytest.raises(ValidationError):
        services.indicator_rule_save(rule, cast["statistik-region"])
    assert not IndicatorRule.objects.filter(description="Fel version.").exists()
