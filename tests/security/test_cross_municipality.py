"""Another municipality's ids, in posted form fields and in URLs, are refused and nothing is saved.

Each refusal is paired with the same request for the user's own municipality being accepted, so
a test cannot pass because the form simply never saves. The world is the matrix's: demo data plus
a Huddinge insats, contact, organisation, action point and KIS report (tests/security/matrix.py).
"""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from insatsbasen.forms import InsatsForm, place_formset
from insatsbasen.models import ImportJob, Insats
from intro_sodertorn.exports import export_run, export_start
from natverk.models import Attendance, Contact, Membership, Organisation
from statistik import services as statistik_services
from statistik.models import Report, Value
from uppdrag.models import ActionPoint

from . import matrix

# The shared fixtures: the demo world built once per module, a logged-in client per role.
world = matrix.world

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(world, db):
    def make(username):
        client = Client()
        client.force_login(world.users[username])
        return client

    return make


def form_data(*forms):
    """What the browser would post for forms shown unchanged (formsets with their management form)."""
    data = {}
    for form in forms:
        parts = [form.management_form, *form.forms] if hasattr(form, "management_form") else [form]
        for part in parts:
            for field in part:
                value = field.value()
                if value is None or value is False:
                    continue
                if value is True:
                    data[field.html_name] = "on"
                elif isinstance(value, (list, tuple)):
                    data[field.html_name] = [str(getattr(item, "pk", item)) for item in value]
                elif isinstance(value, datetime.date):
                    data[field.html_name] = value.isoformat()
                else:
                    data[field.html_name] = str(getattr(value, "pk", value))
    return data


def insats_post(insats, user, **changes):
    insats = Insats.objects.get(pk=insats.pk)
    data = form_data(InsatsForm(instance=insats, user=user), place_formset(None, insats))
    data.update({key: str(value.pk) if hasattr(value, "pk") else value for key, value in changes.items()})
    return data


def row_of(instance):
    """The stored state of one object, to compare before and after."""
    from django.forms.models import model_to_dict

    fresh = type(instance).objects.get(pk=instance.pk)
    return model_to_dict(fresh)


# --- Insatser ---------------------------------------------------------------------------------


def test_an_administrator_saves_their_own_insats_with_a_valid_post(world, as_user):
    insats, user = world.objects["insats"], world.users["admin-huddinge"]
    response = as_user("admin-huddinge").post(
        reverse("insatsbasen:edit", args=[insats.pk]), insats_post(insats, user, name="Nytt namn från Huddinge")
    )
    assert response.status_code == 302
    assert Insats.objects.get(pk=insats.pk).name == "Nytt namn från Huddinge"


def test_moving_an_insats_to_another_municipality_is_refused_and_nothing_saved(world, as_user):
    insats, user = world.objects["insats"], world.users["admin-huddinge"]
    before = row_of(insats)
    data = insats_post(insats, user, owner_municipality=world.objects["botkyrka"], name="Flyttad")
    response = as_user("admin-huddinge").post(reverse("insatsbasen:edit", args=[insats.pk]), data)
    assert response.status_code == 200
    assert "owner_municipality" in response.context["form"].errors
    assert row_of(insats) == before


def test_creating_an_insats_for_another_municipality_is_refused(world, as_user):
    insats, user = world.objects["insats"], world.users["admin-huddinge"]
    data = insats_post(insats, user, owner_municipality=world.objects["botkyrka"], name="Ny i Botkyrka")
    count = Insats.objects.count()
    response = as_user("admin-huddinge").post(reverse("insatsbasen:create"), data)
    assert response.status_code == 200
    assert "owner_municipality" in response.context["form"].errors
    assert Insats.objects.count() == count


def test_a_participating_municipality_may_not_change_or_take_over_the_insats(world, as_user):
    insats = world.objects["insats"]
    insats.participating_municipalities.add(world.objects["botkyrka"])
    before = row_of(insats)
    botkyrka = as_user("admin-botkyrka")
    data = insats_post(insats, world.users["admin-botkyrka"], owner_municipality=world.objects["botkyrka"])
    assert botkyrka.post(reverse("insatsbasen:edit", args=[insats.pk]), data).status_code == 403
    assert botkyrka.post(reverse("insatsbasen:verify", args=[insats.pk])).status_code == 403
    assert botkyrka.post(reverse("insatsbasen:status", args=[insats.pk, "archive"])).status_code == 403
    assert row_of(insats) == before


def test_attaching_another_municipalitys_contact_to_an_insats_is_refused(world, as_user):
    insats, user = world.objects["insats"], world.users["admin-huddinge"]
    before = row_of(insats)
    url = reverse("insatsbasen:edit", args=[insats.pk])
    client = as_user("admin-huddinge")

    response = client.post(url, insats_post(insats, user, contact=world.objects["contact_botkyrka"]))
    assert response.status_code == 200
    assert "contact" in response.context["form"].errors
    assert row_of(insats) == before

    # Their own municipality's contact is fine.
    response = client.post(url, insats_post(insats, user, contact=world.objects["contact"]))
    assert response.status_code == 302
    assert Insats.objects.get(pk=insats.pk).contact == world.objects["contact"]


