"""Benchmark the insatsbasen search: create N fictitious insatser, then time searches and count queries.

Usage (not run in tests; uses the configured database, inside a transaction that is rolled back):
    DATABASE_URL=... .venv/bin/python bench/insatsbasen_search.py 2000
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from insatsbasen import search, services  # noqa: E402
from insatsbasen.models import Category, Insats  # noqa: E402
from natverk.models import Municipality  # noqa: E402

WORDS = ["kurs", "praktik", "svenska", "föräldrar", "hälsa", "validering", "vård", "bygg", "unga", "samhälle"]
QUERIES = ["kurser", "praktikplatser", "föräldragrupp", "hälsa", "validering vård", "körkort"]


class Rollback(Exception):
    pass


def main(count):
    municipalities = list(Municipality.objects.all())
    categories = list(Category.objects.all())
    try:
        with transaction.atomic():
            started = time.perf_counter()
            for index in range(count):
                insats = Insats.objects.create(
                    name=f"{WORDS[index % 10].capitalize()} {WORDS[(index * 7) % 10]} {index}",
                    short_description=f"{WORDS[(index * 3) % 10]} och {WORDS[(index * 5) % 10]} för nyanlända",
                    category=categories[index % len(categories)],
                    owner_municipality=municipalities[index % len(municipalities)],
                    status=Insats.Status.PUBLISHED,
                )
                services.insats_refresh_derived(insats)
            print(f"{connection.vendor}: created {count} insatser in {time.perf_counter() - started:.1f} s")
            for query in QUERIES:
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    results = search.search(Insats.objects.published(), query).order_by("-rank", "name")
                    first_page = list(results[:25])
                    total = results.count()
                    elapsed = (time.perf_counter() - started) * 1000
                print(
                    f"  {query!r:20} {total:6} hits, page {len(first_page)}, {elapsed:7.1f} ms, {len(queries)} queries"
                )
            raise Rollback
    except Rollback:
        print("rolled back")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
