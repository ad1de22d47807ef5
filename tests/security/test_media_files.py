"""Uploaded and exported files are served only through the views that check their owner, in every mode."""

import importlib

import pytest
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve


@pytest.mark.parametrize("debug", [True, False])
def test_no_url_serves_the_media_folder(debug, settings):
    import intro_sodertorn.urls as urls

    with override_settings(DEBUG=debug):
        importlib.reload(urls)
        clear_url_caches()
        try:
            for path in (f"{settings.MEDIA_URL}exports/2026/11/insatser-2026-11-30.xlsx", "/media/imports/a.xlsx"):
                with pytest.raises(Resolver404):
                    resolve(path)
        finally:
            importlib.reload(urls)
            clear_url_caches()


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_no_export_file(client, settings, tmp_path):
    exported = tmp_path / "media" / "exports" / "2026" / "11"
    exported.mkdir(parents=True)
    (exported / "insatser-2026-11-30.xlsx").write_bytes(b"PK internal notes")
    response = client.get(f"{settings.MEDIA_URL}exports/2026/11/insatser-2026-11-30.xlsx")
    assert response.status_code in (302, 404)
    assert b"internal notes" not in b"".join(getattr(response, "streaming_content", [response.content]))
