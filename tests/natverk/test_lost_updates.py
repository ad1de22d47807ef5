"""No lost update in the network register: a stale second save is refused in Swedish, nothing is written.

Each test is two people through the HTTP client: both open the same edit form, the first saves a change,
the second saves their own (from the page they loaded). The second is refused with the conflict message
naming what the first changed, the database keeps the first change, and the second person's input is
still in the form, now carrying the current version so that a deliberate second save goes through.
"""

import datetime

import pytest
from django.urls import reverse

from natverk import services
from natverk.models import Contact, Meeting, Membership, Network, Organisation

CONFLICT = "Någon annan sparade"


def form_data(response, form_key="form", **changes):
    """What the browser would post back for the form as the page drew it (hidden version included)."""
    form = response.context[form_key]
    data = {}
    for bound in form:
        value = bound.value()
        widget_type = bound.field.widget.input_type if hasattr(bound.field.widget, "input_type") else ""
        if widget_type == "checkbox" and not isinstance(value, (list, tuple)):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            data[bound.html_name] = ""
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, (datetime.date,)):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def conflict_section(body):
    start = body.index('id="conflict"')
    return body[start : body.index("</section>", start)]


def assert_refused(response, *expected_in_section):
    assert response.status_code == 200
    body = response.content.decode()
    assert CONFLICT in body
    section = conflict_section(body)
    for text in expected_in_section:
        assert text in section, (text, section)
    return body


@pytest.fixture
def two(client_as):
    return client_as("strateg"), client_as("admin")


def test_a_stale_contact_save_is_refused_and_the_first_change_kept(register, client_as):
    first, second = client_as("strateg"), client_as("introchef-botkyrka")
    yusuf = register["yusuf"]
    url = reverse("natverk:contact_edit", args=[yusuf.pk])
    page_first, page_second = first.get(url), second.get(url)

    assert first.post(url, form_data(page_first, title="Rektor SFI")).status_code == 302
    stale = form_data(page_second, phone="08-123 45 67")
    response = second.post(url, stale)

    body = assert_refused(response, "Titel eller roll", "Rektor SFI")
    yusuf.refresh_from_db()
    assert yusuf.title == "Rektor SFI" and yusuf.phone == ""
    # The second person's input is kept, with the version now current.
    form = response.context["form"]
    assert form["phone"].value() == "08-123 45 67"
    assert form["version"].value() == yusuf.version
    assert 'value="08-123 45 67"' in body
    # The field only the other person changed is filled in with their value, so saving again keeps both.
    assert form["title"].value() == "Rektor SFI" and "fylls nu i nedan" in conflict_section(body)
    again = second.post(url, form_data(response))
    assert again.status_code == 302
    yusuf.refresh_from_db()
    assert yusuf.phone == "08-123 45 67" and yusuf.title == "Rektor SFI"


def test_when_both_changed_the_same_field_the_second_input_is_kept_and_marked(register, two):
    first, second = two
    yusuf = register["yusuf"]
    url = reverse("natverk:contact_edit", args=[yusuf.pk])
    page_first, page_second = first.get(url), second.get(url)
    first.post(url, form_data(page_first, title="Rektor"))
    response = second.post(url, form_data(page_second, title="Samordnare"))
    section = conflict_section(response.content.decode())
    assert "Rektor" in section and "du ändrade också fältet" in section
    assert response.context["form"]["title"].value() == "Samordnare"
    assert Contact.objects.get(pk=yusuf.pk).title == "Rektor"
    # Saving again is the second person's deliberate choice.
    assert second.post(url, form_data(response)).status_code == 302
    assert Contact.objects.get(pk=yusuf.pk).title == "Samordnare"


