"""“Mina exporter” updates a running job's row from a JSON status URL instead of reloading itself."""

import json
import uuid

import pytest
from django.urls import reverse

from intro_sodertorn.models import ExportJob
from tests.accessibility.test_axe import _run_axe

pytestmark = pytest.mark.django_db


def _job(user, status, title, **fields):
    return ExportJob.objects.create(user=user, kind="tests.none", title=title, status=status, **fields)


def _status(client, *ids):
    response = client.get(reverse("export_status"), {"id": [str(pk) for pk in ids]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return {job["id"]: job for job in json.loads(response.content)["jobs"]}


def test_the_page_has_no_meta_refresh_but_a_status_region_and_the_script(cast, client_as):
    _job(cast["strateg"], ExportJob.Status.RUNNING, "Pågående lista", progress=40)
    body = client_as("strateg").get(reverse("exports")).content.decode()
    assert 'http-equiv="refresh"' not in body
    assert 'id="export-status" role="status" aria-live="polite"' in body
    assert f'data-status-url="{reverse("export_status")}"' in body
    assert "js/exports.js" in body
    assert 'data-export-finished="false"' in body


def test_a_finished_job_comes_back_with_its_new_row_and_an_announcement(cast, client_as):
    job = _job(cast["strateg"], ExportJob.Status.RUNNING, "Kommunlista", progress=40)
    client = client_as("strateg")
    running = _status(client, job.pk)[str(job.pk)]
    assert running["finished"] is False
    assert "40 %" in running["row"] and 'data-export-finished="false"' in running["row"]

    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, progress=100)
    done = _status(client, job.pk)[str(job.pk)]
    assert done["finished"] is True
    assert reverse("export_download", args=[job.pk]) in done["row"]
    assert 'data-export-finished="true"' in done["row"]
    assert done["announcement"] == "Kommunlista: Klar."

    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED)
    failed = _status(client, job.pk)[str(job.pk)]
    assert failed["finished"] is True
    assert failed["announcement"] == "Kommunlista: Misslyckades."
    assert "badge text-bg-danger" in failed["row"] and "export_download" not in failed["row"]


def test_only_the_owners_jobs_are_told_and_bad_ids_are_ignored(cast, client_as):
    mine = _job(cast["lasare"], ExportJob.Status.QUEUED, "Min")
    theirs = _job(cast["strateg"], ExportJob.Status.RUNNING, "Strategens hemliga lista")
    response = client_as("lasare").get(
        reverse("export_status"), {"id": [str(mine.pk), str(theirs.pk), "inte-ett-id", str(uuid.uuid4())]}
    )
    assert response.status_code == 200
    assert [job["id"] for job in json.loads(response.content)["jobs"]] == [str(mine.pk)]
    assert b"Strategens hemliga lista" not in response.content
    assert client_as("admin").get(reverse("export_status"), {"id": str(theirs.pk)}).json() == {"jobs": []}


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("export_status"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_the_row_turns_into_a_download_link_without_a_reload(
    page, live_server, cast, login, screenshot_dir
):
    job = _job(cast["strateg"], ExportJob.Status.RUNNING, "Kommunlista", progress=40)
    login(page, "strateg")
    page.goto(f"{live_server.url}{reverse('exports')}")
    page.evaluate("window.notReloaded = true")
    status = page.locator("#export-status")
    assert status.inner_text() == "En export skapas. Sidan uppdateras av sig själv var femte sekund."
    page.screenshot(path=screenshot_dir / "exports-running.png", full_page=True)
    # The axe walk (tests/accessibility) sees the page without a running job; this is the running state.
    assert _run_axe(page) == []

    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, progress=100)
    link = page.get_by_role("link", name="Ladda ner Kommunlista")
    link.wait_for(timeout=15000)
    assert status.inner_text() == "Kommunlista: Klar."
    assert page.evaluate("window.notReloaded") is True, "the page reloaded"
    assert link.get_attribute("href") == reverse("export_download", args=[job.pk])
    page.screenshot(path=screenshot_dir / "exports-done.png", full_page=True)
    assert _run_axe(page) == []
