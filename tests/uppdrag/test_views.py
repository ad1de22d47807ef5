"""Uppdrag pages: who sees and changes what, filters, the decision follow-up, reports."""

import datetime

import pytest
from django.urls import reverse

from natverk.models import Decision, Meeting, Network
from uppdrag.models import ActionPoint, JournalNote, ReportSnapshot

pytestmark = pytest.mark.django_db


def detail(point):
    return reverse("uppdrag:actionpoint_detail", args=[point.pk])


@pytest.mark.parametrize(
    "url",
    [
        "/uppdrag/",
        "/uppdrag/atgardspunkter/",
        "/uppdrag/atgardspunkter/ny/",
        "/uppdrag/atgardspunkter/1/",
        "/uppdrag/omraden/",
        "/uppdrag/rapporter/",
        "/uppdrag/rapporter/ny/",
        "/uppdrag/paminnelser/",
        "/uppdrag/atgardspunkter/fran-beslut/1/",
        "/uppdrag/uppdraget/",
        "/uppdrag/atagande/ny/",
        "/uppdrag/omraden/ny/",
        "/uppdrag/rapporter/1/",
    ],
)
def test_every_page_needs_login(anonymous_client, url):
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/")


@pytest.mark.parametrize("username", ["strateg", "lasare", "admin-huddinge", "introchef-botkyrka"])
def test_overview_list_and_area_view_work_for_every_role(client_as, points, username):
    client = client_as(username)
    for url in ("/uppdrag/", "/uppdrag/atgardspunkter/", "/uppdrag/omraden/", "/uppdrag/paminnelser/"):
        assert client.get(url).status_code == 200, url


def test_overview_shows_commitments_and_areas_with_progress(client_as, points):
    body = client_as("strateg").get("/uppdrag/").content.decode()
    assert "Genomför minst en informationsinsats" in body
    assert "Etableringsreformen" in body
    assert 'role="progressbar"' in body


def test_a_reader_sees_regional_points_but_not_those_tied_to_a_municipality(client_as, points):
    client = client_as("lasare")
    body = client.get("/uppdrag/atgardspunkter/").content.decode()
    assert "Rapport till Lst/MIV" in body
    assert "Rutin för insatsbasen i Huddinge" not in body
    assert client.get(detail(points["regional"])).status_code == 200
    assert client.get(detail(points["huddinge"])).status_code == 404


def test_municipal_users_see_points_of_their_own_municipality_only(client_as, points):
    botkyrka = client_as("introchef-botkyrka")
    assert botkyrka.get(detail(points["botkyrka"])).status_code == 200
    assert botkyrka.get(detail(points["huddinge"])).status_code == 404
    body = botkyrka.get("/uppdrag/atgardspunkter/").content.decode()
    assert "Informationsinsats i Botkyrka" in body and "Rutin för insatsbasen i Huddinge" not in body


def test_the_strategist_sees_everything(client_as, points):
    body = client_as("strateg").get("/uppdrag/atgardspunkter/").content.decode()
    for point in points.values():
        assert point.title in body


def test_the_owner_changes_status_and_writes_notes_on_their_own_point(client_as, points):
    client = client_as("admin-huddinge")
    point = points["huddinge"]
    response = client.post(reverse("uppdrag:actionpoint_status", args=[point.pk]), {"status": "done", "note": "Klart."})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == "done" and point.completion_note == "Klart." and point.completed_at
    client.post(
        reverse("uppdrag:actionpoint_note", args=[point.pk]), {"date": "2026-11-20", "text": "Rutinen antagen."}
    )
    assert JournalNote.objects.filter(action_point=point, text="Rutinen antagen.").exists()


def test_the_owner_may_not_edit_the_point_in_full(client_as, points):
    client = client_as("admin-huddinge")
    assert client.get(reverse("uppdrag:actionpoint_edit", args=[points["huddinge"].pk])).status_code == 403


def test_a_reader_may_read_but_not_change_status_or_write_notes(client_as, points):
    client = client_as("lasare")
    point = points["regional"]
    assert client.post(reverse("uppdrag:actionpoint_status", args=[point.pk]), {"status": "done"}).status_code == 403
    assert client.post(reverse("uppdrag:actionpoint_note", args=[point.pk]), {"text": "x"}).status_code == 403
    point.refresh_from_db()
    assert point.status == "ongoing"
    assert "Change status" not in client.get(detail(point)).content.decode()


def test_a_user_of_another_municipality_gets_404_when_changing_status(client_as, points):
    response = client_as("admin-botkyrka").post(
        reverse("uppdrag:actionpoint_status", args=[points["huddinge"].pk]), {"status": "done"}
    )
    assert response.status_code == 404


