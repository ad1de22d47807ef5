"""Helpers shared by the benchmarks in bench/: services, seeded databases, timing, memory, gunicorn, the table.

Every benchmark is a ratio measured in one run on this machine, so the figures hold on another machine too:
the same page (or export) at a large size against a small size, or against a bare baseline doing the same work.

- ``Services`` starts a throwaway PostgreSQL and Redis with ``scripts/services.sh`` on the bench's own ports
  (PostgreSQL 55501, Redis 6501, state in /tmp/intro-bench-services) and stops them on exit.
  ``BENCH_KEEP=1`` leaves them running and reuses databases already seeded, for working on one benchmark.
- ``Services.database(name, seed_args)`` makes a fresh database, migrates it, fills it with ``manage.py seed_large``
  at the size asked for (each size its own database) and creates the demo cast (password ``demo``).
- ``run_worker`` runs ``bench/worker.py`` in a child process against one database and returns its JSON answer
  and the child's peak resident memory (``os.wait4``'s ``ru_maxrss`` of exactly that child, see ``peak_rss``).
- ``timed`` is the median (and best) of several runs after warm-up runs.
- ``paired`` measures two sides interleaved in one process (small, large, large, small, ...): the median of the
  per-pair ratios with their min and max, and each side's median, so machine load that comes and goes lands on
  both sides of a pair instead of on one side's median.
- ``PageServer`` is the portal against one database in a child process (``bench/page_server.py``) that answers
  "GET this URL as this user" over a pipe with the time and the query count; two of them (small and large
  database) are asked in turn, so a page's two sizes are measured interleaved.
- ``Gunicorn`` runs the portal as in production (2 workers, DJANGO_DEBUG=0, WhiteNoise static files).
- ``Table`` prints goal, measured figures, ratio and PASS/MISS.
"""

import atexit
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "55501"))
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6501"))
SERVICES_DIR = os.environ.get("BENCH_SERVICES_DIR", "/tmp/intro-bench-services")
GUNICORN_PORTS = (8501, 8502)
MEDIA_ROOT = "/tmp/intro-bench-media"
KEEP = os.environ.get("BENCH_KEEP") == "1"
# What PageServer's pages are timed by: "cpu", the CPU time a GET took in the portal's process and in the
# PostgreSQL processes serving it (its backend, parallel workers), which other processes' load hardly moves on a
# shared 2-core machine; or "wall", the elapsed time (BENCH_CLOCK=wall), which load from elsewhere inflates.
CLOCK = os.environ.get("BENCH_CLOCK", "cpu")
CLOCK_NAME = {"cpu": "CPU time of portal + PostgreSQL", "wall": "wall time"}[CLOCK]

# The sizes the issue asks for; every benchmark names its databases from here so run_all seeds each once.
# BENCH_DB_PREFIX names another set of databases on the same server (for two people measuring side by side).
PREFIX = os.environ.get("BENCH_DB_PREFIX", "")
SMALL = (f"{PREFIX}bench_small", ["--insatser", "200", "--years", "1", "--scale", "0.01"])
LARGE = (f"{PREFIX}bench_large", [])  # seed_large's defaults: 20,000 insatser, 15 years, ...
# The export leaves out ended and archived insatser (the list's default), about one in six of those seeded:
# 120,000 and 12,000 insatser give exports of about 100,000 and 10,000 rows.
EXPORT_10K = ("bench_export_10k", ["--insatser", "12000", "--years", "1", "--scale", "0.01"])
EXPORT_100K = ("bench_export_100k", ["--insatser", "120000", "--years", "1", "--scale", "0.01"])


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Services:
    """A throwaway PostgreSQL and Redis for one benchmark run (a context manager)."""

    def __init__(self):
        self.env = {
            **os.environ,
            "PG_PORT": str(PG_PORT),
            "REDIS_PORT": str(REDIS_PORT),
            "SERVICES_DIR": SERVICES_DIR,
        }
        self.started = False
        self.ready = set()  # databases seeded in this run

    def __enter__(self):
        log(f"starting PostgreSQL on {PG_PORT} and Redis on {REDIS_PORT} ({SERVICES_DIR})")
        subprocess.run(["scripts/services.sh", "start"], cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL)
        self.started = True
        atexit.register(self.stop)
        # Production settings need the hashed static files (WhiteNoise's manifest) for every page's {% static %}:
        # collected on every run (a kept manifest misses files added since, and a page naming one answers 500).
        manage(self.url("intro"), "collectstatic", "--no-input", quiet=True)
        # Stop the services on Ctrl-C or a kill too (atexit runs on SystemExit).
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.started and not KEEP:
            log("stopping PostgreSQL and Redis")
            subprocess.run(["scripts/services.sh", "stop"], cwd=ROOT, env=self.env, check=False)
        self.started = False

    def psql(self, sql, database="postgres"):
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", database, "-tAc", sql],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def url(self, name):
        return f"postgres://intro:intro@127.0.0.1:{PG_PORT}/{name}"

    def database(self, spec):
        """The database for one size: created, migrated, seeded and given the demo cast, once per run."""
        name, seed_args = spec
        marker = Path(SERVICES_DIR) / f"{name}.seeded"
        url = self.url(name)
        if name in self.ready:
            return url
        if KEEP and marker.exists() and marker.read_text() == " ".join(seed_args):
            manage(url, "migrate", "--no-input", quiet=True)  # kept from an earlier run: bring it up to date
            self.ready.add(name)
            return url
        self.psql(f'DROP DATABASE IF EXISTS "{name}"')
        self.psql(f'CREATE DATABASE "{name}" OWNER intro')
        started = time.perf_counter()
        manage(url, "migrate", "--no-input", quiet=True)
        run_worker(url, "prepare")  # first, so seed_large finds the strategist as the verifier
        manage(url, "seed_large", *seed_args)
        self.psql("VACUUM ANALYZE", database=name)
        elapsed = time.perf_counter() - started
        log(f"{name}: migrated and seeded ({' '.join(seed_args) or 'defaults'}) in {elapsed:.0f} s")
        marker.write_text(" ".join(seed_args))
        self.ready.add(name)
        return url


