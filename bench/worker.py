"""The Django side of the benchmarks, run by bench/harness.py in a child process against one database.

    worker.py prepare                       # the demo cast (password demo) in a seeded database
    worker.py facts                         # ids the benchmarks put in their URLs
    worker.py session USERNAME              # a logged-in session id (for the load generator)
    worker.py pages USERNAME RUNS URL...    # median/best time and query count of GET URL through the test client
    worker.py hits USERNAME URL             # how many insatser the list at URL finds
    worker.py profile USERNAME URL          # pyinstrument's call tree of one GET of URL, on stderr
    worker.py export MODE PARAMS            # one Excel export of insatser: MODE job | bare | fetch | check

The last line printed is the answer as JSON. Not a test and not run by the tests.
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from harness import timed  # noqa: E402


def prepare():
    from intro_sodertorn.demo import demo_users_create

    return {"users": len(demo_users_create())}


def facts():
    """Ids for the URLs: the municipality and category with the most insatser, the KIS years there are."""
    from django.db.models import Count

    from insatsbasen.models import Category, Insats, TargetGroup
    from natverk.models import Municipality
    from statistik.models import Period

    municipality = Municipality.objects.annotate(n=Count("owned_insatser")).order_by("-n", "pk").first()
    category = Category.objects.annotate(n=Count("insatser")).order_by("-n", "pk").first()
    target_group = TargetGroup.objects.annotate(n=Count("insatser")).order_by("-n", "pk").first()
    years = sorted(set(Period.objects.values_list("year", flat=True)))
    return {
        "insatser": Insats.objects.count(),
        "municipality": municipality.pk,
        "category": category.pk,
        "target_group": target_group.pk,
        "years": years,
    }


def session(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return {"sessionid": client.cookies["sessionid"].value}


def pages(username, runs, *urls):
    """Each URL as the user sees it through the test client: time (median of RUNS after two warm-ups) and queries."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    answer = {}
    for url in urls:
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

        def get(url=url):
            client.get(url)

        answer[url] = timed(get, runs=int(runs), warmup=2) | {"queries": len(executed), "bytes": len(response.content)}
    return answer


def hits(username, url):
    """How many insatser the list at URL finds, and how many its first page shows."""
    from urllib.parse import urlsplit

    from django.http import QueryDict

    from insatsbasen.views import PAGE_SIZE, filtered_insatser

    user = get_user_model().objects.get(username=username)
    _filterset, queryset, _query, _sort = filtered_insatser(user, QueryDict(urlsplit(url).query))
    count = queryset.count()
    return {"hits": count, "shown": min(count, PAGE_SIZE)}


def profile(username, url):
    """pyinstrument's call tree of one GET of URL (after a warm-up), printed to stderr."""
    from pyinstrument import Profiler

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    client.get(url)
    profiler = Profiler(interval=0.0005)
    with profiler:
        status = client.get(url).status_code
    print(profiler.output_text(unicode=True, show_all=False), file=sys.stderr)
    return {"status": status}


# The bare baseline: what a competent engineer writes without the project. One SQL statement (the related names
# joined, the lists as string_agg subqueries), streamed from a server-side cursor of psycopg, each row turned into
# the cells the project writes (Swedish labels, ja/nej, "; "-separated lists, the Stockholm day) and written by
# openpyxl's write-only workbook with ``ws.append``. Same filter and order as the export's default list as the
# system administrator: ended and archived insatser left out, sorted by name. The Swedish labels of the codes are
# data (the engineer would type the same dictionaries); they are read from the model's choices.
BARE_SQL = """
SELECT i.id, i.name, i.short_description, i.description, c.name, i.plan_part,
       (SELECT string_agg(t.name, '; ' ORDER BY t.name COLLATE "C")
          FROM insatsbasen_insats_target_groups it JOIN insatsbasen_targetgroup t ON t.id = it.targetgroup_id
         WHERE it.insats_id = i.id),
       i.age_min, i.age_max, i.eligibility, i.languages, p.name, i.provider_type, m.name,
       (SELECT string_agg(pm.name, '; ' ORDER BY pm.name COLLATE "C")
          FROM insatsbasen_insats_participating_municipalities ip
          JOIN natverk_municipality pm ON pm.id = ip.municipality_id
         WHERE ip.insats_id = i.id),
       i.is_remote,
       (SELECT string_agg(concat_ws(', ', nullif(pl.name, ''), nullif(pl.street_address, ''),
                                    nullif(concat_ws(' ', nullif(pl.postal_code, ''), nullif(pl.city, '')), '')),
                          '; ' ORDER BY pl.id)
          FROM insatsbasen_place pl WHERE pl.insats_id = i.id),
       i.start_date, i.end_date, i.intake, i.intake_dates, i.hours, i.capacity, i.participant_cost, i.funding,
       ct.name, i.contact_is_public, i.function_email, i.function_phone, i.how_to_apply, i.web_link,
       i.internal_notes, i.status, i.review_interval_months, i.version,
       (i.last_verified_at AT TIME ZONE 'Europe/Stockholm')::date, i.review_due_on
  FROM insatsbasen_insats i
  JOIN insatsbasen_category c ON c.id = i.category_id
  JOIN natverk_municipality m ON m.id = i.owner_municipality_id
  LEFT JOIN natverk_organisation p ON p.id = i.provider_id
  LEFT JOIN natverk_contact ct ON ct.id = i.contact_id
 WHERE i.status NOT IN ('ended', 'archived')
 ORDER BY i.name
"""
BARE_CHOICE_COLUMNS = {5: "plan_part", 12: "provider_type", 19: "intake", 32: "status"}
BARE_LIST_COLUMNS = {10: "languages", 24: "funding"}
BARE_BOOL_COLUMNS = (15, 26)


def bare_connection():
    import psycopg

    return psycopg.connect(os.environ["DATABASE_URL"])


def bare_rows(database):
    """The rows of the bare baseline on an open psycopg connection, streamed (see BARE_SQL)."""
    from django.utils.translation import override

    from insatsbasen.columns import CHOICES

    with override("sv"):
        labels = {key: {code: str(label) for code, label in choices} for key, choices in CHOICES.items()}
    choice_columns = [(index, labels[key]) for index, key in BARE_CHOICE_COLUMNS.items()]
    list_columns = [(index, labels[key]) for index, key in BARE_LIST_COLUMNS.items()]
    with database.cursor(name="bare_export") as cursor:
        cursor.itersize = 2000
        cursor.execute(BARE_SQL)
        for record in cursor:
            row = ["" if value is None else value for value in record]
            for index, names in choice_columns:  # an empty plan part has a label of its own
                row[index] = names.get(row[index], row[index]) if row[index] or index == 5 else ""
            for index, names in list_columns:
                row[index] = "; ".join(names.get(code, code) for code in row[index])
            for index in BARE_BOOL_COLUMNS:
                row[index] = "ja" if row[index] else "nej"
            yield row


def django_backend_pid():
    connection.ensure_connection()
    return connection.connection.info.backend_pid


class Clock:
    """Wall time, and CPU time of this process plus the PostgreSQL backend serving its connection (both sides
    read through a server-side cursor, which PostgreSQL never runs in parallel workers). The CPU time is what the
    export itself costs, which other processes' load on the shared machine hardly moves."""

    def __init__(self, backend_pid):
        self.schedstat = Path(f"/proc/{backend_pid}/schedstat")
        self.wall, self.cpu = time.perf_counter(), self._cpu()

    def _cpu(self):
        return time.process_time() + int(self.schedstat.read_text().split()[0]) / 1e9

    def answer(self, **figures):
        return {"seconds": time.perf_counter() - self.wall, "cpu": self._cpu() - self.cpu, **figures}


def export(mode, params):
    """One export of insatser as the system administrator, timed inside this fresh process.

    job:   the export as the Celery task runs it: an ExportJob through ``export_run`` (builder, XlsxWriter, file).
    bare:  the bare baseline (``BARE_SQL``, ``bare_rows``) written by openpyxl's write-only ``ws.append``.
    fetch: the export's own rows (``exports.export_rows``), nothing written (how much of the job is the database).
    check: both sides' rows compared, by id (the order of namesakes is the database's): are they the same?
    """
    from django.conf import settings
    from openpyxl import Workbook

    from insatsbasen import columns, exports
    from intro_sodertorn.exports import export_run
    from intro_sodertorn.models import ExportJob

    # The job mails its user when the file is ready: kept in memory here (no mail server on the bench).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = get_user_model().objects.get(username="admin")
    params = json.loads(params)
    if mode == "job":
        clock = Clock(django_backend_pid())
        job = ExportJob.objects.create(user=user, kind="insatsbasen.insatser", title="Bench", params=params)
        job = export_run(job.pk)
        if job.status != ExportJob.Status.DONE:
            raise SystemExit(job.error)
        rows, size = None, job.file.size
        job.file.delete(save=False)
        return clock.answer(rows=rows, bytes=size)
    if mode == "bare":
        if params:
            raise SystemExit("the bare baseline is the default list only")
        started = time.perf_counter()
        with bare_connection() as database:
            clock = Clock(database.info.backend_pid)
            clock.wall = started  # the connection is part of the bare loop's time
            workbook = Workbook(write_only=True)
            worksheet = workbook.create_sheet("Insatser")
            worksheet.append(columns.header())
            rows = 0
            for row in bare_rows(database):
                worksheet.append(row)
                rows += 1
            with tempfile.TemporaryFile() as file:
                workbook.save(file)
                size = file.tell()
            return clock.answer(rows=rows, bytes=size)
    job = ExportJob(user=user, kind="insatsbasen.insatser", title="Bench", params=params)
    project = exports.export_rows(exports.insatser_for_export(job))
    if mode == "fetch":
        clock = Clock(django_backend_pid())
        rows = sum(1 for _row in project)
        return clock.answer(rows=rows)
    # check: a digest of each row by id, so 100,000 rows of both sides need not sit in memory at once.
    import hashlib

    def digests(rows):
        return {row[0]: hashlib.sha1(repr(row).encode()).digest() for row in rows}

    with bare_connection() as database:
        ours, theirs = digests(project), digests(bare_rows(database))
    differing = [pk for pk in ours.keys() | theirs.keys() if ours.get(pk) != theirs.get(pk)]
    return {"rows": len(ours), "bare_rows": len(theirs), "differing": len(differing), "examples": differing[:5]}


COMMANDS = {
    "prepare": prepare,
    "facts": facts,
    "session": session,
    "pages": pages,
    "hits": hits,
    "profile": profile,
    "export": export,
}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
