"""Scripted fault checks: the portal under gunicorn (DJANGO_DEBUG=0) on its own PostgreSQL and Redis.

    scripts/check-faults.sh        # or: .venv/bin/python bench/faults.py

1. PostgreSQL restarted (``pg_ctl restart``) while gunicorn keeps its persistent connections:
   - control, with DATABASE_CONN_HEALTH_CHECKS=0: at least one request fails on the dead
     connection (so the check can see the fault);
   - as configured (health checks on): every request after the restart answers 200, without
     restarting gunicorn.
2. Redis down (``redis-cli shutdown``): pages answer 200, the export page says the export queue
   is unavailable and its button is disabled, starting an export anyway is a message (no 500)
   and leaves no job queued; when Redis is back, an export started runs to DONE in a worker.

The worker killed in the middle of an export is tested in tests/intro_sodertorn/test_faults.py
(a builder that waits to be killed; a real worker process killed with SIGKILL).

Own ports (PG_PORT 55505, REDIS_PORT 6505, WEB_PORT 8505) and state in SERVICES_DIR
(/tmp/intro-faults-services); everything started is stopped at the end. Prints PASS/FAIL per
check; the exit status is 1 when a check failed.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_PORT = os.environ.get("PG_PORT", "55505")
REDIS_PORT = os.environ.get("REDIS_PORT", "6505")
WEB_PORT = os.environ.get("WEB_PORT", "8505")
SERVICES_DIR = Path(os.environ.get("SERVICES_DIR", "/tmp/intro-faults-services"))
BASE = f"http://127.0.0.1:{WEB_PORT}"
QUEUE_DOWN = "Exportkön är inte tillgänglig just nu"


class LoopbackSession(requests.Session):
    """A browser on localhost: the portal's cookies are Secure (production settings), send them over http anyway."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


def log(message):
    print(message, flush=True)


def run(command, env=None, check=True, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=check, capture_output=True, text=True, **kwargs)


def pg_ctl():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return str(found[-1]) if found else "pg_ctl"


