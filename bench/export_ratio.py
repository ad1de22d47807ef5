"""The insats Excel export at 100,000 insatser versus a truly bare loop (goal ≤ 1.3), and its peak memory at
100,000 insatser versus 10,000 (goal ≤ 1.2).

    .venv/bin/python bench/export_ratio.py

Each run is a fresh child process (bench/worker.py) against a database seeded by ``seed_large`` at that size:

- export: an ExportJob run through ``export_run`` exactly as the Celery task runs it, as the system administrator
  with no filters (the list's default: ended and archived insatser left out): the builder in
  insatsbasen/exports.py, the shared XlsxWriter (formula escaping, typed cells, widths, frozen header), the file
  stored in MEDIA_ROOT.
- bare: what a competent engineer writes without the project (``worker.BARE_SQL``): one SQL statement with the
  related names joined and the lists as ``string_agg`` subqueries, streamed from a psycopg server-side cursor,
  each row turned into the same cells, written by openpyxl's ``Workbook(write_only=True)`` with ``ws.append``.
  Before timing, both sides' rows are compared by id (``worker.py export check``): the bench stops if they differ.

Time is measured in pairs: each pair runs the bare loop and the export one after the other, alternating which
goes first, so a change in the machine's load falls on both sides of a pair; the figure is the median of the
per-pair ratios, with their range. Each side is timed in two clocks: wall time, and CPU time of its process plus
the PostgreSQL backend serving it (``worker.Clock``), which other processes' load on the shared 2-core machine
hardly moves (a side that waits for the CPU for half a minute doubles its wall time, not its CPU time). The goal
row uses ``BENCH_CLOCK`` ("cpu" by default, as bench/harness.py's pages; "wall" for a quiet machine) and shows
the other clock beside it. Memory is each child's peak resident set size (``os.wait4``'s ru_maxrss, which
counts C memory such as libpq's buffers that tracemalloc would miss): each pair also runs the export at 10,000
insatser, and the figure is the median of the per-pair ratios of the export's peak at 100,000 to it at 10,000.
"""

import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import EXPORT_10K, EXPORT_100K, Table, log, main_for, run_worker  # noqa: E402

PAIRS = int(os.environ.get("BENCH_EXPORT_PAIRS", "3"))
CLOCK = os.environ.get("BENCH_CLOCK", "cpu")
CLOCK_KEY = {"cpu": "cpu", "wall": "seconds"}[CLOCK]
CLOCK_NAME = {"cpu": "CPU time (process + PostgreSQL)", "wall": "wall time"}
PARAMS = json.dumps({})
CODE_PATHS = (
    "export code paths: job = ExportJob -> export_run -> insatsbasen.exports.build_insatser (filtered_insatser, "
    "values_list + string_agg subqueries, server-side cursor) -> XlsxWriter (escaping, widths, frozen header) -> "
    "MEDIA_ROOT | bare = one SQL (joins + string_agg subqueries, worker.BARE_SQL) on a psycopg server-side "
    "cursor -> openpyxl write_only ws.append -> temporary file"
)


def measure(services):
    large_url = services.database(EXPORT_100K)
    small_url = services.database(EXPORT_10K)
    print(CODE_PATHS)
    check, _peak = run_worker(large_url, "export", "check", PARAMS)  # also warms PostgreSQL's cache
    if check["differing"] or check["rows"] != check["bare_rows"]:
        raise RuntimeError(f"the export and the bare loop write different rows: {check}")
    log(f"export check: the same {check['rows']:,} rows on both sides")
    fetch, _peak = run_worker(large_url, "export", "fetch", PARAMS)
    clocks, peaks, bytes_ = {"cpu": [], "seconds": []}, [], {}
    for pair in range(PAIRS):
        order = ("job", "bare") if pair % 2 == 0 else ("bare", "job")
        answers, peak = {}, {}
        for mode in order:
            answers[mode], peak[mode] = run_worker(large_url, "export", mode, PARAMS)
            bytes_[mode] = answers[mode]["bytes"]
        _answer, small_peak = run_worker(small_url, "export", "job", PARAMS)
        for key, pairs in clocks.items():
            pairs.append((answers["job"][key], answers["bare"][key]))
        peaks.append((peak["job"], small_peak))
        log(
            f"export pair {pair + 1} ({' then '.join(order)}): CPU {answers['job']['cpu']:.1f} s vs "
            f"{answers['bare']['cpu']:.1f} s, wall {answers['job']['seconds']:.1f} s vs "
            f"{answers['bare']['seconds']:.1f} s, peak {peak['job'] / 1e6:.0f} MB (bare {peak['bare'] / 1e6:.0f} MB, "
            f"10k {small_peak / 1e6:.0f} MB), load {os.getloadavg()[0]:.1f}"
        )

    def figures(key):
        ratios = [job / bare for job, bare in clocks[key]]
        job = statistics.median(job for job, _bare in clocks[key])
        bare = statistics.median(bare for _job, bare in clocks[key])
        return ratios, f"{job:.1f} s vs {bare:.1f} s"

    time_ratios, measured = figures(CLOCK_KEY)
    other_ratios, other_measured = figures("seconds" if CLOCK == "cpu" else "cpu")
    memory_ratios = [large / small for large, small in peaks]
    small_rows = run_worker(small_url, "export", "fetch", PARAMS)[0]["rows"]
    rows = check["rows"]
    table = Table()
    table.add(
        f"Excel export vs bare SQL + openpyxl, {rows:,} rows",
        "≤ 1.3",
        statistics.median(time_ratios),
        f"{CLOCK_NAME[CLOCK]} {measured}, median of {len(time_ratios)} pairs; "
        f"{CLOCK_NAME['wall' if CLOCK == 'cpu' else 'cpu']} {other_measured}, "
        f"{statistics.median(other_ratios):.2f} ({min(other_ratios):.2f}–{max(other_ratios):.2f}); "
        f"export's fetch {fetch['seconds']:.1f} s; files {bytes_['job']:,} vs {bytes_['bare']:,} bytes, same rows",
        spread=(min(time_ratios), max(time_ratios)),
    )
    table.add(
        f"export peak memory, {rows:,} vs {small_rows:,} rows",
        "≤ 1.2",
        statistics.median(memory_ratios),
        f"{statistics.median(large for large, _s in peaks) / 1e6:.0f} MB vs "
        f"{statistics.median(small for _l, small in peaks) / 1e6:.0f} MB peak RSS of the process, "
        f"median of {len(peaks)} pairs",
        spread=(min(memory_ratios), max(memory_ratios)),
    )
    return table


if __name__ == "__main__":
    sys.exit(main_for(measure))
