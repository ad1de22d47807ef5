"""docker-compose.yml, settings and README agree on the configuration."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
SETTINGS = (ROOT / "intro_sodertorn/settings.py").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMPOSE_ONLY = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PORT"}


def _compose_variables():
    return set(re.findall(r"\$\{([A-Z_]+)", COMPOSE))


def _settings_variables():
    return set(re.findall(r"""(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z_]+)["']""", SETTINGS))


def test_every_variable_the_compose_file_passes_is_read_by_settings():
    passed = set(re.findall(r"^\s{4}([A-Z_]+):", COMPOSE.split("services:")[0], re.MULTILINE))
    assert passed, "no environment found in the x-portal block"
    assert passed - _settings_variables() == set()


def test_every_variable_is_documented_in_the_readme():
    undocumented = {name for name in _compose_variables() | _settings_variables() if f"`{name}`" not in README}
    assert undocumented == set()


def test_the_compose_variables_are_settings_or_compose_only():
    assert _compose_variables() - _settings_variables() - COMPOSE_ONLY == set()


def test_compose_has_the_five_services_and_migrates_on_start():
    for service in ("db:", "redis:", "web:", "worker:", "beat:"):
        assert f"\n  {service}" in COMPOSE
    assert "manage.py migrate" in COMPOSE
    assert "gunicorn intro_sodertorn.wsgi" in COMPOSE
    assert "celery -A intro_sodertorn worker" in COMPOSE
    assert "celery -A intro_sodertorn beat" in COMPOSE


def test_every_scheduled_task_is_a_registered_celery_task():
    from django.conf import settings

    from intro_sodertorn.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a task"