def as_postgres(command):
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Portal:
    """Services, gunicorn and a Celery worker for the checks; stop() ends every process it started."""

    def __init__(self):
        self.services_env = os.environ | {
            "PG_PORT": PG_PORT,
            "REDIS_PORT": REDIS_PORT,
            "SERVICES_DIR": str(SERVICES_DIR),
        }
        self.gunicorn = None
        self.worker = None
        self.env = None

    def start_services(self):
        output = run(["scripts/services.sh", "start"], env=self.services_env).stdout
        urls = dict(line.split("=", 1) for line in output.split() if "=" in line)
        self.env = os.environ | {
            "DATABASE_URL": urls["DATABASE_URL"],
            "REDIS_URL": urls["REDIS_URL"],
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "check-faults-only",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MEDIA_ROOT": str(SERVICES_DIR / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }

    def manage(self, *args):
        return run([PYTHON, "manage.py", *args], env=self.env).stdout

    def prepare_database(self):
        self.manage("migrate", "--no-input")
        self.manage("collectstatic", "--no-input")
        self.manage("load_demo", "--once")

    def start_gunicorn(self, **extra_env):
        self.stop_gunicorn()
        command = [str(ROOT / ".venv/bin/gunicorn"), "intro_sodertorn.wsgi", "-b", f"127.0.0.1:{WEB_PORT}", "-w", "2"]
        logfile = open(SERVICES_DIR / "gunicorn.log", "ab")  # noqa: SIM115 (closed by the child's exit)
        self.gunicorn = subprocess.Popen(command, cwd=ROOT, env=self.env | extra_env, stdout=logfile, stderr=logfile)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{BASE}/logga-in/", timeout=10).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop_gunicorn(self):
        if self.gunicorn and self.gunicorn.poll() is None:
            self.gunicorn.terminate()
            self.gunicorn.wait(timeout=30)
        self.gunicorn = None

    def start_worker(self):
        command = [PYTHON, "-m", "celery", "-A", "intro_sodertorn", "worker", "--pool=solo", "--loglevel=WARNING"]
        logfile = open(SERVICES_DIR / "worker.log", "ab")  # noqa: SIM115
        self.worker = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=logfile, stderr=logfile)

    def restart_postgres(self):
        # -l: the restarted server writes to its log file, not to our pipes (run() would wait on them).
        data = SERVICES_DIR / "pg"
        command = [pg_ctl(), "-D", str(data), "-l", str(data / "server.log"), "-m", "fast", "-w", "restart"]
        subprocess.run(as_postgres(command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop_redis(self):
        run(["redis-cli", "-p", REDIS_PORT, "shutdown", "nosave"], check=False)

    def start_redis(self):
        run(["scripts/services.sh", "start"], env=self.services_env)

    def export_jobs(self, status):
        code = (
            f"from intro_sodertorn.models import ExportJob; print(ExportJob.objects.filter(status={status!r}).count())"
        )
        return int(self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1])

    def stop(self):
        self.stop_gunicorn()
        if self.worker and self.worker.poll() is None:
            self.worker.terminate()
            self.worker.wait(timeout=30)
        run(["scripts/services.sh", "stop"], env=self.services_env, check=False)


def logged_in(username):
    session = LoopbackSession()
    form = session.get(f"{BASE}/logga-in/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = session.post(
        f"{BASE}/logga-in/",
        data={"username": username, "password": "demo", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )
    if response.status_code != 302:
        raise RuntimeError(f"Login as {username} failed ({response.status_code})")
    return session


def token_of(session, url):
    page = session.get(f"{BASE}{url}", timeout=10).text
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def statuses_after_postgres_restart(portal, session, requests_count=8):
    for _ in range(requests_count):
        session.get(f"{BASE}/insatser/", timeout=10)  # every gunicorn worker now holds a connection
    portal.restart_postgres()
    return [session.get(f"{BASE}/insatser/", timeout=30).status_code for _ in range(requests_count)]


def check_postgres_restart(portal):
    results = []
    portal.start_gunicorn(DATABASE_CONN_HEALTH_CHECKS="0")
    control = statuses_after_postgres_restart(portal, logged_in("admin-huddinge"))
    failed = sum(status >= 500 for status in control)
    results.append(
        (
            "PostgreSQL restart, control without health checks: the fault is seen",
            failed > 0,
            f"{failed} of {len(control)} requests failed on the dead connection: {control}",
        )
    )
    portal.start_gunicorn()
    checked = statuses_after_postgres_restart(portal, logged_in("admin-huddinge"))
    results.append(
        (
            "PostgreSQL restart with health checks: the portal recovers without a restart",
            all(status == 200 for status in checked),
            f"statuses after the restart: {checked}; gunicorn pid {portal.gunicorn.pid} unchanged",
        )
    )
    return results


def start_export(session):
    """POST the insats list's export button as a browser would; returns (response, seconds, page after)."""
    token = token_of(session, "/insatser/")
    started = time.monotonic()
    response = session.post(
        f"{BASE}/insatser/exportera/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{BASE}/insatser/"},
        allow_redirects=False,
        timeout=30,
    )
    seconds = time.monotonic() - started
    after = session.get(urljoin(f"{BASE}/insatser/", response.headers.get("Location", "/")), timeout=10)
    return response, seconds, after


def check_redis_down(portal):
    results = []
    session = logged_in("admin-huddinge")
    token_of(session, "/insatser/")  # the page was loaded while Redis was up: its button is enabled
    portal.stop_redis()
    response, seconds, after = start_export(session)
    results.append(
        (
            "Redis just went down: an export started from a page loaded before is a message, no 500, nothing queued",
            response.status_code == 302 and QUEUE_DOWN in after.text and portal.export_jobs("queued") == 0,
            f"POST {response.status_code} in {seconds:.2f} s back to {response.headers.get('Location')}, "
            f"message shown: {QUEUE_DOWN in after.text}, queued jobs: {portal.export_jobs('queued')}, "
            f"failed jobs (told on Mina exporter): {portal.export_jobs('failed')}",
        )
    )
    time.sleep(11)  # every gunicorn worker's cached broker check (10 s) has now seen Redis down
    started = time.monotonic()
    page = session.get(f"{BASE}/insatser/", timeout=30)
    seconds = time.monotonic() - started
    button = page.text.split(QUEUE_DOWN)[0].rsplit("<button", 1)[-1] if QUEUE_DOWN in page.text else ""
    results.append(
        (
            "Redis down: the export page serves and its button is disabled, saying the queue is unavailable",
            page.status_code == 200 and "disabled" in button and seconds < 3,
            f"status {page.status_code} in {seconds:.2f} s, button disabled with the reason: {'disabled' in button}",
        )
    )
    jobs_before = sum(portal.export_jobs(status) for status in ("queued", "running", "done", "failed"))
    response, seconds, after = start_export(session)
    jobs_after = sum(portal.export_jobs(status) for status in ("queued", "running", "done", "failed"))
    results.append(
        (
            "Redis down: posting the export anyway is refused at once with the message, no job recorded",
            response.status_code == 302 and QUEUE_DOWN in after.text and jobs_after == jobs_before and seconds < 1,
            f"POST {response.status_code} in {seconds:.2f} s, message shown: {QUEUE_DOWN in after.text}, "
            f"jobs {jobs_before} -> {jobs_after}",
        )
    )
    other = {url: session.get(f"{BASE}{url}", timeout=30).status_code for url in PAGES}
    results.append(
        (
            "Redis down: pages without exports keep serving",
            all(status == 200 for status in other.values()),
            ", ".join(f"{url} {status}" for url, status in other.items()),
        )
    )

    portal.start_redis()
    portal.start_worker()
    done_before = portal.export_jobs("done")
    time.sleep(11)  # the cached broker check (10 s) notices Redis is back
    response, _seconds, _after = start_export(session)
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and not done:
        time.sleep(1)
        done = portal.export_jobs("done") - done_before
    results.append(
        (
            "Redis back: an export started runs to the end in a worker",
            response.status_code == 302 and response.headers.get("Location") == "/mina-exporter/" and done == 1,
            f"POST {response.status_code} to {response.headers.get('Location')}, done jobs: {done}",
        )
    )
    return results


PAGES = ["/", "/natverk/", "/natverk/kontakter/", "/uppdrag/", "/statistik/dashboard/", "/mina-exporter/"]


def main():
    portal = Portal()
    results = []
    try:
        log(f"Starting PostgreSQL :{PG_PORT} and Redis :{REDIS_PORT} in {SERVICES_DIR} ...")
        portal.start_services()
        portal.prepare_database()
        log(f"Checking against gunicorn on :{WEB_PORT} ...")
        results += check_postgres_restart(portal)
        results += check_redis_down(portal)
    except Exception as error:  # a check that cannot run is a failed check, and everything still stops
        results.append(("the checks ran to the end", False, repr(error)))
    finally:
        portal.stop()
    log("")
    for name, passed, detail in results:
        log(f"{'PASS' if passed else 'FAIL'}  {name}\n      {detail}")
    failed = [name for name, passed, _detail in results if not passed]
    log(f"\n{len(results) - len(failed)} of {len(results)} checks passed.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
