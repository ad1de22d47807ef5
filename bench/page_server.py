"""The portal against one database, answering page requests over a pipe: the child of harness.PageServer.

    DATABASE_URL=... bench/page_server.py   # then one JSON request a line on stdin, one JSON answer a line on stdout

Requests (``op`` and its arguments):

- ``get`` user, path: GET path through Django's test client as that user (None: anonymous), production settings;
  answers ``seconds`` (timed in here, around the client's GET), ``queries``, ``status`` and ``bytes``.
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


def get(user, path):
    client = client_for(user)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "queries": len(queries), "status": response.status_code, "bytes": len(response.content)}


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