def test_the_conflict_lists_only_what_the_other_person_changed(register, two):
    first, second = two
    yusuf = register["yusuf"]
    url = reverse("natverk:contact_edit", args=[yusuf.pk])
    page_first, page_second = first.get(url), second.get(url)
    first.post(url, form_data(page_first, email="yusuf.d@exempel.se"))
    # The second person changed the title themselves: that is not "the other person's change".
    response = second.post(url, form_data(page_second, title="Samordnare"))
    section = conflict_section(response.content.decode())
    assert "yusuf.d@exempel.se" in section
    assert "Titel eller roll" not in section and "Samordnare" not in section
    yusuf.refresh_from_db()
    assert yusuf.email == "yusuf.d@exempel.se" and yusuf.title == ""


def test_a_post_without_a_version_is_refused(register, two):
    strateg, _admin = two
    yusuf = register["yusuf"]
    url = reverse("natverk:contact_edit", args=[yusuf.pk])
    data = form_data(strateg.get(url), title="Utan version", version=None, loaded_values=None)
    assert_refused(strateg.post(url, data))
    yusuf.refresh_from_db()
    assert yusuf.title == ""


def test_anonymising_while_the_form_is_open_refuses_the_stale_save(register, two, cast):
    strateg, _admin = two
    yusuf = register["yusuf"]
    url = reverse("natverk:contact_edit", args=[yusuf.pk])
    page = strateg.get(url)
    services.contact_anonymise(Contact.objects.get(pk=yusuf.pk), cast["strateg"])
    response = strateg.post(url, form_data(page, title="Rektor"))
    assert response.status_code == 302
    yusuf.refresh_from_db()
    assert yusuf.is_anonymised and yusuf.name.startswith("Anonymiserad") and yusuf.title == ""


def test_a_stale_organisation_save_is_refused(register, two):
    first, second = two
    organisation = register["sfi_botkyrka"]
    url = reverse("natverk:organisation_edit", args=[organisation.pk])
    page_first, page_second = first.get(url), second.get(url)
    assert first.post(url, form_data(page_first, website="https://sfi.botkyrka.se")).status_code == 302
    assert_refused(second.post(url, form_data(page_second, name="SFI Botkyrka kommun")), "https://sfi.botkyrka.se")
    organisation.refresh_from_db()
    assert organisation.website == "https://sfi.botkyrka.se" and organisation.name == "SFI Botkyrka"


def test_a_stale_network_save_is_refused(register, two):
    first, second = two
    network = register["network"]
    url = reverse("natverk:network_edit", args=[network.pk])
    page_first, page_second = first.get(url), second.get(url)
    assert first.post(url, form_data(page_first, convenor=str(register["mona"].pk))).status_code == 302
    assert_refused(second.post(url, form_data(page_second, purpose="Samordna SFI.")), "Mona Fredriksson")
    network = Network.objects.get(pk=network.pk)
    assert network.convenor == register["mona"] and network.purpose == ""


def test_a_stale_membership_end_is_refused(register, two):
    first, second = two
    membership = Membership.objects.get(contact=register["yusuf"])
    url = reverse("natverk:membership_end", args=[membership.pk])
    page_first, page_second = first.get(url), second.get(url)
    today = datetime.date.today()
    first_day = today - datetime.timedelta(days=10)
    assert first.post(url, form_data(page_first, valid_to=first_day.isoformat())).status_code == 302
    assert_refused(second.post(url, form_data(page_second, valid_to=today.isoformat())), first_day.isoformat())
    assert Membership.objects.get(pk=membership.pk).valid_to == first_day


def test_a_stale_meeting_save_is_refused_with_attendance_and_decisions(register, two):
    first, second = two
    meeting = Meeting.objects.create(network=register["network"], date=datetime.date.today(), place="Tumba")
    meeting.decisions.create(text="Första beslutet.", position=1)
    url = reverse("natverk:meeting_edit", args=[meeting.pk])
    page_first, page_second = first.get(url), second.get(url)
    changes = {
        f"attendance_{register['yusuf'].pk}": "present",
        "decisions-1-text": "Andra beslutet.",
    }
    assert first.post(url, form_data(page_first, **changes) | _management(page_first)).status_code == 302
    stale = form_data(page_second, place="Huddinge") | _management(page_second)
    body = assert_refused(second.post(url, stale), "Andra beslutet.")
    assert "Yusuf Demir" in conflict_section(body)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.place == "Tumba"
    assert [decision.text for decision in meeting.decisions.all()] == ["Första beslutet.", "Andra beslutet."]
    assert meeting.attendances.get().contact == register["yusuf"]


