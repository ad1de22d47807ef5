"""The portal against one database, answering page requests over a pipe: the child of harness.PageServer.

    DATABASE_URL=... bench/page_server.py   # then one JSON request a line on stdin, one JSON answer a line on stdout

Requests (``op`` and its arguments):

- ``get`` user, path: GET path through Django's test client as that user (None: anonymous), production settings;
  answers ``seconds`` (timed in here, around the client's GET), ``cpu`` (the CPU time that GET took here and in
  the PostgreSQL cluster: what the page costs, whatever else the machine runs), ``queries``, ``status``, ``bytes``;
  with ``fresh`` the portal's cache is emptied first, as after a change to the catalogue.
- ``walk``: every page case of tests/performance/test_query_budgets.py's BUDGETS (the walked list of every list,
  detail, dashboard and home page, the role that uses it and its arguments), with its URL at this database (detail
  pages open the busiest object of their kind here); pages that need a fresh object (a steering report saved now)
  make it once.
- ``years``: the KIS years there are.

Not a test and not run by the tests. Anything the portal prints goes to stderr, so stdout carries only answers.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")

answers = os.fdopen(os.dup(sys.stdout.fileno()), "w")
sys.stdout = sys.stderr

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

clients = {}


def client_for(user):
    if user not in clients:
        client = Client()
        if user:
            client.force_login(get_user_model().objects.get(username=user))
        clients[user] = client
    return clients[user]


postmaster = None


def database_cpu():
    """{pid: nanoseconds on a CPU} of the PostgreSQL processes that serve this database: its backends and any
    parallel workers (not autovacuum or the checkpointer), from /proc/PID/schedstat of the postmaster's children.
    """
    global postmaster
    if postmaster is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    name = connection.settings_dict["NAME"]
    figures = {}
    for pid in Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_text()
            if f" {name} " in command or "parallel worker" in command:
                figures[pid] = int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):  # a process that ended in between
            pass
    return figures


def database_cpu_since(before):
    """Seconds on a CPU since ``before`` (``database_cpu()``) of the processes there are now; one that has ended
    meanwhile is left out (a connection closed at the end of a request), one that started counts in full."""
    after = database_cpu()
    return sum(figure - before.get(pid, 0) for pid, figure in after.items()) / 1e9


def get(user, path, fresh=False):
    """``seconds`` is wall time; ``cpu`` is the CPU time of this process and of the database cluster meanwhile.
    ``fresh``: the cache is emptied first (not timed), as after a change to the catalogue."""
    client = client_for(user)
    if fresh:
        from django.core.cache import cache

        cache.clear()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    database_before = database_cpu()
    with connection.execute_wrapper(count):
        cpu_started = time.process_time()
        started = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    cpu += database_cpu_since(database_before)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "queries": len(queries),
        "status": response.status_code,
        "bytes": len(response.content),
    }


def walk():
    from tests.performance.test_query_budgets import BUDGETS, NOT_BUDGETED
    from tests.url_walk import portal_url_names

    cases = []
    for name, budget_cases in BUDGETS.items():
        for number, case in enumerate(budget_cases):
            kwargs = case.kwargs() if case.kwargs else None
            cases.append(
                {
                    "name": name,
                    "number": number,
                    "user": case.user,
                    "query": case.query,
                    "path": reverse(name, kwargs=kwargs) + case.query,
                }
            )
    unwalked = sorted(portal_url_names() - set(BUDGETS) - set(NOT_BUDGETED))
    return {"cases": cases, "unwalked": unwalked}


def years():
    from statistik.models import Period

    return {"years": sorted(set(Period.objects.values_list("year", flat=True)))}


OPS = {"get": get, "walk": walk, "years": years}

for line in sys.stdin:
    request = json.loads(line)
    try:
        answer = OPS[request.pop("op")](**request)
    except Exception as error:  # the bench names the failure and stops; the child stays to answer the next line
        answer = {"error": f"{type(error).__name__}: {error}"}
    answers.write(json.dumps(answer) + "\n")
    answers.flush()