def test_only_the_strategist_creates_action_points(client_as, points):
    assert client_as("lasare").get("/uppdrag/atgardspunkter/ny/").status_code == 403
    assert client_as("admin-huddinge").get("/uppdrag/atgardspunkter/ny/").status_code == 403
    assert client_as("strateg").get("/uppdrag/atgardspunkter/ny/").status_code == 200


def test_the_strategist_creates_a_watch_item_with_an_expected_month(client_as, cast, commitments, areas):
    response = client_as("strateg").post(
        "/uppdrag/atgardspunkter/ny/",
        {
            "title": "Förordning om samhällsorientering",
            "kind": "watch",
            "status": "waiting",
            "priority": 2,
            "commitment": commitments[0].pk,
            "area": areas["1.A"].pk,
            "expected_month": "2026-08",
            "expected_text": "aug–sep",
        },
    )
    point = ActionPoint.objects.get(title="Förordning om samhällsorientering")
    assert response.status_code == 302
    assert point.expected_month == datetime.date(2026, 8, 1) and point.created_by == cast["strateg"]


def test_a_form_with_errors_lists_them_linked_to_the_fields(client_as, cast, assignment):
    response = client_as("strateg").post(
        "/uppdrag/atgardspunkter/ny/",
        {"title": "", "kind": "watch", "status": "planned", "priority": 2},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_title"' in body and 'href="#id_expected_month"' in body
    assert not ActionPoint.objects.exists()


def test_the_strategist_edits_a_point(client_as, points):
    point = points["regional"]
    client = client_as("strateg")
    response = client.post(
        reverse("uppdrag:actionpoint_edit", args=[point.pk]),
        {
            "title": "Rapport till Lst/MIV (ny)",
            "kind": "action",
            "status": "done",
            "priority": 1,
            "due_date": "2026-11-30",
            "version": point.version,
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.title == "Rapport till Lst/MIV (ny)" and point.completed_at is not None


def test_list_filters_mine_overdue_area_municipality_and_status(client_as, points, areas, municipalities):
    client = client_as("strateg")

    def titles(query):
        return {point.title for point in client.get("/uppdrag/atgardspunkter/?" + query).context["page"].object_list}

    assert titles("mine=on") == {"Rapport till Lst/MIV", "Informationsinsats i Botkyrka"}
    assert titles("overdue=on") == {"Informationsinsats i Botkyrka"}
    assert titles(f"area={areas['1'].pk}") == {"Rapport till Lst/MIV", "Rutin för insatsbasen i Huddinge"}
    assert titles(f"municipality={municipalities['Huddinge'].pk}") == {"Rutin för insatsbasen i Huddinge"}
    assert titles("status=ongoing") == {"Rapport till Lst/MIV"}


def test_list_sorts_by_due_date_both_ways(client_as, points):
    client = client_as("strateg")
    ascending = [p.title for p in client.get("/uppdrag/atgardspunkter/?sort=due_date").context["page"].object_list]
    descending = [p.title for p in client.get("/uppdrag/atgardspunkter/?sort=-due_date").context["page"].object_list]
    assert ascending[0] == "Informationsinsats i Botkyrka"
    assert descending == list(reversed(ascending))


def test_area_view_lists_points_under_their_area_in_tree_order(client_as, points):
    body = client_as("strateg").get("/uppdrag/omraden/").content.decode()
    assert body.index("1.A.1 Referensgrupp") < body.index("Rapport till Lst/MIV") < body.index("1.B Fortsatt")


@pytest.fixture
def decision(cast):
    network = Network.objects.create(name="Samordningsgruppen för introchefer", kind="samordningsgrupp")
    meeting = Meeting.objects.create(network=network, date=datetime.date(2026, 11, 10))
    return Decision.objects.create(meeting=meeting, text="Strategen tar fram ett förslag till gemensam rutin.")


def test_the_strategist_turns_a_meeting_decision_into_an_action_point(client_as, decision, assignment):
    client = client_as("strateg")
    url = reverse("uppdrag:actionpoint_from_decision", args=[decision.pk])
    form = client.get(url).context["form"]
    assert form.initial["title"].startswith("Strategen tar fram")
    response = client.post(
        url, {"title": "Förslag till gemensam rutin", "kind": "action", "status": "planned", "priority": 2}
    )
    point = ActionPoint.objects.get(source_decision=decision)
    assert response.status_code == 302
    assert point.kind == "meeting_follow_up"
    assert list(point.networks.all()) == [decision.meeting.network]
    assert decision.action_point == point
    # A second visit leads to the existing point instead of a duplicate.
    assert client.get(url)["Location"] == detail(point)


def test_only_the_strategist_may_turn_decisions_into_action_points(client_as, decision):
    url = reverse("uppdrag:actionpoint_from_decision", args=[decision.pk])
    assert client_as("introchef-botkyrka").get(url).status_code == 403


def test_the_strategist_sets_health_with_an_explanation(client_as, commitments):
    client = client_as("strateg")
    url = reverse("uppdrag:commitment_health", args=[commitments[0].pk])
    client.post(url, {"health": "at_risk", "health_note": "Försenad.", "version": commitments[0].version})
    commitments[0].refresh_from_db()
    assert commitments[0].health == "at_risk" and commitments[0].health_note == "Försenad."
    assert client_as("lasare").post(url, {"health": "off_track"}).status_code == 403


def test_reports_are_the_strategists(client_as, points):
    assert client_as("lasare").get("/uppdrag/rapporter/").status_code == 403
    assert client_as("introchef-botkyrka").get("/uppdrag/rapporter/ny/").status_code == 403


def report_post(client, **extra):
    data = {
        "title": "Lägesrapport november",
        "period_start": "2026-09-01",
        "period_end": "2026-11-30",
        "introduction": "Inledning till styrgruppen.",
        "save": "1",
    }
    data.update(extra)
    return client.post("/uppdrag/rapporter/ny/", {key: value for key, value in data.items() if value is not None})


def test_a_saved_report_stays_unchanged_after_later_edits(client_as, points):
    client = client_as("strateg")
    response = report_post(client)
    snapshot = ReportSnapshot.objects.get()
    assert response["Location"] == reverse("uppdrag:report_detail", args=[snapshot.pk])
    before = client.get(response["Location"]).content.decode()
    assert "Rapport till Lst/MIV" in before and "Inledning till styrgruppen." in before

    point = points["regional"]
    point.title = "Ändrad titel"
    point.save()
    point.status_set("cancelled")
    after = client.get(response["Location"]).content.decode()
    assert "Ändrad titel" not in after and "Rapport till Lst/MIV" in after
    snapshot.refresh_from_db()
    titles = [p["title"] for section in snapshot.data["commitments"] for p in section["points"]]
    assert "Rapport till Lst/MIV" in titles
    assert client.get("/uppdrag/rapporter/").content.decode().count("Lägesrapport november") == 1


def test_a_report_is_numbered_by_commitment_and_lists_status_and_notes(client_as, points):
    JournalNote.objects.create(action_point=points["regional"], date=datetime.date(2026, 10, 5), text="Utkast skrivet.")
    client = client_as("strateg")
    response = report_post(client, save=None, preview="1")
    report = response.context["report"]
    assert [section["number"] for section in report["commitments"]] == ["1", "2"]
    first = report["commitments"][0]["points"]
    regional = next(point for point in first if point["title"] == "Rapport till Lst/MIV")
    assert regional["status"] == "ongoing"
    assert regional["notes"] == [{"date": "2026-10-05", "text": "Utkast skrivet."}]
    assert "Pågår" in response.content.decode()
    assert not ReportSnapshot.objects.exists()


def test_a_report_with_a_period_in_the_wrong_order_is_refused(client_as, points):
    response = report_post(client_as("strateg"), period_start="2026-12-01", period_end="2026-11-01")
    assert response.status_code == 200 and not ReportSnapshot.objects.exists()


def test_a_report_exports_to_excel(client_as, cast, points, django_capture_on_commit_callbacks):
    import openpyxl

    from intro_sodertorn.models import ExportJob

    client = client_as("strateg")
    report_post(client)
    snapshot = ReportSnapshot.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("uppdrag:report_export", args=[snapshot.pk]))
    assert response.status_code == 302
    job = ExportJob.objects.get(kind="uppdrag.report")
    assert job.status == "done", job.error
    workbook = openpyxl.load_workbook(job.file.open("rb"))
    values = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row if cell]
    assert "Lägesrapport november" in values
    assert "Rapport till Lst/MIV" in values
    assert "Genomför minst en informationsinsats" in values


def test_reminder_setting_is_saved_per_user(client_as, cast):
    client = client_as("admin-huddinge")
    client.post("/uppdrag/paminnelser/", {"days_before": "3"})
    assert cast["admin-huddinge"].action_point_reminder_setting.days_before == 3
    response = client.post("/uppdrag/paminnelser/", {"days_before": "400"})
    assert response.status_code == 200 and 'href="#id_days_before"' in response.content.decode()


def test_the_strategist_links_insatser_and_the_point_shows_them(client_as, points, municipalities):
    from insatsbasen.models import Category, Insats

    category = Category.objects.first()
    if category is None:
        category = Category.objects.create(name="SFI", slug="sfi-uppdrag-test")
    insats = Insats.objects.create(
        name="Svenska för föräldrar",
        short_description="Kort om kursen",
        category=category,
        owner_municipality=municipalities["Huddinge"],
        status=Insats.Status.PUBLISHED,
    )
    point = points["regional"]
    client = client_as("strateg")
    client.post(
        reverse("uppdrag:actionpoint_edit", args=[point.pk]),
        {
            "title": point.title,
            "kind": "action",
            "status": "ongoing",
            "priority": 2,
            "insatser": [insats.pk],
            "version": point.version,
        },
    )
    assert list(point.insatser.all()) == [insats]
    body = client_as("lasare").get(detail(point)).content.decode()
    assert reverse("insatsbasen:detail", args=[insats.pk]) in body


def test_the_strategist_adds_a_commitment_with_the_next_number(client_as, commitments):
    client = client_as("strateg")
    form = client.get("/uppdrag/atagande/ny/").context["form"]
    assert form.initial["position"] == 3
    client.post("/uppdrag/atagande/ny/", {"position": 3, "title": "Sprider kommunernas erfarenheter"})
    assert commitments[0].assignment.commitments.get(position=3).title == "Sprider kommunernas erfarenheter"


def test_two_commitments_cannot_share_a_number(client_as, commitments):
    response = client_as("strateg").post("/uppdrag/atagande/ny/", {"position": 2, "title": "Dubblett"})
    assert response.status_code == 200 and 'href="#id_position"' in response.content.decode()


def test_the_strategist_adds_a_point_under_a_sub_area(client_as, areas):
    client_as("strateg").post(
        "/uppdrag/omraden/ny/", {"parent": areas["1.B"].pk, "position": 1, "title": "Dialog med myndigheter"}
    )
    from uppdrag.models import StrategicArea

    assert StrategicArea.objects.get(title="Dialog med myndigheter").number == "1.B.1"


def test_an_area_cannot_go_below_the_third_level(client_as, areas):
    from uppdrag.models import StrategicArea

    client = client_as("strateg")
    client.post("/uppdrag/omraden/ny/", {"parent": areas["1.A.1"].pk, "position": 1, "title": "För djupt"})
    # Moving main area 1 (three levels deep) under main area 2 would make four levels.
    response = client.post(
        reverse("uppdrag:area_edit", args=[areas["1"].pk]),
        {"parent": areas["2"].pk, "position": 1, "title": "Etableringsreformen"},
    )
    assert not StrategicArea.objects.filter(title="För djupt").exists()
    assert response.status_code == 200
    areas["1"].refresh_from_db()
    assert areas["1"].parent is None


def test_only_the_strategist_manages_assignment_commitments_and_areas(client_as, commitments, areas):
    client = client_as("introchef-botkyrka")
    for url in ("/uppdrag/uppdraget/", "/uppdrag/atagande/ny/", "/uppdrag/omraden/ny/"):
        assert client.get(url).status_code == 403, url


def test_the_strategist_changes_the_assignment_period(client_as, assignment):
    client_as("strateg").post(
        "/uppdrag/uppdraget/",
        {
            "title": assignment.title,
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
            "version": assignment.version,
        },
    )
    assignment.refresh_from_db()
    assert assignment.period_end == datetime.date(2027, 12, 31)


def test_the_export_builder_refuses_a_user_who_may_not_see_reports(cast, points):
    from intro_sodertorn.exports import export_run
    from intro_sodertorn.models import ExportJob
    from uppdrag.services import report_snapshot_create

    snapshot = report_snapshot_create(
        points["regional"].commitment.assignment,
        cast["strateg"],
        "Rapport",
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    job = ExportJob.objects.create(
        user=cast["lasare"], kind="uppdrag.report", title="x", params={"snapshot": snapshot.pk}
    )
    assert export_run(job.pk).status == "failed"


def test_the_form_offers_checkboxes_with_a_filter_box_for_the_long_lists(client_as, points, municipalities):
    from natverk.models import Organisation

    Organisation.objects.create(name="Försäkringskassan")
    page = client_as("strateg").get(reverse("uppdrag:actionpoint_edit", args=[points["huddinge"].pk]))
    html = page.content.decode()
    assert "Håll ned Ctrl" not in html and '<select name="municipalities"' not in html
    huddinge = municipalities["Huddinge"].pk
    assert f'type="checkbox" class="form-check-input"  name="municipalities" value="{huddinge}"' in html
    assert 'id="div_id_municipalities" class="mb-3 checkbox-columns"' in html
    for name in ("organisations", "networks", "insatser"):
        assert f'id="div_id_{name}" class="mb-3 checkbox-filter"' in html
    assert 'name="organisations"' in html and "Försäkringskassan" in html
    # The filter box is added by the script, with its texts translated on the server.
    assert "uppdrag/checkbox_filter.js" in html and 'data-label="Sök bland {name}"' in html


def test_checked_boxes_save_the_related_municipalities_and_organisations(client_as, cast, commitments, municipalities):
    from natverk.models import Organisation

    kassan = Organisation.objects.create(name="Försäkringskassan")
    response = client_as("strateg").post(
        reverse("uppdrag:actionpoint_create"),
        {
            "title": "Gemensam informationsdag",
            "kind": "information",
            "status": "planned",
            "priority": "2",
            "municipalities": [municipalities["Salem"].pk, municipalities["Botkyrka"].pk],
            "organisations": [kassan.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    point = ActionPoint.objects.get(title="Gemensam informationsdag")
    assert sorted(str(m) for m in point.municipalities.all()) == ["Botkyrka", "Salem"]
    assert list(point.organisations.all()) == [kassan]


def test_the_list_filters_status_with_checkboxes_and_names_the_empty_choices(client_as, points):
    html = client_as("strateg").get("/uppdrag/atgardspunkter/?status=ongoing&status=planned").content.decode()
    assert 'type="checkbox" class="form-check-input"  name="status" value="ongoing"  id="id_status_1" checked' in html
    assert "Alla åtaganden" in html and "Alla kommuner" in html and "Alla typer" in html
    assert "---------" not in html


def test_a_saved_report_reads_like_a_document_for_the_steering_group(client_as, points):
    JournalNote.objects.create(action_point=points["regional"], date=datetime.date(2026, 10, 5), text="Utkast skrivet.")
    client = client_as("strateg")
    html = client.get(report_post(client)["Location"]).content.decode()
    assert '<h1 class="report-title" id="report-title">Lägesrapport november</h1>' in html
    assert "<dt>Period</dt><dd>2026-09-01 – 2026-11-30</dd>" in html
    assert "<dt>Datum</dt>" in html and "Upprättad av" in html
    assert '<h2 id="report-introduction">Inledning</h2>' in html and "Inledning till styrgruppen." in html
    assert "<h3>1. Genomför minst en informationsinsats</h3>" in html
    assert '<span class="report-when">2026-10-05</span> Utkast skrivet.' in html
    # The buttons and the page's own navigation are not printed.
    assert 'class="report-toolbar no-print"' in html


def test_dated_items_of_a_report_section_come_in_date_order(client_as, points):
    response = report_post(client_as("strateg"), save=None, preview="1")
    first = response.context["report"]["commitments"][0]["points"]
    assert [point["when"] for point in first] == sorted(point["when"] for point in first)
    assert [point["title"] for point in first] == ["Informationsinsats i Botkyrka", "Rapport till Lst/MIV"]


def test_a_report_saved_in_english_shows_swedish_labels_on_a_swedish_page(client_as, cast, assignment, points):
    from django.utils import translation

    from uppdrag.services import report_snapshot_create

    with translation.override("en"):
        snapshot = report_snapshot_create(
            assignment, cast["strateg"], "Status report", datetime.date(2026, 9, 1), datetime.date(2026, 11, 30)
        )
    point = snapshot.data["commitments"][0]["points"][0]
    assert "status_label" not in point and point["status"] in {"planned", "ongoing"}
    html = client_as("strateg").get(reverse("uppdrag:report_detail", args=[snapshot.pk])).content.decode()
    assert "Inte bedömd" in html and "Not assessed" not in html
    assert "Pågår" in html and "Ongoing" not in html


def test_an_older_report_with_an_unknown_status_code_still_shows(client_as, cast, assignment):
    data = {
        "assignment": "Uppdraget",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "commitments": [
            {
                "number": "1",
                "title": "Åtagande",
                "health": "on_track",
                "health_note": "",
                "points": [{"title": "Gammal punkt", "status": "archived", "when": "", "owner": "", "notes": []}],
            }
        ],
        "areas": [],
        "other": [],
        "totals": {"points": 1, "done": 0},
    }
    snapshot = ReportSnapshot.objects.create(
        assignment=assignment,
        title="Gammal rapport",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        data=data,
        created_by=cast["strateg"],
    )
    html = client_as("strateg").get(reverse("uppdrag:report_detail", args=[snapshot.pk])).content.decode()
    assert "Gammal punkt" in html and ">archived<" in html