def _management(response):
    """The formsets' management data and rows as the page drew them."""
    data = {}
    for key in ("others", "formset"):
        formset = response.context[key]
        prefix = formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(len(formset.forms))
        data[f"{prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "50"
        for subform in formset.forms:
            for bound in subform:
                value = bound.value()
                if value not in (None, "", False):
                    data[bound.html_name] = str(value)
    return data


def test_every_save_counts_as_a_new_version(register):
    """A service's save (ending a membership) and the admin's bump the version like a form's."""
    membership = Membership.objects.get(contact=register["yusuf"])
    before = membership.version
    services.membership_end(membership)
    assert membership.version == before + 1 == Membership.objects.get(pk=membership.pk).version
    organisation = Organisation.objects.get(pk=register["sfi_botkyrka"].pk)
    organisation.save(update_fields=["name"])
    assert Organisation.objects.get(pk=organisation.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_version_cannot_both_win(municipalities, cast):
    """Two requests at the same moment, each in its own database connection: the row lock lets one through."""
    import threading
    import time

    from django.db import connection

    from natverk.forms import ContactForm
    from natverk.versioning import EditConflict, save_checked

    contact = Contact.objects.create(name="Lina Ek", municipality=municipalities["Botkyrka"])
    barrier = threading.Barrier(2)
    outcome = {}

    def save(title):
        try:
            form = ContactForm(
                {"name": "Lina Ek", "title": title, "municipality": contact.municipality_id, "version": 1},
                instance=Contact.objects.get(pk=contact.pk),
                user=cast["strateg"],
            )
            assert form.is_valid(), form.errors

            def slow_save():
                saved = form.save()
                # Hold the transaction open: the other request reads the version meanwhile.
                time.sleep(0.5)
                return saved

            barrier.wait(timeout=5)
            save_checked(form, slow_save)
            outcome[title] = "saved"
        except EditConflict:
            outcome[title] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("Rektor", "Samordnare")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    results = sorted(outcome.values())
    assert results.count("saved") == 1, outcome
    winner = next(title for title, result in outcome.items() if result == "saved")
    contact.refresh_from_db()
    assert contact.title == winner and contact.version == 2


def test_a_stale_save_in_the_django_admin_is_refused(register, client_as):
    """The admin's own form carries the version too: a change page opened before a portal save cannot undo it."""
    yusuf = register["yusuf"]
    admin = client_as("admin")
    url = reverse("admin:natverk_contact_change", args=[yusuf.pk])
    page = admin.get(url)

    portal = client_as("strateg")
    edit = reverse("natverk:contact_edit", args=[yusuf.pk])
    assert portal.post(edit, form_data(portal.get(edit), title="Rektor SFI")).status_code == 302

    class Page:
        context = {"form": page.context["adminform"].form}

    response = admin.post(url, form_data(Page, phone="08-123 45 67") | {"_save": "Spara"})
    assert response.status_code == 200
    assert "Någon annan sparade detta efter att du öppnade det" in response.content.decode()
    yusuf.refresh_from_db()
    assert yusuf.title == "Rektor SFI" and yusuf.phone == ""
    # Opened again, the admin's save goes through.
    fresh = admin.get(url)

    class Fresh:
        context = {"form": fresh.context["adminform"].form}

    assert admin.post(url, form_data(Fresh, phone="08-123 45 67") | {"_save": "Spara"}).status_code == 302
    yusuf.refresh_from_db()
    assert yusuf.title == "Rektor SFI" and yusuf.phone == "08-123 45 67"
