"""How fast and with how little memory the upload reader refuses hostile workbooks.

    .venv/bin/python bench/bad_uploads.py

Each file is built in code (tests/security/badfiles.py) and handed to ``open_uploaded_workbook`` and
``read_rows`` exactly as both imports call them. Printed per file: its size, what it would unpack to,
the time to refusal (median of 3 runs, untraced) and the peak Python memory during the refusal (tracemalloc).
Goal: every refusal under 1 s and under 10 MB, whatever the file unpacks to.
"""

import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import zipfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS, GOAL_MB = 1, 10


def measure(services):
    """For ``make bench`` (bench/run_all.py): this script in a child process, its worst refusal as two table rows.
    The reader needs no database; ``services`` is there for run_all's interface."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from harness import PYTHON, Table

    output = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--json"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ).stdout
    if not output.strip():
        raise RuntimeError("bench/bad_uploads.py --json failed (its error is above)")
    answer = json.loads(output.strip().splitlines()[-1])
    table = Table()
    files = f"worst of {answer['files']} hostile files ({answer['worst_time_file']})"
    table.add("hostile upload refused (seconds)", f"≤ {GOAL_SECONDS}", answer["worst_time"], files)
    files = f"worst of {answer['files']} hostile files ({answer['worst_peak_file']}), Python heap (tracemalloc)"
    table.add("hostile upload refused (peak MB)", f"≤ {GOAL_MB}", answer["worst_peak"] / 1e6, files)
    return table


def _django():
    """Django set up as the imports run the reader (imported here so ``measure`` needs no settings)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def refuse(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from intro_sodertorn.xlsx import WorkbookError, open_uploaded_workbook, read_rows

    try:
        workbook = open_uploaded_workbook(SimpleUploadedFile("fil.xlsx", data))
        read_rows(workbook.worksheets[0])
    except WorkbookError as error:
        return str(error)
    return "NOT REFUSED"


def unpacked(data):
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return 0


def main(as_json=False):
    _django()
    from django.utils import translation

    from tests.security import badfiles

    translation.activate("sv")
    good = badfiles.workbook_bytes({"Rapport": [["Kod", "Värde"], ["MOT_TOT", 1]]})
    files = {
        "zip bomb, 200 MB": badfiles.zip_bomb(good, 200),
        "zip bomb, 20 MB packed 1000:1": badfiles.zip_bomb(good, 20),
        "1,000,001 rows declared": badfiles.million_rows_declared(good),
        "1,000,001 rows, no dimension": badfiles.million_rows_streamed(good),
        "macro workbook": badfiles.macro_workbook(good),
        "formula cells": badfiles.workbook_bytes({"Rapport": [["=1+1", "=cmd|' /C calc'!A0"]]}),
        "1.5 million shared strings": badfiles.many_shared_strings(good),
        "300,000 shared strings": badfiles.many_shared_strings(good, 300_000),
        "billion laughs, shared strings": badfiles.billion_laughs(good),
        "billion laughs, sheet": badfiles.billion_laughs_in_sheet(good),
    }
    print(f"{'file':32} {'size':>10} {'unpacks to':>12} {'time':>8} {'peak':>9}  message")
    worst_time = worst_peak = 0
    worst_time_file = worst_peak_file = ""
    for name, data in files.items():
        times, peaks = [], []
        for _run in range(3):
            # Timed without tracemalloc (which slows every allocation several times), then traced for the peak.
            started = time.perf_counter()
            message = refuse(data)
            times.append(time.perf_counter() - started)
            tracemalloc.start()
            refuse(data)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        seconds, peak = statistics.median(times), statistics.median(peaks)
        if seconds > worst_time:
            worst_time, worst_time_file = seconds, name
        if peak > worst_peak:
            worst_peak, worst_peak_file = peak, name
        print(
            f"{name:32} {len(data) / 1e6:>8.2f}MB {unpacked(data) / 1e6:>10.1f}MB {seconds:>7.3f}s "
            f"{peak / 1e6:>7.2f}MB  {message[:60]}"
        )
    ok = worst_time < GOAL_SECONDS and worst_peak < GOAL_MB * 1e6
    print(f"worst: {worst_time:.3f} s, {worst_peak / 1e6:.2f} MB -> {'OK' if ok else 'GOAL MISSED'}")
    if as_json:
        worst = {"worst_time": worst_time, "worst_time_file": worst_time_file, "worst_peak": worst_peak}
        print(json.dumps(worst | {"worst_peak_file": worst_peak_file, "files": len(files)}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(as_json="--json" in sys.argv))
