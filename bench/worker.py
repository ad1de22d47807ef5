"""The Django side of the benchmarks, run by bench/harness.py in a child process against one database.

    worker.py prepare                       # the demo cast (password demo) in a seeded database
    worker.py facts                         # ids the benchmarks put in their URLs
    worker.py session USERNAME              # a logged-in session id (for the load generator)
    worker.py pages USERNAME RUNS URL...    # median/best time and query count of GET URL through the test client
    worker.py hits USERNAME URL             # how many insatser the list at URL finds
    worker.py profile USERNAME URL          # pyinstrument's call tree of one GET of URL, on stderr
    worker.py export MODE PARAMS            # one Excel export of insatser: MODE job | bare | fetch

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


def export(mode, params):
    """One export of insatser as the system administrator, timed inside this fresh process.

    job:   the export as the Celery task runs it: an ExportJob through ``export_run`` (builder, XlsxWriter, file).
    bare:  the same rows fetched the same way (the builder's own queryset and row function), written with a bare
           openpyxl write_only loop (``ws.append(values)``) to a file: the floor the export is compared with.
    fetch: the same rows fetched and turned into values, nothing written (how much of both is the database).
    """
    from openpyxl import Workbook

    from insatsbasen import columns, exports
    from intro_sodertorn.exports import export_run
    from intro_sodertorn.models import ExportJob

    user = get_user_model().objects.get(username="admin")
    params = json.loads(params)
    started = time.perf_counter()
    if mode == "job":
        job = ExportJob.objects.create(user=user, kind="insatsbasen.insatser", title="Bench", params=params)
        job = export_run(job.pk)
        if job.status != ExportJob.Status.DONE:
            raise SystemExit(job.error)
        rows, size = None, job.file.size
        job.file.delete(save=False)
    else:
        job = ExportJob(user=user, kind="insatsbasen.insatser", title="Bench", params=params)
        if mode == "bare":
            workbook = Workbook(write_only=True)
            worksheet = workbook.create_sheet("Insatser")
            worksheet.append(columns.header())
        rows = 0
        for insats in exports.stream(exports.insatser_for_export(job)):
            values = exports.row_for_export(insats)
            if mode == "bare":
                worksheet.append(values)
            rows += 1
        size = 0
        if mode == "bare":
            with tempfile.TemporaryFile() as file:
                workbook.save(file)
                size = file.tell()
    return {"seconds": time.perf_counter() - started, "rows": rows, "bytes": size}


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
