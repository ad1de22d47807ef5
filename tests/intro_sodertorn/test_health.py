"""/healthz: the database and Redis reported separately, no login, nothing personal."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(client):
    response = client.get("/healthz")
    return response, json.loads(response.content)


def test_anonymous_gets_ok_with_the_redis_of_the_tests(client):
    assert os.environ.get("REDIS_URL"), "scripts/test.sh starts a Redis"
    with override_settings(REDIS_URL=os.environ["REDIS_URL"]):
        response, body = _get(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"]
    # No session or CSRF cookie: a probe every few seconds must not create sessions.
    assert not response.cookies


def test_redis_down_is_reported_but_the_portal_stays_healthy(client):
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0"):
        response, body = _get(client)
    assert response.status_code == 200
    assert body == {"status": "ok", "database": "ok", "redis": "error"}


def test_without_redis_tasks_run_inline_and_it_says_so(client):
    with override_settings(REDIS_URL=""):
        response, body = _get(client)
    assert response.status_code == 200
    assert body["redis"] == "not configured"


def test_database_down_is_503(client):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with override_settings(REDIS_URL=""), mock.patch.object(connection, "cursor", refuse):
        response, body = _get(client)
    assert response.status_code == 503
    assert body == {"status": "error", "database": "error", "redis": "not configured"}


def test_post_is_refused(client):
    assert client.post("/healthz").status_code == 405


HEALTHCHECK = Path(__file__).resolve().parents[2] / "scripts" / "healthcheck.py"


def _run_healthcheck(url, allowed_hosts):
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": allowed_hosts}
    return subprocess.run([sys.executable, str(HEALTHCHECK), url], capture_output=True, text=True, env=env, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_the_compose_health_check_script_passes_against_a_running_portal(live_server, settings):
    settings.ALLOWED_HOSTS = [".example.se"]  # a leading dot: the domain and its subdomains
    settings.SECURE_SSL_REDIRECT = True  # as in production: /healthz is exempt
    result = _run_healthcheck(f"{live_server.url}/healthz", ".example.se,other.example.se")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["database"] == "ok"


def test_the_compose_health_check_script_fails_when_nothing_answers():
    result = _run_healthcheck(f"http://127.0.0.1:{_free_port()}/healthz", "portal.example.se")
    assert result.returncode == 1
    assert result.stdout.startswith("unhealthy:")
