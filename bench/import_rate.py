"""The Excel import as the user meets it: the check job and the commit job of a 5,000-row file, in seconds and rows/s.

    .venv/bin/python bench/import_rate.py            # on the bench's throwaway PostgreSQL (bench/harness.py)
    DATABASE_URL=postgres://... .venv/bin/python bench/import_rate.py --here [ROWS]   # on that database, no services

The file is the export of Huddinge's insatser as Huddinge's administrator sees them (the layout the import reads), its
rows repeated up to ROWS (default 5,000, the import's row limit) as new drafts (Id emptied, names made unique). The
job's upload is stored as the upload view stores it, then ``import_job_check`` and ``import_job_commit`` run exactly
as the Celery worker runs them, one after the other, each timed by the wall clock and by this process's CPU time;
the commit really commits. Afterwards the insatser it created and the job are deleted again.

The goal (issue #19): each job under 30 s for 5,000 rows on this machine. Prints one line per job and exits 1 when
either job took 30 s or more. ``make bench`` (bench/run_all.py) puts both in its table.
"""

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import PYTHON, ROOT, SMALL, Services, Table, django_env, log  # noqa: E402

ROWS = 5000
GOAL_SECONDS = 30
USER = "admin-huddinge"


def measure(services):
    """The two jobs on the small bench database (seeded once per run), in a child process of their own."""
    url = services.database(SMALL)
    answer = run_child(url, ROWS)
    table = Table()
    for step in ("check", "commit"):
        seconds = answer[f"{step}_seconds"]
        table.add(
            f"import {step} job, {answer['rows']:,} rows (seconds)",
            f"≤ {GOAL_SECONDS}",
            seconds,
            f"{answer['rows'] / seconds:,.0f} rows/s, CPU {answer[f'{step}_cpu']:.1f} s, "
            f"{answer[f'{step}_queries'] / answer['rows']:.1f} queries/row",
        )
    return table


def run_child(url, rows):
    output = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--here", str(rows)],
        cwd=ROOT,
        env=django_env(url),
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    if not output.strip():
        raise RuntimeError("bench/import_rate.py --here failed (its error is above)")
    return json.loads(output.strip().splitlines()[-1])


def import_file(user, municipality, rows):
    """Huddinge's export with its rows repeated up to ``rows`` new drafts, as .xlsx bytes."""
    from openpyxl import Workbook, load_workbook

    from insatsbasen import columns
    from insatsbasen.exports import build_insatser
    from insatsbasen.models import Insats
    from intro_sodertorn.models import ExportJob
    from intro_sodertorn.xlsx import XlsxWriter

    job = ExportJob.objects.create(
        user=user, kind="insatsbasen.insatser", title="bench", params={"municipality": str(municipality.pk)}
    )
    writer = XlsxWriter()
    build_insatser(job, writer, lambda done, total: None)
    job.delete()
    values = [
        list(row) for row in load_workbook(io.BytesIO(writer.to_bytes())).worksheets[0].iter_rows(values_only=True)
    ]
    header_at = next(index for index, row in enumerate(values) if row and row[0] == columns.header()[0])
    keys = [key for key, _label, _kind in columns.COLUMNS]
    name_at, owner_at, status_at = keys.index("name"), keys.index("owner_municipality"), keys.index("status")
    # The list filtered by municipality also holds insatser Huddinge takes part in: only its own may be imported.
    data = [row for row in values[header_at + 1 :] if row[owner_at] == municipality.name]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(values[header_at])
    run = time.strftime("%H%M%S")
    for number in range(rows):
        row = list(data[number % len(data)])
        row[0] = None
        row[name_at] = f"{row[name_at]} (bench {run} {number + 1})"
        row[status_at] = str(Insats.Status.DRAFT.label)  # a new row has no place yet: a draft, as people import
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed_job(function, job_id):
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        function(job_id)
    return time.perf_counter() - started, time.process_time() - cpu, count[0]


def here(rows):
    """Both jobs on the database of DATABASE_URL, in this process; the answer as JSON on the last line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from insatsbasen import imports
    from insatsbasen.models import ImportJob, Insats
    from natverk.models import Municipality

    translation.activate("sv")
    user = get_user_model().objects.get(username=USER)
    municipality = Municipality.objects.get(name="Huddinge")
    data = import_file(user, municipality, rows)
    upload = SimpleUploadedFile("bench.xlsx", data)
    job = ImportJob(user=user, municipality=municipality, language="sv", file_name=upload.name)
    job.file.save("bench.xlsx", upload, save=False)
    job.save()
    before = set(Insats.objects.filter(owner_municipality=municipality).values_list("pk", flat=True))
    try:
        check = timed_job(imports.import_job_check, job.pk)
        job.refresh_from_db()
        first = next((row for row in job.result.get("rows", []) if row["errors"]), None)
        assert job.status == ImportJob.Status.CHECKED and not job.error_count, (job.status, job.error, first)
        assert job.row_count == rows, job.row_count
        # What import_job_commit_start does, without queueing a task for a worker that is not there.
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)
        commit = timed_job(imports.import_job_commit, job.pk)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE and job.created_count == rows, (job.status, job.error)
    finally:
        Insats.objects.filter(owner_municipality=municipality).exclude(pk__in=before).delete()
        job.file.delete(save=False)
        job.delete()
    answer = {"rows": rows, "bytes": len(data)}
    for step, (seconds, cpu, queries) in (("check", check), ("commit", commit)):
        answer.update({f"{step}_seconds": seconds, f"{step}_cpu": cpu, f"{step}_queries": queries})
    return answer


def report(answer):
    missed = False
    for step in ("check", "commit"):
        seconds = answer[f"{step}_seconds"]
        missed |= seconds >= GOAL_SECONDS
        print(
            f"import {step} job: {answer['rows']:,} rows in {seconds:.1f} s ({answer['rows'] / seconds:,.0f} rows/s, "
            f"CPU {answer[f'{step}_cpu']:.1f} s, {answer[f'{step}_queries'] / answer['rows']:.1f} queries/row); "
            f"goal < {GOAL_SECONDS} s: {'MISS' if seconds >= GOAL_SECONDS else 'PASS'}"
        )
    return 1 if missed else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--here":
        rows = int(sys.argv[2]) if len(sys.argv) > 2 else ROWS
        answer = here(rows)
        status = report(answer)
        print(json.dumps(answer))
        return status
    with Services() as services:
        log("import_rate ...")
        answer = run_child(services.database(SMALL), ROWS)
    return report(answer)


if __name__ == "__main__":
    sys.exit(main())