def test_the_region_may_name_any_contact_on_an_insats(world, as_user):
    insats = world.objects["insats"]
    data = insats_post(insats, world.users["strateg"], contact=world.objects["contact_botkyrka"])
    assert as_user("strateg").post(reverse("insatsbasen:edit", args=[insats.pk]), data).status_code == 302
    assert Insats.objects.get(pk=insats.pk).contact == world.objects["contact_botkyrka"]


def test_another_municipalitys_insats_ids_in_urls_are_refused(world, as_user):
    botkyrka = as_user("admin-botkyrka")
    assert botkyrka.get(reverse("insatsbasen:edit", args=[world.objects["insats"].pk])).status_code == 403
    archived = world.objects["insats_archived"].pk
    assert botkyrka.get(reverse("insatsbasen:detail", args=[archived])).status_code == 404
    assert botkyrka.get(reverse("insatsbasen:edit", args=[archived])).status_code == 404
    assert botkyrka.post(reverse("insatsbasen:status", args=[archived, "restore"])).status_code == 404
    assert Insats.objects.get(pk=archived).status == Insats.Status.ARCHIVED


def test_importing_into_another_municipality_is_refused(world, as_user):
    """The import checks a file for one municipality: only one the user administers can be chosen."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("insatser.xlsx", b"PK\x03\x04 not read", content_type="application/octet-stream")
    count, jobs = Insats.objects.count(), ImportJob.objects.count()
    data = {"municipality": world.objects["botkyrka"].pk, "file": upload}
    client = as_user("admin-huddinge")
    response = client.post(reverse("insatsbasen:import"), data)
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert ImportJob.objects.count() == jobs, "nothing is waiting to be checked or committed"
    assert Insats.objects.count() == count


def _exported_cells(world, username):
    job = export_start(world.users[username], "insatsbasen.insatser", "Insatser", {"status": "published"})
    job = export_run(job.pk)
    assert job.status == job.Status.DONE, job.error
    with job.file.open("rb") as file:
        workbook = openpyxl.load_workbook(io.BytesIO(file.read()), read_only=True)
    return {str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell}


def test_the_insats_export_holds_internal_notes_only_for_those_who_may_change_the_insats(world):
    secret = world.secrets["insats"]
    assert secret in _exported_cells(world, "admin-huddinge")
    assert secret in _exported_cells(world, "strateg")
    assert secret not in _exported_cells(world, "admin-botkyrka")
    assert secret not in _exported_cells(world, "lasare")


def test_another_users_export_cannot_be_downloaded(world, as_user):
    url = reverse("export_download", args=[world.objects["export"].pk])
    for username in ("admin-botkyrka", "lasare", "strateg", "admin"):
        assert as_user(username).get(url).status_code == 404, username


# --- The network register ---------------------------------------------------------------------


def test_a_municipal_user_adds_contacts_only_to_their_own_municipality(world, as_user):
    client = as_user("admin-huddinge")
    url = reverse("natverk:contact_create")
    count = Contact.objects.count()
    base = {"name": "Ny Person", "email": "ny.person@huddinge.example", "is_active": "on"}

    response = client.post(url, {**base, "municipality": world.objects["botkyrka"].pk})
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors

    botkyrka_unit = Organisation.objects.create(name="Botkyrka enhet", municipality=world.objects["botkyrka"])
    response = client.post(
        url, {**base, "municipality": world.objects["huddinge"].pk, "organisation": botkyrka_unit.pk}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert Contact.objects.count() == count

    response = client.post(
        url,
        {**base, "municipality": world.objects["huddinge"].pk, "organisation": world.objects["organisation"].pk},
    )
    assert response.status_code == 302
    assert Contact.objects.filter(name="Ny Person", municipality=world.objects["huddinge"]).exists()


def test_another_municipalitys_contact_and_organisation_cannot_be_changed(world, as_user):
    contact, organisation = world.objects["contact"], world.objects["organisation"]
    before = (row_of(contact), row_of(organisation))
    botkyrka = as_user("admin-botkyrka")
    data = {"name": "Kapad", "municipality": world.objects["botkyrka"].pk, "kind": "other", "is_active": "on"}
    assert botkyrka.post(reverse("natverk:contact_edit", args=[contact.pk]), data).status_code == 403
    assert botkyrka.post(reverse("natverk:organisation_edit", args=[organisation.pk]), data).status_code == 403
    assert (row_of(contact), row_of(organisation)) == before


def test_memberships_are_the_strategists_to_change(world, as_user):
    network, contact = world.objects["network"], world.objects["contact_botkyrka"]
    url = reverse("natverk:membership_add", args=[network.pk])
    data = {"contact": contact.pk, "role": "Ledamot", "valid_from": "2025-01-01"}
    for username in ("admin-huddinge", "admin-botkyrka", "introchef-botkyrka", "lasare"):
        assert as_user(username).post(url, data).status_code == 403, username
    assert not Membership.objects.filter(network=network, contact=contact).exists()
    membership = world.objects["membership"]
    end = reverse("natverk:membership_end", args=[membership.pk])
    assert as_user("admin-huddinge").post(end, {"valid_to": "2025-01-01"}).status_code == 403
    assert Membership.objects.get(pk=membership.pk).valid_to is None

    assert as_user("strateg").post(url, data).status_code == 302
    assert Membership.objects.filter(network=network, contact=contact).exists()


def test_meeting_attendance_is_the_strategists_to_record(world, as_user):
    meeting = world.objects["meeting"]
    url = reverse("natverk:meeting_edit", args=[meeting.pk])
    data = {
        "date": meeting.date.isoformat(),
        "others-TOTAL_FORMS": "1",
        "others-INITIAL_FORMS": "0",
        "others-0-contact": world.objects["contact_botkyrka"].pk,
        "others-0-status": "present",
        "decisions-TOTAL_FORMS": "0",
        "decisions-INITIAL_FORMS": "0",
    }
    for username in ("admin-huddinge", "admin-botkyrka", "rapportor-botkyrka"):
        assert as_user(username).post(url, data).status_code == 403, username
    assert not Attendance.objects.filter(meeting=meeting).exists()


# --- Uppdrag ----------------------------------------------------------------------------------


def test_the_owner_updates_status_but_cannot_change_who_is_responsible(world, as_user):
    point = world.objects["point"]
    before = row_of(point)
    owner = as_user("admin-huddinge")
    edit = {"title": "Kapad", "owner_contact": world.objects["contact_botkyrka"].pk, "status": "done"}
    assert owner.post(reverse("uppdrag:actionpoint_edit", args=[point.pk]), edit).status_code == 403
    assert row_of(point) == before

    status = reverse("uppdrag:actionpoint_status", args=[point.pk])
    assert as_user("admin-botkyrka").post(status, {"status": "done"}).status_code == 404
    assert ActionPoint.objects.get(pk=point.pk).status == before["status"]

    assert (
        owner.post(status, {"status": "ongoing", "owner_contact": world.objects["contact_botkyrka"].pk}).status_code
        == 302
    )
    point = ActionPoint.objects.get(pk=point.pk)
    assert point.status == "ongoing"
    assert point.owner_contact_id is None, "the status form must not change the owner"


# --- KIS --------------------------------------------------------------------------------------


def _first_cell(report):
    indicator = next(i for i in statistik_services.report_indicators(report) if i.kind == "typed")
    return indicator, indicator.keys[0]


def test_kis_figures_for_a_municipality_you_do_not_report_for_are_refused(world, as_user):
    reporter = as_user("rapportor-botkyrka")
    huddinge_report = world.objects["report_huddinge"]
    indicator, key = _first_cell(huddinge_report)
    field = f"v-{indicator.code}-{key}"
    values_before = list(Value.objects.filter(report=huddinge_report).values_list("indicator_id", "key", "value"))

    assert reporter.post(reverse("statistik:report", args=[huddinge_report.pk]), {field: "7"}).status_code == 404
    upload = reverse("statistik:report_upload", args=[huddinge_report.pk])
    assert reporter.post(upload, {"file": io.BytesIO(b"not a workbook")}).status_code == 404
    assert reporter.get(reverse("statistik:report_template", args=[huddinge_report.pk])).status_code == 404
    assert list(Value.objects.filter(report=huddinge_report).values_list("indicator_id", "key", "value")) == (
        values_before
    )
    assert Report.objects.get(pk=huddinge_report.pk).status == Report.Status.RETURNED


def test_opening_a_report_for_another_municipality_creates_none(world, as_user):
    huddinge, period = world.objects["huddinge"], world.objects["open_period"]
    Report.objects.filter(pk=world.objects["report_huddinge"].pk).delete()
    start = reverse("statistik:report_start", args=[huddinge.pk, period.pk])
    assert as_user("rapportor-botkyrka").get(start).status_code == 404
    assert as_user("rapportor-botkyrka").post(start).status_code == 404
    assert not Report.objects.filter(municipality=huddinge, period=period).exists()


def test_a_reporter_submits_the_figures_of_their_own_municipality(world, as_user):
    report = world.objects["report_botkyrka"]
    figures = statistik_services.report_typed_values(report)
    data = {f"v-{code}-{key}": f"{value.normalize():f}" for (code, key), value in figures.items() if value is not None}
    # What submitting asks of the reporter: empty cells confirmed as missing, large changes explained.
    cells = [(i.code, key) for i in report.version.indicators.all() for key in i.keys]
    data["confirm_missing"] = ",".join(f"{code}/{key}" for code, key in cells)
    data |= {f"x-{code}-{key}": "Förklaring" for code, key in cells}
    response = as_user("rapportor-botkyrka").post(
        reverse("statistik:report", args=[report.pk]), {**data, "submit": "1"}
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED
