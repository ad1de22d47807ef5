"""No lost update in the KIS catalogue and periods: a definition or a deadline saved from an older page is refused in
Swedish, nothing is written, and the other person's change stays; in the portal and in Django admin alike."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse

from natverk.versioning import EditConflict
from statistik import services
from statistik.models import Indicator, IndicatorChange, Period
from tests.natverk.test_lost_updates import form_data
from tests.statistik.test_admin_history import _FormFields

pytestmark = pytest.mark.django_db

CONFLICT = "Någon annan sparade"


@pytest.fixture
def two(client_as):
    """The regional statistics administrator in two browsers (the only role that edits the catalogue)."""
    return client_as("statistik-region"), client_as("statistik-region")


def test_a_stale_definition_is_refused_with_the_input_kept(two, catalogue):
    first, second = two
    indicator = catalogue.indicators.get(code="AVS_ARB")
    url = reverse("statistik:indicator_edit", args=[indicator.pk])
    page_first, page_second = first.get(url), second.get(url)

    assert first.post(url, form_data(page_first, source="SCB och kommunen")).status_code == 302
    response = second.post(url, form_data(page_second, name_en="Exits to work (changed)"))

    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan sparade den här definitionen efter att du öppnade formuläret" in body
    assert 'value="Exits to work (changed)"' in body
    indicator.refresh_from_db()
    assert indicator.source == "SCB och kommunen" and indicator.name_en != "Exits to work (changed)"
    assert IndicatorChange.objects.filter(indicator=indicator).count() == 1
    # The other person's change is named and taken into the form; the form carries the current version,
    # so saving again keeps both changes.
    section = body[body.index('id="conflict"') :]
    assert "Källa" in section[: section.index("</section>")] and "SCB och kommunen" in section
    assert response.context["form"]["version"].value() == indicator.edit_version == 2
    assert response.context["form"]["source"].value() == "SCB och kommunen"
    assert second.post(url, form_data(response)).status_code == 302
    indicator.refresh_from_db()
    assert indicator.name_en == "Exits to work (changed)" and indicator.source == "SCB och kommunen"


def test_a_definition_posted_without_its_version_is_refused(two, catalogue):
    first, _second = two
    indicator = catalogue.indicators.get(code="AVS_ARB")
    url = reverse("statistik:indicator_edit", args=[indicator.pk])
    response = first.post(url, form_data(first.get(url), source="Utan version", version=None, loaded_values=None))
    assert response.status_code == 409 and CONFLICT in response.content.decode()
    assert Indicator.objects.get(pk=indicator.pk).source != "Utan version"


def test_every_change_of_an_indicator_raises_its_edit_version(cast, catalogue):
    indicator = catalogue.indicators.get(code="AVS_ARB")
    assert indicator.edit_version == 1
    services.indicator_update(indicator, cast["statistik-region"], {"source": "Ny källa"})
    assert indicator.edit_version == 2 == Indicator.objects.get(pk=indicator.pk).edit_version
    # Nothing changed: no new version, no history row.
    assert services.indicator_update(indicator, cast["statistik-region"], {"source": "Ny källa"}) is None
    assert Indicator.objects.get(pk=indicator.pk).edit_version == 2
    with pytest.raises(EditConflict):
        services.indicator_update(indicator, cast["statistik-region"], {"source": "Gammal"}, expected_version=1)
    assert Indicator.objects.get(pk=indicator.pk).source == "Ny källa"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_definition_saves_of_the_same_version_cannot_both_win(municipalities, cast):
    """Each save in its own database connection: the row lock lets one through, the other sees the new version."""
    from tests.statistik.conftest import ensure_catalogue

    indicator = ensure_catalogue().indicators.get(code="AVS_ARB")
    barrier = threading.Barrier(2)
    outcome = {}

    def save(source):
        try:
            barrier.wait(timeout=5)
            services.indicator_update(
                Indicator.objects.get(pk=indicator.pk), cast["statistik-region"], {"source": source}, expected_version=1
            )
            outcome[source] = "saved"
        except EditConflict:
            outcome[source] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(source,)) for source in ("SCB", "Kommunen")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcome.values()) == ["refused", "saved"], outcome
    winner = next(source for source, result in outcome.items() if result == "saved")
    indicator.refresh_from_db()
    assert indicator.source == winner and indicator.edit_version == 2


def _admin_page(client, obj):
    url = reverse(f"admin:statistik_{obj._meta.model_name}_change", args=[obj.pk])
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    return url, parser.data


def test_a_stale_definition_in_django_admin_is_refused(client_as, catalogue):
    admin = client_as("admin")
    indicator = catalogue.indicators.get(code="AVS_ARB")
    url, data = _admin_page(admin, indicator)
    assert data["expected_version"] == "1"

    portal = client_as("statistik-region")
    edit = reverse("statistik:indicator_edit", args=[indicator.pk])
    assert portal.post(edit, form_data(portal.get(edit), source="Ändrad i portalen")).status_code == 302

    response = admin.post(url, data | {"order": "77", "_save": "1"})
    assert response.status_code == 200
    assert "Någon annan sparade detta efter att du öppnade det" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.source == "Ändrad i portalen" and indicator.order != 77
    # Opened again, the admin's save goes through and keeps the portal's change.
    url, data = _admin_page(admin, indicator)
    assert admin.post(url, data | {"order": "77", "_save": "1"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.order == 77 and indicator.source == "Ändrad i portalen" and indicator.edit_version == 3


@pytest.fixture
def open_period(catalogue):
    return Period.objects.create(year=2031, deadline=datetime.date(2032, 2, 28))


def _deadline_form(page, period):
    """The deadline form of one period's row, as the browser would post it."""
    from tests.security.test_stale_save import form_with

    form = form_with(page.content, reverse("statistik:periods"), ["new_deadline", "period", "version"], "periods")
    assert form["data"]["period"] == [str(period.pk)]
    return {name: values[0] for name, values in form["data"].items()}


def test_a_stale_deadline_is_refused_with_the_date_kept(two, open_period):
    first, second = two
    url = reverse("statistik:periods")
    data_first, data_second = _deadline_form(first.get(url), open_period), _deadline_form(second.get(url), open_period)

    assert first.post(url, data_first | {"new_deadline": "2032-03-15"}).status_code == 302
    response = second.post(url, data_second | {"new_deadline": "2032-03-31"})

    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan sparade 2031 efter att du öppnade sidan" in body
    assert 'value="2032-03-31"' in body and "Sparat nu: 2032-03-15" in body
    open_period.refresh_from_db()
    assert open_period.deadline == datetime.date(2032, 3, 15)
    # The row now carries the current version: saving again moves the deadline.
    again = _deadline_form(response, open_period)
    assert again["new_deadline"] == "2032-03-31"
    assert second.post(url, again).status_code == 302
    open_period.refresh_from_db()
    assert open_period.deadline == datetime.date(2032, 3, 31)


def test_opening_or_closing_a_period_makes_an_open_deadline_form_stale(two, open_period):
    first, second = two
    url = reverse("statistik:periods")
    data = _deadline_form(second.get(url), open_period)
    assert first.post(url, {"period": open_period.pk, "status": "closed"}).status_code == 302
    assert second.post(url, data | {"new_deadline": "2032-04-01"}).status_code == 409
    assert Period.objects.get(pk=open_period.pk).deadline == datetime.date(2032, 2, 28)


def test_a_stale_period_in_django_admin_is_refused(client_as, open_period):
    admin = client_as("admin")
    url, data = _admin_page(admin, open_period)
    portal = client_as("statistik-region")
    periods = reverse("statistik:periods")
    form = _deadline_form(portal.get(periods), open_period)
    assert portal.post(periods, form | {"new_deadline": "2032-03-15"}).status_code == 302

    response = admin.post(url, data | {"deadline": "2032-05-01", "_save": "1"})
    assert response.status_code == 200
    assert "Någon annan sparade detta efter att du öppnade det" in response.content.decode()
    assert Period.objects.get(pk=open_period.pk).deadline == datetime.date(2032, 3, 15)
