"""Throughput of the insats list page under load versus Django admin's changelist of the same model with the same
filter and page size: requests/s of the list ÷ requests/s of the changelist, goal ≥ 1.0.

    .venv/bin/python bench/list_throughput.py

The portal runs as in production: ``gunicorn intro_sodertorn.wsgi -w 2`` on 127.0.0.1:8501, DJANGO_DEBUG=0,
static files by WhiteNoise, on the database seeded by ``seed_large`` (20,000 insatser). Locust runs headless on
loopback (FastHttpUser, no wait between requests, CONCURRENCY users) with the session of the system administrator
(the changelist needs staff). The baseline is Django admin's changelist as the project configures it today. The two
pages are measured interleaved: a warm-up of each, then PAIRS rounds of DURATION seconds on each page, alternating
which goes first (``harness.paired``); the ratio is the median of the per-round ratios (min–max). Throughput is
counted per CPU second that gunicorn's processes and the PostgreSQL backends serving the database spent in the round
(read from /proc/PID/schedstat), so other work on a shared machine does not move it; ``BENCH_CLOCK=wall`` divides
requests/s instead. Both are printed. Same filter on both pages: one
category and status published (``?category=…&status=published`` on the list,
``?category__id__exact=…&status__exact=published`` on the changelist), 25 rows a page on both (the list's
PAGE_SIZE and InsatsAdmin.list_per_page; the admin also has show_full_result_count = False, as a large table's
admin is set up, so it does not count the whole table on every page).
"""

import csv
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    CLOCK,
    GUNICORN_PORTS,
    LARGE,
    PYTHON,
    ROOT,
    Gunicorn,
    Table,
    cpu_seconds_since,
    log,
    main_for,
    paired,
    run_worker,
    serving_cpu,
)

DURATION = 8
WARMUP = 4
PAIRS = 5
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
    database = url.rsplit("/", 1)[-1]
    runs = {name: [] for name in pages}

    def rate(name):
        def run():
            before = serving_cpu(server.process.pid, database)
            result = locust(port, pages[name], session, DURATION)
            result["cpu"] = cpu_seconds_since(before, serving_cpu(server.process.pid, database))
            result["per_cpu_second"] = result["requests"] / result["cpu"]
            log(f"{name}: {result}")
            if result["failures"] or not result["requests"]:
                raise SystemExit(f"{name} page: {result['failures']} of {result['requests']} requests failed")
            runs[name].append(result)
            return result["per_cpu_second"] if CLOCK == "cpu" else result["rps"]

        return run

    with Gunicorn(url, port=port) as server:
        for path in pages.values():
            locust(port, path, session, WARMUP)
        # paired() divides its second side by its first: the list's throughput ÷ the changelist's.
        result = paired(rate("admin"), rate("list"), pairs=PAIRS, warmup=0)
    medians = {
        name: {key: statistics.median(run[key] for run in done) for key in ("rps", "per_cpu_second", "median_ms")}
        for name, done in runs.items()
    }
    portal, admin = medians["list"], medians["admin"]
    unit = "requests per CPU second of gunicorn + PostgreSQL" if CLOCK == "cpu" else "requests/s"
    table = Table()
    table.add_paired(
        f"list throughput vs admin changelist, {facts['insatser']:,} insatser",
        "≥ 1.0",
        result,
        f"{result.large:.1f} vs {result.small:.1f} {unit} ({portal['rps']:.1f} vs {admin['rps']:.1f} req/s, "
        f"median response {portal['median_ms']:.0f} vs {admin['median_ms']:.0f} ms); /insatser/ (the portal's list "
        f"view) vs /admin/insatsbasen/insats/ (Django admin's changelist); gunicorn -w 2, locust {CONCURRENCY} "
        f"users, {PAIRS} interleaved rounds of {DURATION} s each",
    )
    return table


if __name__ == "__main__":
    sys.exit(main_for(measure))
