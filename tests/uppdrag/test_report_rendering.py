"""The frozen report's document is rendered once per state, language and template version, then served as stored."""

import copy
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from uppdrag import report_rendering
from uppdrag.models import ReportSnapshot

from .test_report_steering import report_post


@pytest.fixture
def renders(monkeypatch):
    """Every time the document is rendered (not served from the cache): the names of the templates rendered."""
    calls = []
    real = report_rendering.render_to_string

    def counting(name, context):
        calls.append(name)
        return real(name, context)

    monkeypatch.setattr(report_rendering, "render_to_string", counting)
    return calls


@pytest.fixture
def saved(client_as, points):
    client = client_as("strateg")
    report_post(client)
    return client, ReportSnapshot.objects.get()


def test_the_document_is_rendered_once_and_then_served_as_rendered(saved, renders):
    client, snapshot = saved
    url = reverse("uppdrag:report_detail", args=[snapshot.pk])
    first = client.get(url).content.decode()
    assert renders == [report_rendering.BODY_TEMPLATE]
    second = client.get(url).content.decode()
    assert renders == [report_rendering.BODY_TEMPLATE]  # not rendered again
    assert "Rapport till Lst/MIV" in first and "Pågår" in first
    # The page around the document is the reader's (its form's token differs): the document is the same.
    document = first[first.index('<article class="report"') : first.index("</article>")]
    assert document and document in second
    assert report_rendering.BODY_PLACE not in second
    # The summary's rows lead to their sections.
    assert '<a href="#report-c-1">' in first and '<section class="report-section" id="report-c-1">' in first
    assert '<a href="#report-a-1">' in first and 'id="report-a-1"' in first


def test_another_language_or_a_corrected_title_renders_anew(saved, renders):
    client, snapshot = saved
    url = reverse("uppdrag:report_detail", args=[snapshot.pk])
    client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert len(renders) == 2
    assert "Ongoing" in english and "Pågår" not in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    # The admin corrects the title: the document shows the new one (no stale rendering).
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(title="Lägesrapport november (rättad)")
    html = client.get(url).content.decode()
    assert len(renders) == 3
    assert '<h1 class="report-title" id="report-title">Lägesrapport november (rättad)</h1>' in html


def test_a_new_version_of_a_template_renders_anew(saved, renders, tmp_path):
    client, snapshot = saved
    url = reverse("uppdrag:report_detail", args=[snapshot.pk])
    before = client.get(url).content.decode()
    # A release changes one of the templates the document includes.
    source = Path(settings.BASE_DIR, "uppdrag/templates/uppdrag/includes/report_points.html")
    changed = tmp_path / "uppdrag" / "includes" / "report_points.html"
    changed.parent.mkdir(parents=True)
    shutil.copy(source, changed)
    changed.write_text(source.read_text().replace('<ol class="report-points">', '<ol class="report-points v2">'))
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    with override_settings(TEMPLATES=templates):
        after = client.get(url).content.decode()
    assert len(renders) == 2
    assert 'class="report-points v2"' in after and 'class="report-points v2"' not in before


def test_the_content_digest_is_stored_with_the_content(saved):
    _client, snapshot = saved
    assert snapshot.data_digest == ReportSnapshot.digest_of(snapshot.data)
    snapshot.data = {**snapshot.data, "activities": "1. Ett möte"}
    snapshot.save(update_fields=["data"])
    snapshot.refresh_from_db()
    assert snapshot.data_digest == ReportSnapshot.digest_of(snapshot.data)
    # Saving other fields leaves the digest as it is.
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data_digest="x")
    snapshot.refresh_from_db()
    snapshot.save(update_fields=["title"])
    snapshot.refresh_from_db()
    assert snapshot.data_digest == "x"


def test_changed_content_renders_anew(saved, renders):
    client, snapshot = saved
    url = reverse("uppdrag:report_detail", args=[snapshot.pk])
    client.get(url)
    snapshot.data = {**snapshot.data, "activities": "1. Ett nytt möte i perioden"}
    snapshot.save(update_fields=["data"])
    html = client.get(url).content.decode()
    assert len(renders) == 2
    assert "Ett nytt möte i perioden" in html