def django_env(url, **extra):
    """The environment of the portal in production mode against one bench database."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/2",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "*",
        "MEDIA_ROOT": MEDIA_ROOT,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(url, *args, quiet=False):
    log(f"manage.py {' '.join(args)}")
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=django_env(url),
        check=True,
        stdout=subprocess.DEVNULL if quiet else sys.stderr,  # stdout is for the table
    )


def run_worker(url, *args):
    """Run ``bench/worker.py ARGS`` against a database; its last stdout line is JSON. Returns (answer, peak RSS)."""
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "bench" / "worker.py"), *map(str, args)],
        cwd=ROOT,
        env=django_env(url),
        stdout=subprocess.PIPE,
        text=True,
    )
    output = process.stdout.read()
    peak = peak_rss(process)
    if process.returncode != 0:
        raise RuntimeError(f"bench/worker.py {' '.join(map(str, args))} failed ({process.returncode})")
    return json.loads(output.strip().splitlines()[-1]), peak


def peak_rss(process):
    """Wait for the child and return its peak resident set size in bytes.

    ``os.wait4`` gives the rusage of exactly this child; ``getrusage(RUSAGE_CHILDREN)`` would give the maximum
    over every child waited for so far, so a small run measured after a large one would read the large figure.
    RSS rather than tracemalloc: it also counts what C code holds (libpq's result buffers, lxml, zlib), which
    tracemalloc does not see, and it costs nothing while the export runs.
    """
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss * 1024  # kilobytes on Linux


def timed(function, runs=7, warmup=2):
    """Median and best wall time in seconds of ``runs`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return {"median": statistics.median(times), "best": min(times), "runs": runs}


@dataclass
class Paired:
    """Two sides measured interleaved: median of the per-pair ratios large ÷ small, their min and max."""

    ratio: float
    low: float
    high: float
    small: float  # median seconds (or whatever the functions return) of the small side
    large: float
    pairs: int

    def spread(self):
        return f"{self.low:.2f}–{self.high:.2f}"

    def sides(self, unit=1000, suffix=" ms"):
        return f"{self.large * unit:.0f}{suffix} vs {self.small * unit:.0f}{suffix}"


def paired(small, large, pairs=9, warmup=1, repeat=1):
    """Call ``small()`` and ``large()`` interleaved and compare what they return (seconds, or any positive figure).

    Each pair runs both sides back to back in this process, the even pairs small first, the odd pairs large first,
    so neither side always meets a cold cache or the other's garbage. A function returning None is timed here
    (wall clock around the call). ``warmup`` pairs are run first and thrown away. With ``repeat`` > 1 each side's
    figure in a pair is the least of that many calls in a row: another process's load only ever adds time, so the
    least of a few close calls is the page's own time, and the pair's two sides stay seconds apart.
    """

    def run(function):
        figures = []
        for _ in range(repeat):
            started = time.perf_counter()
            answer = function()
            figures.append(time.perf_counter() - started if answer is None else answer)
        return min(figures)

    for _ in range(warmup):
        small()
        large()
    smalls, larges, ratios = [], [], []
    for number in range(pairs):
        if number % 2 == 0:
            s = run(small)
            lg = run(large)
        else:
            lg = run(large)
            s = run(small)
        smalls.append(s)
        larges.append(lg)
        ratios.append(lg / s)
    return Paired(
        ratio=statistics.median(ratios),
        low=min(ratios),
        high=max(ratios),
        small=statistics.median(smalls),
        large=statistics.median(larges),
        pairs=pairs,
    )


class PageServer:
    """The portal against one database in a child process (``bench/page_server.py``), asked over a pipe.

    Each request is one JSON line in and one out: ``get(user, path)`` answers the seconds the test client's GET took
    inside the child (production settings, DJANGO_DEBUG=0), the SQL queries it ran, the status and the size. The
    child keeps one logged-in client per user, so a request costs what a logged-in user's request costs.
    """

    def __init__(self, url):
        self.url = url
        self.process = None
        self.last = None  # the answer to the last request made through ``seconds``

    def __enter__(self):
        self.process = subprocess.Popen(
            [PYTHON, str(ROOT / "bench" / "page_server.py")],
            cwd=ROOT,
            env=django_env(self.url),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        atexit.register(self.__exit__)
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def call(self, op, **arguments):
        self.process.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"bench/page_server.py ({self.url.rsplit('/', 1)[-1]}) exited on {op}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"bench/page_server.py {op} {arguments}: {answer['error']}")
        return answer

    def get(self, user, path, fresh=False):
        return self.call("get", user=user, path=path, fresh=fresh)

    def seconds(self, user, path, clock=None, fresh=False):
        """A function for ``paired``: one GET, its seconds; a page that does not answer 200 stops the bench.

        ``clock`` (BENCH_CLOCK by default, see ``CLOCK``): "cpu", the CPU time the GET took in the child and in
        the PostgreSQL processes serving it; "wall", the time it took. ``fresh``: each GET with the portal's
        cache emptied first (the first request after a change to the data).
        """
        key = {"wall": "seconds", "cpu": "cpu"}[clock or CLOCK]

        def request():
            answer = self.last = self.get(user, path, fresh)
            if answer["status"] != 200:
                raise RuntimeError(f"{path} as {user} answered {answer['status']} ({self.url.rsplit('/', 1)[-1]})")
            return answer[key]

        return request


def _schedstat(pid):
    """Nanoseconds pid has been on a CPU (0 when it has ended)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (FileNotFoundError, ProcessLookupError):
        return 0


def _children(pid):
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def serving_cpu(server_pid, database):
    """{pid: nanoseconds on a CPU} of a server process and its children (gunicorn's master and workers) and of
    the bench PostgreSQL's processes serving ``database`` (its backends and parallel workers)."""
    figures = {}
    pending = [server_pid]
    while pending:
        pid = pending.pop()
        figures[pid] = _schedstat(pid)
        pending.extend(_children(pid))
    postmaster = int((Path(SERVICES_DIR) / "pg" / "postmaster.pid").read_text().split()[0])
    for pid in _children(postmaster):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if f" {database} " in command or "parallel worker" in command:
            figures[pid] = _schedstat(pid)
    return figures


def cpu_seconds_since(before, after):
    """CPU seconds between two ``serving_cpu`` readings, over the processes alive at the second."""
    return sum(figure - before.get(pid, 0) for pid, figure in after.items()) / 1e9


def load_average():
    """The machine's load average over 1, 5 and 15 minutes, as printed beside every table."""
    return "load average " + " ".join(f"{figure:.2f}" for figure in os.getloadavg())


class Gunicorn:
    """The portal under gunicorn as in production: ``gunicorn intro_sodertorn.wsgi -w 2``, DJANGO_DEBUG=0."""

    def __init__(self, url, port=GUNICORN_PORTS[0], workers=2):
        self.url, self.port, self.workers = url, port, workers
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "intro_sodertorn.wsgi",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=django_env(self.url),
            stdout=subprocess.DEVNULL,  # gunicorn.conf.py's access log, one line a request: written as in production
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/logga-in/", timeout=5).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited on start") from None
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Row:
    name: str
    goal: str | None  # e.g. "≤ 1.5"; None for a figure shown beside the goals, not one of them
    ratio: float
    detail: str  # the two measured figures the ratio is made of
    spread: tuple | None = None  # (min, max) of the per-pair ratios when measured interleaved

    @property
    def figure(self):
        if self.spread is None:
            return f"{self.ratio:.2f}"
        return f"{self.ratio:.2f} ({self.spread[0]:.2f}–{self.spread[1]:.2f})"

    @property
    def result(self):
        return "info" if self.goal is None else "PASS" if self.passed else "MISS"

    @property
    def passed(self):
        if self.goal is None:
            return True
        operator, limit = self.goal.split()
        return self.ratio <= float(limit) if operator == "≤" else self.ratio >= float(limit)


@dataclass
class Table:
    rows: list = field(default_factory=list)

    def add(self, name, goal, ratio, detail, spread=None):
        self.rows.append(Row(name, goal, ratio, detail, spread))

    def add_paired(self, name, goal, result, detail):
        """A row from ``paired``'s answer: the median of the per-pair ratios (min–max)."""
        self.add(name, goal, result.ratio, detail, spread=(result.low, result.high))

    def extend(self, other):
        self.rows.extend(other.rows)

    def print(self, file=sys.stdout):
        header = ("benchmark", "goal", "ratio (min–max)", "result", "measured")
        lines = [(r.name, r.goal or "-", r.figure, r.result, r.detail) for r in self.rows]
        widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(4)]
        print(file=file)
        print(
            f"Benchmarks, {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, PostgreSQL, {load_average()}",
            file=file,
        )
        for line in [header, *lines]:
            cells = [str(cell).ljust(width) for cell, width in zip(line[:4], widths, strict=True)]
            print("  ".join([*cells, line[4]]), file=file)
        file.flush()

    @property
    def all_passed(self):
        return all(row.passed for row in self.rows)


def main_for(measure):
    """Run one benchmark on its own: start the services, measure, print the table, stop the services."""
    with Services() as services:
        table = measure(services)
    table.print()
    return 0
