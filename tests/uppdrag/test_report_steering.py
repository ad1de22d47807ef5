"""The steering-group report as a document: narratives, overdue marks, "since the previous report", publishing."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from natverk.models import Contact, Membership, Network
from uppdrag.access import STEERING_GROUP_NAME
from uppdrag.models import ActionPoint, ReportSnapshot
from uppdrag.narrative import narrative_html

SITE = "https://portal.example.se"


def report_post(client, **extra):
    data = {
        "title": "Lägesrapport november",
        "period_start": "2026-09-01",
        "period_end": "2026-11-30",
        "introduction": "",
        "save": "1",
    }
    data.update(extra)
    return client.post("/uppdrag/rapporter/ny/", {key: value for key, value in data.items() if value is not None})


@pytest.fixture
def steering(db, cast):
    """The steering group with the Botkyrka intro manager as a member (matched by e-mail, in other case)."""
    network = Network.objects.create(name=STEERING_GROUP_NAME, kind=Network.Kind.STEERING_GROUP)
    contact = Contact.objects.create(name="Intro Botkyrka", email=cast["introchef-botkyrka"].email.upper())
    Membership.objects.create(network=network, contact=contact, valid_from=datetime.date(2025, 1, 1))
    # A former member: membership ended, gets no mail and no access.
    former = Contact.objects.create(name="Före detta", email=cast["admin-huddinge"].email)
    Membership.objects.create(
        network=network, contact=former, valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2025, 1, 1)
    )
    return network


# --- The narrative ---------------------------------------------------------------------------


def test_the_narrative_makes_paragraphs_and_lists_and_escapes_html():
    text = (
        "Förslag diskuterat med **utvecklare**.\nSkickas ut i juni.\n\n"
        "- Salem 3/6\n- Botkyrka september\n\n1. Webbplatsen\n2. SKL:s konferens\n\n<script>alert(1)</script>"
    )
    html = narrative_html(text)
    assert "<p>Förslag diskuterat med <strong>utvecklare</strong>.<br>Skickas ut i juni.</p>" in html
    assert "<ul><li>Salem 3/6</li><li>Botkyrka september</li></ul>" in html
    assert '<ol><li value="1">Webbplatsen</li><li value="2">SKL:s konferens</li></ol>' in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_narrative_is_frozen_per_commitment_and_rendered_safely(client_as, points, commitments):
    client = client_as("strateg")
    narrative = "Förslag diskuterat.\n\n- Salem\n- Botkyrka <b>snart</b>"
    report_post(client, **{f"narrative_{commitments[0].pk}": narrative})
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.data["commitments"][0]["narrative"] == narrative
    assert snapshot.data["commitments"][1]["narrative"] == ""
    html = client.get(reverse("uppdrag:report_detail", args=[snapshot.pk])).content.decode()
    assert "<ul><li>Salem</li><li>Botkyrka &lt;b&gt;snart&lt;/b&gt;</li></ul>" in html


# --- Points in the report --------------------------------------------------------------------


def test_an_overdue_point_is_marked_and_watch_items_have_their_own_list(client_as, points, commitments):
    ActionPoint.objects.create(
        title="Förordning om ersättningar", commitment=commitments[0], kind="watch", expected_text="före sommaren"
    )
    report_post(client_as("strateg"))
    first = ReportSnapshot.objects.get().data["commitments"][0]
    by_title = {point["title"]: point for point in first["points"]}
    # Planned, due 2026-11-18, the report frozen 2026-11-23: overdue. Due 2026-11-30: not yet.
    assert by_title["Informationsinsats i Botkyrka"]["overdue"] is True
    assert by_title["Rapport till Lst/MIV"]["overdue"] is False
    assert [point["title"] for point in first["watch"]] == ["Förordning om ersättningar"]
    assert "Förordning om ersättningar" not in by_title
    html = client_as("strateg").get(reverse("uppdrag:report_detail", args=[ReportSnapshot.objects.get().pk]))
    assert html.content.decode().count("overdue-badge") == 1


def test_since_the_previous_report_new_done_slipped_and_moved(client_as, points, commitments):
    client = client_as("strateg")
    report_post(client, title="Förra")
    assert ReportSnapshot.objects.get().data["previous"] is None
    points["regional"].status_set("done")
    points["botkyrka"].due_date = datetime.date(2026, 12, 15)  # was 2026-11-18
    points["botkyrka"].save()
    points["huddinge"].commitment = commitments[0]  # was under commitment 2
    points["huddinge"].save()
    ActionPoint.objects.create(title="Ny punkt", commitment=commitments[0], due_date=datetime.date(2026, 12, 1))
    report_post(client, title="Denna")
    latest = ReportSnapshot.objects.get(title="Denna")
    assert latest.data["previous"]["title"] == "Förra"
    since = latest.data["commitments"][0]["since"]
    assert [item["title"] for item in since["new"]] == ["Ny punkt"]
    assert [item["title"] for item in since["done"]] == ["Rapport till Lst/MIV"]
    assert since["slipped"] == [{"title": "Informationsinsats i Botkyrka", "from": "2026-11-18", "to": "2026-12-15"}]
    assert since["moved"] == [
        {"title": "Rutin för insatsbasen i Huddinge", "from": "2. Producerar och följer en kommunikationsplan"}
    ]
    assert latest.data["commitments"][1]["since"] == {"new": [], "done": [], "slipped": [], "moved": []}
    html = client.get(reverse("uppdrag:report_detail", args=[latest.pk])).content.decode()
    assert "Sedan förra rapporten" in html and "2026-11-18" in html and "2026-12-15" in html
    # The Excel file carries the same section under each commitment and area.
    import io

    import openpyxl
    from django.contrib.auth import get_user_model

    from intro_sodertorn.models import ExportJob
    from intro_sodertorn.xlsx import XlsxWriter
    from uppdrag.exports import build_report

    strategist = get_user_model().objects.get(username="strateg")
    job = ExportJob.objects.create(user=strategist, kind="uppdrag.report", params={"snapshot": latest.pk})
    writer = XlsxWriter()
    build_report(job, writer, lambda done, total: None)
    rows = list(openpyxl.load_workbook(io.BytesIO(writer.to_bytes())).worksheets[0].iter_rows(values_only=True))
    since_rows = [row for row in rows if row[1] and str(row[1]).startswith("Sedan förra rapporten")]
    assert len(since_rows) == len(latest.data["commitments"]) + len(latest.data["areas"])
    first = since_rows[0][6]
    assert "Nya: Ny punkt (2026-12-01)" in first and "Klar: Rapport till Lst/MIV" in first
    assert "Informationsinsats i Botkyrka: från 2026-11-18 till 2026-12-15" in first
    assert since_rows[1][6] == "Inga ändringar sedan förra rapporten."


def test_sub_areas_are_in_the_report_page(client_as, points, areas):
    report_post(client_as("strateg"))
    html = client_as("strateg").get(reverse("uppdrag:report_detail", args=[ReportSnapshot.objects.get().pk]))
    text = html.content.decode()
    assert "1.A Samhällsorienteringen" in text and "1.B Fortsatt uppföljning" in text


def test_the_excel_file_separates_commitments_and_areas(client_as, points, django_capture_on_commit_callbacks):
    import openpyxl

    from intro_sodertorn.models import ExportJob

    client = client_as("strateg")
    report_post(client)
    snapshot = ReportSnapshot.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("uppdrag:report_export", args=[snapshot.pk]))
    job = ExportJob.objects.get(kind="uppdrag.report")
    assert job.status == "done", job.error
    workbook = openpyxl.load_workbook(job.file.open("rb"))
    assert "Insatsbasen" in workbook.sheetnames
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    firsts = [row[0] for row in rows if row and row[0]]
    assert firsts.index("ÅTAGANDEN") < firsts.index("Åtagande 1") < firsts.index("STRATEGISKA OMRÅDEN")
    assert firsts.index("STRATEGISKA OMRÅDEN") < firsts.index("Område 1") < firsts.index("Område 1.A")
    assert any(row[3] and "försenad" in str(row[3]) for row in rows)


# --- Publishing and who reads it ---------------------------------------------------------------


@override_settings(SITE_URL=SITE)
def test_a_member_reads_a_published_report_and_an_outsider_gets_403(client_as, points, steering):
    strategist = client_as("strateg")
    report_post(strategist)
    snapshot = ReportSnapshot.objects.get()
    url = reverse("uppdrag:report_detail", args=[snapshot.pk])
    member = client_as("introchef-botkyrka")
    # Not yet published: the member may not read the draft.
    assert member.get(url).status_code == 403
    assert "Lägesrapport november" not in member.get("/").content.decode()

    response = strategist.post(reverse("uppdrag:report_publish", args=[snapshot.pk]))
    assert response.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.published_at is not None and snapshot.published_by.username == "strateg"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [steering.memberships.get(valid_to=None).contact.email]
    assert f"{SITE}{url}" in mail.outbox[0].body

    # Publishing again sends nothing more.
    strategist.post(reverse("uppdrag:report_publish", args=[snapshot.pk]))
    assert len(mail.outbox) == 1

    page = member.get(url)
    assert page.status_code == 200 and "Lägesrapport november" in page.content.decode()
    assert reverse("uppdrag:report_publish", args=[snapshot.pk]) not in page.content.decode()
    assert "Publicerad till styrgruppen" in page.content.decode()
    assert "Lägesrapport november" in member.get("/").content.decode()
    # A former member and someone outside the group: 403, also for a report that does not exist.
    for username in ("admin-huddinge", "lasare", "rapportor-botkyrka"):
        assert client_as(username).get(url).status_code == 403
    assert client_as("lasare").get(reverse("uppdrag:report_detail", args=[snapshot.pk + 99])).status_code == 403
    assert member.get(reverse("uppdrag:report_detail", args=[snapshot.pk + 99])).status_code == 404
    # Only the strategist publishes and exports.
    assert member.post(reverse("uppdrag:report_publish", args=[snapshot.pk])).status_code == 403
    assert member.post(reverse("uppdrag:report_export", args=[snapshot.pk])).status_code == 403
