"""Memory and speed of the shared Excel writer (openpyxl write-only mode).

    DJANGO_DEBUG=1 .venv/bin/python bench/xlsx_export.py [ROWS]

Writes ROWS rows of 30 text-heavy columns (the shape of an insatsbasen export) and prints the
time and the peak Python memory (tracemalloc, in a second run). openpyxl serialises with lxml
when it is installed, several times faster than its pure-Python fallback. The target: memory stays flat as rows grow
(write-only mode streams rows to a temporary file), so 50,000 rows need no more than a few MB
more than 5,000.
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from intro_sodertorn.xlsx import XlsxWriter  # noqa: E402


def write(rows):
    writer = XlsxWriter()
    sheet = writer.add_sheet("Insatser", header=[f"Kolumn {n}" for n in range(30)], preamble=["Bänktest"])
    for index in range(rows):
        sheet.append(
            [f"Insats {index}", "=inte en formel", "Praktik och arbetsträning", "Huddinge", index, -index]
            + ["Lång beskrivning av insatsen med flera meningar. " * 3] * 24
        )
    return writer.to_bytes()


def run(rows):
    """Time without tracing (tracemalloc slows every allocation), then peak memory with it."""
    started = time.perf_counter()
    size = len(write(rows))
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    write(rows)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, size


if __name__ == "__main__":
    sizes = [int(arg) for arg in sys.argv[1:]] or [5000, 50000]
    for rows in sizes:
        elapsed, peak, size = run(rows)
        speed = f"{elapsed:6.2f} s, {rows / elapsed:8.0f} rows/s"
        print(f"{rows:>7} rows: {speed}, peak {peak / 1e6:6.1f} MB, file {size / 1e6:5.1f} MB")
