"""The insats Excel export at 100,000 insatser versus a bare openpyxl loop (goal ≤ 1.3), and its peak memory
at 100,000 insatser versus 10,000 (goal ≤ 1.2).

    .venv/bin/python bench/export_ratio.py

Each run is a fresh child process (bench/worker.py) against a database seeded by ``seed_large`` at that size:

- export: an ExportJob run through ``export_run`` exactly as the Celery task runs it, as the system administrator
  with no filters (the list's default: ended and archived insatser left out): the builder in
  insatsbasen/exports.py, the shared XlsxWriter (formula escaping, typed cells), the file stored in MEDIA_ROOT.
- bare: the same rows fetched the same way (the builder's own queryset, streamed in chunks, and the same
  ``row_for_export``), written by a bare ``Workbook(write_only=True)`` loop of ``ws.append(values)`` to a file.
  Both fetch the same, so the ratio is the export's overhead over the raw writer.

Time is the median of the runs; memory is the child's peak resident set size (``os.wait4``'s ru_maxrss, which
counts C memory such as libpq's buffers that tracemalloc would miss), median of the runs at each size.
"""

import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import EXPORT_10K, EXPORT_100K, Table, log, main_for, run_worker  # noqa: E402

RUNS = 3
PARAMS = json.dumps({})


def measure(services):
    large_url = services.database(EXPORT_100K)
    small_url = services.database(EXPORT_10K)
    run_worker(large_url, "export", "fetch", PARAMS)  # warm PostgreSQL's cache for both
    times = {"job": [], "bare": []}
    peaks = {"large": [], "small": []}
    rows = 0
    for run in range(RUNS):
        for mode in ("job", "bare"):
            answer, peak = run_worker(large_url, "export", mode, PARAMS)
            times[mode].append(answer["seconds"])
            rows = answer["rows"] or rows
            if mode == "job":
                peaks["large"].append(peak)
            log(f"export {mode} run {run + 1}: {answer['seconds']:.1f} s, peak {peak / 1e6:.0f} MB")
        answer, peak = run_worker(small_url, "export", "job", PARAMS)
        peaks["small"].append(peak)
    fetch, _peak = run_worker(large_url, "export", "fetch", PARAMS)
    small_rows = run_worker(small_url, "export", "fetch", PARAMS)[0]["rows"]
    job, bare = statistics.median(times["job"]), statistics.median(times["bare"])
    large_peak, small_peak = statistics.median(peaks["large"]), statistics.median(peaks["small"])
    table = Table()
    table.add(
        f"Excel export vs bare openpyxl, {rows:,} rows",
        "≤ 1.3",
        job / bare,
        f"{job:.1f} s vs {bare:.1f} s (of which fetching {fetch['seconds']:.1f} s), median of {RUNS}",
    )
    table.add(
        f"export peak memory, {rows:,} vs {small_rows:,} rows",
        "≤ 1.2",
        large_peak / small_peak,
        f"{large_peak / 1e6:.0f} MB vs {small_peak / 1e6:.0f} MB peak RSS of the process, median of {RUNS}",
    )
    return table


if __name__ == "__main__":
    sys.exit(main_for(measure))
