"""SENTRY_DSN: errors reach the tracker, nothing the visitor typed or holds does. A real sentry-sdk in a
separate process sends to a small HTTP server of the test, which keeps what arrives."""

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from intro_sodertorn.error_tracker import scrub_event

ROOT = Path(__file__).resolve().parents[2]
PRIVATE = "Anna19850101"


class Collector(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        Collector.received.append(body.decode("utf-8", errors="replace"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def collector():
    Collector.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_a_500_reaches_the_tracker_without_query_body_or_cookies(collector, tmp_path):
    code = (
        "import django; django.setup()\n"
        "import sentry_sdk\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False)\n"
        f"client.cookies['sessionid'] = 'cookie-{PRIVATE}'\n"
        f"response = client.post('/trasig/?q={PRIVATE}', {{'name': 'body-{PRIVATE}'}},"
        f" HTTP_REFERER='https://portal.example.se/?q=ref-{PRIVATE}')\n"
        "print(response.status_code)\n"
        "sentry_sdk.flush(timeout=10)\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intro_sodertorn.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "ADMINS": "",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{collector}/1",
        "SENTRY_ENVIRONMENT": "test",
    }
    # The broken view of test_errors as the URLconf: DJANGO_SETTINGS_MODULE cannot set it, so a wrapper module.
    settings_module = tmp_path / "tracker_settings.py"
    settings_module.write_text(
        "from intro_sodertorn.settings import *  # noqa: F403\n"
        "ROOT_URLCONF = 'tests.intro_sodertorn.test_errors'\n"
        "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
    )
    environment["DJANGO_SETTINGS_MODULE"] = "tracker_settings"
    environment["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{ROOT}"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "500"
    sent = "\n".join(Collector.received)
    assert "the view broke" in sent and "RuntimeError" in sent
    assert '"environment":"test"' in sent.replace(" ", "")
    assert "/trasig/" in sent
    assert PRIVATE not in sent, "personal data reached the tracker"


def test_scrub_event_removes_every_private_part():
    event = {
        "request": {
            "url": f"https://portal.example.se/natverk/?q={PRIVATE}",
            "query_string": f"q={PRIVATE}",
            "data": {"name": PRIVATE},
            "cookies": {"sessionid": PRIVATE},
            "headers": {"Cookie": PRIVATE, "Referer": PRIVATE, "User-Agent": "Firefox"},
            "env": {"REMOTE_ADDR": "10.0.0.1"},
        },
        "user": {"id": 5, "email": f"{PRIVATE}@example.se"},
        "breadcrumbs": {"values": [{"category": "query", "data": {"db.params": [PRIVATE]}}]},
    }
    scrubbed = scrub_event(event)
    assert PRIVATE not in json.dumps(scrubbed)
    assert scrubbed["request"]["url"] == "https://portal.example.se/natverk/"
    assert scrubbed["request"]["headers"] == {"User-Agent": "Firefox"}
