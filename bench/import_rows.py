"""What one row of the insats Excel import costs: the dry run and the commit, in ms per row.

    DATABASE_URL=postgres://... .venv/bin/python bench/import_rows.py [ROWS]

Without DATABASE_URL a SQLite file in /tmp is used (migrated and loaded with the demo the first time). The file
is the export of Huddinge's insatser as the demo's Huddinge administrator sees them (the layout the import reads),
its data rows repeated up to ROWS (default 1,000) as new drafts (Id emptied, names made unique). The dry run is
``import_check`` exactly as the import runs it; the commit is ``import_commit`` in a transaction that is rolled
back afterwards, so the database stays as it was. Printed: rows, seconds and ms per row of each step, and the
number of SQL queries per row.

Measured 2026-11-30 on the shared two-core machine, SQLite, 300 rows: before the lookup cache and the commit's
reuse of the validated form, dry run 5.8 ms/row (12.4 queries), commit 12.0 ms/row; after, 4.6 ms/row (8.0
queries) and 7.4 ms/row. PostgreSQL (scripts/services.sh, same machine, busy), after: 1,000 rows, dry run
5.6-12.8 ms/row, commit 20-40 ms/row (21.9 queries a row: the form's validation, the save service's history,
search document and derived fields); a 5,000-row import was still minutes of work, which is why it became a
background job. bench/import_rate.py times those jobs on a 5,000-row file (the goal: under 30 s each).
"""

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/intro-bench-import.sqlite3")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from insatsbasen import columns, imports  # noqa: E402
from insatsbasen.exports import build_insatser  # noqa: E402
from insatsbasen.models import Insats  # noqa: E402
from intro_sodertorn.models import ExportJob  # noqa: E402
from intro_sodertorn.xlsx import XlsxWriter  # noqa: E402
from natverk.models import Municipality  # noqa: E402

USER = "admin-huddinge"


class Rollback(Exception):
    pass


class QueryCount:
    """Counts the SQL statements run inside the block (no query log, so no cap)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def __len__(self):
        return self.count


def ensure_demo():
    call_command("migrate", verbosity=0)
    if not Insats.objects.exists():
        call_command("load_demo", verbosity=0)


def import_file(user, rows):
    job = ExportJob(user=user, kind="insatsbasen.insatser", title="bench", params={})
    job.save()
    writer = XlsxWriter()
    build_insatser(job, writer, lambda done, total: None)
    job.delete()
    source = load_workbook(io.BytesIO(writer.to_bytes())).worksheets[0]
    values = [list(row) for row in source.iter_rows(values_only=True)]
    header_at = next(index for index, row in enumerate(values) if row and row[0] == columns.header()[0])
    keys = [key for key, _label, _kind in columns.COLUMNS]
    name_at, owner_at, status_at = keys.index("name"), keys.index("owner_municipality"), keys.index("status")
    header = values[header_at]
    data = [row for row in values[header_at + 1 :] if row[owner_at] == "Huddinge"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for number in range(rows):
        row = list(data[number % len(data)])
        row[0] = None
        row[name_at] = f"{row[name_at]} (kopia {number + 1})"
        row[status_at] = str(Insats.Status.DRAFT.label)  # a new row has no place yet: a draft, as people import
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    translation.activate("sv")
    ensure_demo()
    user = get_user_model().objects.get(username=USER)
    municipality = Municipality.objects.get(name="Huddinge")
    data = import_file(user, rows)
    with QueryCount() as queries:
        started = time.perf_counter()
        result = imports.import_check(SimpleUploadedFile("insatser.xlsx", data), municipality, user)
        check = time.perf_counter() - started
    check_queries = len(queries)
    assert not result.file_error and not result.errors, (result.file_error, [r.errors for r in result.errors[:3]])
    stored = result.for_commit()
    with QueryCount() as queries:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                created, _updated = imports.import_commit(stored, user)
                commit = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
    commit_queries = len(queries)
    assert created == rows, created
    print(f"database: {connection.vendor}, {rows} rows, {len(data) / 1e3:.0f} kB file")
    print(f"dry run: {check:6.2f} s  {1000 * check / rows:6.2f} ms/row  {check_queries / rows:5.1f} queries/row")
    print(f"commit:  {commit:6.2f} s  {1000 * commit / rows:6.2f} ms/row  {commit_queries / rows:5.1f} queries/row")
    print(f"a {5000}-row import, extrapolated: {5 * (check + commit) * 1000 / rows:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
