"""Measure the KIS dashboards for many municipalities × years: queries and time per page.

Not run by the tests. Builds fictitious data in a throwaway database (the test database of
pytest-django is not used): run against a scratch SQLite or PostgreSQL database, e.g.

    DJANGO_DEBUG=1 DATABASE_URL=sqlite:////tmp/kis-bench.sqlite3 .venv/bin/python manage.py migrate
    DJANGO_DEBUG=1 DATABASE_URL=sqlite:////tmp/kis-bench.sqlite3 .venv/bin/python bench/statistik_dashboard.py 40 20

Arguments: number of municipalities (default 30) and of years (default 15). Prints per page the
number of queries and the best and median time of seven requests (the best is the steadiest figure
on a busy machine). Profile a page with cProfile around ``client.get(url)`` to find where time goes.
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")
# The test client asks as "testserver".
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from natverk.models import Municipality  # noqa: E402
from statistik.demo import figures  # noqa: E402
from statistik.models import CatalogueVersion, Period, Report, Value  # noqa: E402


@transaction.atomic
def build(municipality_count, year_count):
    rng = random.Random(1)
    version = CatalogueVersion.objects.get(number=1)
    by_code = {indicator.code: indicator for indicator in version.indicators.all()}
    municipalities = list(Municipality.objects.all())
    for number in range(len(municipalities), municipality_count):
        municipalities.append(
            Municipality.objects.create(
                name=f"Bänkkommun {number}", code=f"9{number:03d}", member_from=datetime.date(2000, 1, 1)
            )
        )
    for year in range(2000, 2000 + year_count):
        period, _created = Period.objects.get_or_create(
            year=year, half=None, defaults={"deadline": datetime.date(year + 1, 2, 28), "status": "closed"}
        )
        for municipality in municipalities[:municipality_count]:
            report, created = Report.objects.get_or_create(
                municipality=municipality, period=period, defaults={"version": version, "status": "approved"}
            )
            if created:
                Value.objects.bulk_create(
                    Value(report=report, indicator=by_code[code], key=key, value=value)
                    for (code, key), value in figures(rng.choice([9, 40, 300]), 2008 + year % 5, rng).items()
                )


def measure(client, url, repeat=7):
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        first = client.get(url)
    assert first.status_code == 200, first.status_code
    # Best of several: on a busy shared machine the fastest run is the steadiest estimate of the work.
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
    return response.status_code, len(executed), min(times), sorted(times)[len(times) // 2]


def main():
    # As in Django's test client setup: keep one connection so the query log spans the request.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    municipality_count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    year_count = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    build(municipality_count, year_count)
    user, _created = get_user_model().objects.get_or_create(username="bench-reader")
    client = Client()
    client.force_login(user)
    first = Municipality.objects.order_by("pk").first()
    urls = [
        "/statistik/dashboard/",
        "/statistik/dashboard/indikator/AVS_ANDEL/",
        f"/statistik/dashboard/kommun/{first.pk}/",
        "/statistik/oversikt/",
    ]
    print(f"{municipality_count} municipalities × {year_count} years")
    for url in urls:
        status, queries, best, median = measure(client, url)
        print(f"{url:45} {status}  {queries:3d} queries  best {best * 1000:7.1f} ms  median {median * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
