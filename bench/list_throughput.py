"""Throughput of the insats list page under load versus Django admin's changelist of the same model with the same
filter and page size: requests/s of the list ÷ requests/s of the changelist, goal ≥ 1.0.

    .venv/bin/python bench/list_throughput.py

The portal runs as in production: ``gunicorn intro_sodertorn.wsgi -w 2`` on 127.0.0.1:8501, DJANGO_DEBUG=0,
static files by WhiteNoise, on the database seeded by ``seed_large`` (20,000 insatser). Locust runs headless on
loopback (FastHttpUser, no wait between requests, CONCURRENCY users) with the session of the system administrator
(the changelist needs staff), first a warm-up, then DURATION seconds per page. Same filter on both pages: one
category and status published (``?category=…&status=published`` on the list,
``?category__id__exact=…&status__exact=published`` on the changelist), 25 rows a page on both (the list's
PAGE_SIZE and InsatsAdmin.list_per_page; the admin also has show_full_result_count = False, as a large table's
admin is set up, so it does not count the whole table on every page).
"""

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import GUNICORN_PORTS, LARGE, PYTHON, ROOT, Gunicorn, Table, log, main_for, run_worker  # noqa: E402

DURATION = 25
WARMUP = 5
CONCURRENCY = 4


def locust(port, path, session, seconds):
    """Requests/s and failures of ``seconds`` of load on one path."""
    with tempfile.TemporaryDirectory() as directory:
        prefix = f"{directory}/stats"
        subprocess.run(
            [
                str(Path(PYTHON).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "-u",
                str(CONCURRENCY),
                "-r",
                str(CONCURRENCY),
                "-t",
                f"{seconds}s",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env={"BENCH_PATH": path, "BENCH_SESSION": session, "PATH": "/usr/bin:/bin"},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # its summary table; the figures are read from the CSV
        )
        with open(f"{prefix}_stats.csv") as file:
            total = next(row for row in csv.DictReader(file) if row["Name"] == "Aggregated")
    return {
        "rps": float(total["Requests/s"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "median_ms": float(total["Median Response Time"]),
    }


def measure(services):
    url = services.database(LARGE)
    facts, _peak = run_worker(url, "facts")
    session = run_worker(url, "session", "admin")[0]["sessionid"]
    pages = {
        "list": f"/insatser/?category={facts['category']}&status=published",
        "admin": f"/admin/insatsbasen/insats/?category__id__exact={facts['category']}&status__exact=published",
    }
    port = GUNICORN_PORTS[0]
    results = {}
    with Gunicorn(url, port=port):
        for name, path in pages.items():
            locust(port, path, session, WARMUP)
            results[name] = locust(port, path, session, DURATION)
            log(f"{name}: {results[name]}")
    for name, result in results.items():
        if result["failures"] or not result["requests"]:
            raise SystemExit(f"{name} page: {result['failures']} of {result['requests']} requests failed")
    portal, admin = results["list"], results["admin"]
    table = Table()
    table.add(
        f"list throughput vs admin changelist, {facts['insatser']:,} insatser",
        "≥ 1.0",
        portal["rps"] / admin["rps"],
        f"{portal['rps']:.1f} req/s (median {portal['median_ms']:.0f} ms) vs {admin['rps']:.1f} req/s "
        f"(median {admin['median_ms']:.0f} ms); gunicorn -w 2, locust {CONCURRENCY} users, {DURATION} s each",
    )
    return table


if __name__ == "__main__":
    sys.exit(main_for(measure))
