"""Every benchmark in one run on one throwaway PostgreSQL and Redis, and one table of the ratios (``make bench``).

    .venv/bin/python bench/run_all.py

Seeds four databases with ``seed_large`` (200 insatser and 1 year; the defaults: 20,000 insatser and 15 years;
10,000 and 100,000 insatser for the export) and measures every goal of bench/README.md. Takes a while on two cores:
most of it is seeding and the 100,000-row exports. ``BENCH_KEEP=1`` keeps the services and seeded databases for
the next run; stop them then with
``PG_PORT=55501 REDIS_PORT=6501 SERVICES_DIR=/tmp/intro-bench-services scripts/services.sh stop``.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import export_ratio  # noqa: E402
import kis_dashboard_ratio  # noqa: E402
import list_throughput  # noqa: E402
import search_ratio  # noqa: E402
from harness import Services, Table, log  # noqa: E402


def main():
    started = time.perf_counter()
    table = Table()
    with Services() as services:
        for benchmark in (search_ratio, kis_dashboard_ratio, list_throughput, export_ratio):
            log(f"{benchmark.__name__} ...")
            part = benchmark.measure(services)
            part.print(file=sys.stderr)
            table.extend(part)
    table.print()
    print(f"({time.perf_counter() - started:.0f} s in all; reproduce with `make bench`)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
