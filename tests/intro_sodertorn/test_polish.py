"""Small things people notice: a favicon on every page, `make run PORT=…` links to its own port."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_page_links_the_favicon_and_it_exists(client):
    body = client.get("/").content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', body)
    assert match, "no favicon link in base.html"
    path = finders.find(match.group(1).removeprefix("/static/"))
    assert path, match.group(1)
    assert Path(path).read_text(encoding="utf-8").startswith("<svg")


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_make_run_on_another_port_sets_site_url_to_that_port():
    result = subprocess.run(
        ["make", "-n", "-o", ".venv/.runtime", "run", "PORT=8123"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    runserver = [line for line in result.stdout.splitlines() if "runserver" in line]
    assert len(runserver) == 1
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8123}" in runserver[0]
    assert runserver[0].endswith("runserver 127.0.0.1:8123")
