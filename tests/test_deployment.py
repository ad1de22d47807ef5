"""docker-compose.yml, .env.example, settings and README agree on the configuration, and compose is a deployment:
every setting reaches the containers, every long-running service has a health check, migrations run once first."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_PATH = ROOT / "intro_sodertorn/settings.py"
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
ENV_EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Variables only docker-compose.yml itself reads (interpolation), never the portal.
COMPOSE_ONLY = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PORT"}
PORTAL_SERVICES = ("migrate", "web", "worker", "beat")
ENV_READERS = {"env_bool", "env_list"}  # settings.py's helpers: their first argument is the variable's name


def settings_variables(source):
    """Every environment variable a settings module reads, from its syntax tree.

    Reads are ``os.environ.get("X")``, ``os.environ["X"]``, ``os.getenv("X")`` and the helpers
    ``env_bool("X")``/``env_list("X")``; a read whose name is not a literal fails (it cannot be checked),
    except the helpers' own bodies, which read the name they were given.
    """
    tree = ast.parse(source)
    helpers = {node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name in ENV_READERS}
    inside_helpers = {id(inner) for helper in helpers for inner in ast.walk(helper)}
    names = set()
    for node in ast.walk(tree):
        name_node = None
        if isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            if func in {"os.environ.get", "os.getenv", "os.environ.setdefault", *ENV_READERS} and node.args:
                name_node = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            name_node = node.slice
        if name_node is None or id(node) in inside_helpers:
            continue
        if not (isinstance(name_node, ast.Constant) and isinstance(name_node.value, str)):
            raise AssertionError(f"settings.py line {node.lineno}: an environment read without a literal name")
        names.add(name_node.value)
    return names


def env_example_variables():
    """Names documented in .env.example, set (NAME=...) or commented out with their default (# NAME=...)."""
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, re.MULTILINE))


def required_in_env_example():
    return set(re.findall(r"^# REQUIRED\..*\n([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, re.MULTILINE))


def service(name):
    return COMPOSE["services"][name]


def environment_of(name):
    environment = service(name).get("environment", {})
    if isinstance(environment, list):
        return {item.split("=", 1)[0] for item in environment}
    return set(environment)


def env_files_of(name):
    entries = service(name).get("env_file", [])
    entries = [entries] if isinstance(entries, str | dict) else entries
    return [entry["path"] if isinstance(entry, dict) else entry for entry in entries]


SETTINGS_VARIABLES = settings_variables(SETTINGS_PATH.read_text(encoding="utf-8"))


def test_the_parser_finds_every_kind_of_read_and_refuses_a_computed_name():
    source = (
        "import os\n"
        "def env_bool(name, default=False):\n    return os.environ.get(name)\n"
        "def env_list(name, default=''):\n    return os.environ.get(name, default).split(',')\n"
        "A = os.environ.get('A_VAR', '1')\nB = os.environ['B_VAR']\nC = os.getenv('C_VAR')\n"
        "D = env_bool('D_VAR')\nE = env_list('E_VAR')\n"
    )
    assert settings_variables(source) == {"A_VAR", "B_VAR", "C_VAR", "D_VAR", "E_VAR"}
    with pytest.raises(AssertionError, match="without a literal name"):
        settings_variables("import os\nname = 'X'\nX = os.environ.get(name)\n")
    # The real settings: a sample the README has always listed.
    assert {"DJANGO_SECRET_KEY", "DJANGO_USE_X_FORWARDED_FOR", "AUDIT_RETENTION_DAYS", "XLSX_MAX_ROWS"} <= (
        SETTINGS_VARIABLES
    )


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_every_portal_container_gets_the_whole_env_file(name):
    assert ".env" in env_files_of(name), f"{name} does not read .env (env_file)"


def test_every_setting_is_passed_through_and_documented_in_env_example():
    passed = env_example_variables() | environment_of("web")
    missing = SETTINGS_VARIABLES - passed
    assert missing == set(), f"read by settings.py but neither in .env.example nor set by compose: {missing}"


def test_every_variable_of_env_example_and_compose_is_read_by_settings_or_by_compose():
    documented = env_example_variables() | environment_of("web")
    unknown = documented - SETTINGS_VARIABLES - COMPOSE_ONLY
    assert unknown == set(), f"passed to the containers but read by nothing: {unknown}"
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_TEXT))
    assert interpolated - SETTINGS_VARIABLES - COMPOSE_ONLY == set()
    assert interpolated >= COMPOSE_ONLY, "a compose-only variable that compose no longer reads"


def test_the_required_variables_stop_compose_and_are_marked_in_env_example():
    required = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):\?", COMPOSE_TEXT))
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SITE_URL", "POSTGRES_PASSWORD", "EMAIL_HOST"} <= required
    assert required_in_env_example() == required


def test_the_portal_containers_share_one_environment():
    for name in PORTAL_SERVICES:
        assert environment_of(name) == environment_of("web"), name
        assert service(name)["environment"]["DJANGO_DEBUG"] == "0"


def test_every_variable_is_in_the_readme_table():
    undocumented = {name for name in SETTINGS_VARIABLES | COMPOSE_ONLY if f"`{name}`" not in README}
    assert undocumented == set()


def test_every_long_running_service_has_a_health_check():
    for name, definition in COMPOSE["services"].items():
        if definition.get("restart") == "no":
            continue  # a one-shot job (migrate): it exits
        assert "healthcheck" in definition and definition["healthcheck"].get("test"), f"{name} has no health check"
    assert "scripts/healthcheck.py" in service("web")["healthcheck"]["test"]
    assert "inspect ping" in " ".join(service("worker")["healthcheck"]["test"])


def test_migrations_run_once_before_web_worker_and_beat():
    assert service("migrate")["restart"] == "no"
    assert service("migrate")["command"][-2:] == ["migrate", "--no-input"]
    for name in ("web", "worker", "beat"):
        depends = service(name)["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["db"] == {"condition": "service_healthy"}, name
        assert "migrate" not in " ".join(service(name)["command"]), f"{name} migrates on start"


def test_beat_is_a_single_instance():
    beat = service("beat")
    assert beat["deploy"]["replicas"] == 1
    assert "beat" in beat["command"]
    assert all("beat" not in " ".join(service(name)["command"]) for name in ("web", "worker"))


def test_secrets_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and ".env*" in ignored
    assert ".venv" in ignored and "var" in ignored


def test_every_scheduled_task_is_a_registered_celery_task():
    from django.conf import settings

    from intro_sodertorn.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a task"


def _settings_in_a_process(env, code):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "intro_sodertorn.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_database_driver_is_psycopg_3():
    code = "from django.db import connection; print(connection.Database.__name__)"
    assert _settings_in_a_process({"DATABASE_URL": "postgres://u:p@127.0.0.1:1/db"}, code) == "psycopg"


def test_database_pool_turns_on_djangos_pool_on_postgresql_only():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("needs the PostgreSQL of scripts/test.sh")
    code = (
        "from django.conf import settings; from django.db import connection\n"
        "with connection.cursor() as cursor: cursor.execute('SELECT 1'); value = cursor.fetchone()[0]\n"
        "print(settings.DATABASES['default']['OPTIONS'].get('pool'), settings.DATABASES['default']['CONN_MAX_AGE'],"
        " connection.pool is not None, value)"
    )
    assert _settings_in_a_process({"DATABASE_POOL": "1"}, code) == "True 0 True 1"
    assert _settings_in_a_process({"DATABASE_POOL": ""}, code) == "None 60 False 1"
    sqlite = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('pool'))"
    assert _settings_in_a_process({"DATABASE_POOL": "1", "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, sqlite) == "None"
