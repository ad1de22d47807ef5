"""Every benchmark in one run on one throwaway PostgreSQL and Redis, and one table of the ratios (``make bench``).

    .venv/bin/python bench/run_all.py

Seeds four databases with ``seed_large`` (200 insatser and 1 year; the defaults: 20,000 insatser and 15 years;
12,000 and 120,000 insatser for the export), then measures every goal of bench/README.md, each ratio interleaved
in one process (``harness.paired``). Prints the table with the date and the load average, then where the time
went (each database's seeding, each benchmark). ``BENCH_KEEP=1`` keeps the services and seeded databases for the
next run; stop them then with
``PG_PORT=55501 REDIS_PORT=6501 SERVICES_DIR=/tmp/intro-bench-services scripts/services.sh stop``.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bad_uploads  # noqa: E402
import export_ratio  # noqa: E402
import import_rate  # noqa: E402
import kis_dashboard_ratio  # noqa: E402
import list_throughput  # noqa: E402
import page_walk  # noqa: E402
import search_ratio  # noqa: E402
from harness import EXPORT_10K, EXPORT_100K, LARGE, SMALL, Services, Table, load_average, log  # noqa: E402

# import_rate last: it writes 5,000 insatser into the small database (and deletes them), which the page walk reads.
BENCHMARKS = (search_ratio, kis_dashboard_ratio, page_walk, list_throughput, export_ratio, import_rate, bad_uploads)


def main():
    started = time.perf_counter()
    at_start = load_average()
    spent = []  # (what, seconds)
    table = Table()
    with Services() as services:
        for spec in (SMALL, LARGE, EXPORT_10K, EXPORT_100K):
            began = time.perf_counter()
            services.database(spec)
            what = f"database {spec[0]} ({' '.join(spec[1]) or 'seed_large defaults'}: migrate, seed, analyse)"
            spent.append((what, time.perf_counter() - began))
        for benchmark in BENCHMARKS:
            log(f"{benchmark.__name__} ...")
            began = time.perf_counter()
            part = benchmark.measure(services)
            spent.append((f"bench/{benchmark.__name__}.py", time.perf_counter() - began))
            part.print(file=sys.stderr)
            table.extend(part)
    table.print()
    total = time.perf_counter() - started
    print(f"Load average at the start: {at_start.removeprefix('load average ')}; at the end: see above.")
    print(f"Where the time went ({total:.0f} s in all; reproduce with `make bench`):")
    for what, seconds in spent:
        print(f"  {seconds:6.0f} s  {what}")
    print(f"  {total - sum(seconds for _what, seconds in spent):6.0f} s  services, collectstatic and the rest")
    return 0  # a MISS is a result to read in the table, not a failure of the run


if __name__ == "__main__":
    sys.exit(main())
