"""Many years of fictitious KIS reports for performance work (``manage.py seed_large``, the query-budget tests).

For each of the ``years`` whole years up to the current one, every member municipality gets an
APPROVED report (so the dashboards count it) under the catalogue version in force for the period,
with full breakdowns (sex, age bands, arrival category) made by the demo's generator and checked by
the same validation as the form. Periods and reports that already exist are left as they are.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from natverk.models import Municipality

from . import demo
from .calc import values_validate
from .models import CatalogueVersion, Period, Report, ReportEvent, Value

BATCH = 5000
# The demo's generator models trends by the year's step from 2008; later years keep the latest trend it can express.
GENERATOR_YEARS = (2008, 2026)


def seed(size, stdout=None):
    """Add approved reports for the ``size`` years up to this one. Returns what was created, by model."""
    rng = random.Random(2008 + size)
    this_year = timezone.localdate().year
    region = get_user_model().objects.filter(username="statistik-region").first()
    indicators_of = {}
    created = {"periods": 0, "reports": 0, "values": 0}
    reports, cells = [], []
    for year in range(this_year - max(1, size) + 1, this_year + 1):
        period, period_created = Period.objects.get_or_create(
            year=year,
            half=None,
            defaults={
                "deadline": datetime.date(year + 1, 2, 28),
                "status": Period.Status.OPEN if year == this_year else Period.Status.CLOSED,
            },
        )
        created["periods"] += period_created
        version = CatalogueVersion.objects.for_period(period)
        if version is None:
            continue
        if version.pk not in indicators_of:
            indicators_of[version.pk] = list(version.indicators.all())
        indicators = indicators_of[version.pk]
        by_code = {indicator.code: indicator for indicator in indicators}
        reported = set(Report.objects.filter(period=period).values_list("municipality_id", flat=True))
        for municipality in Municipality.objects.members_during(period.start, period.end).order_by("name"):
            if municipality.pk in reported:
                continue
            step = min(max(year, GENERATOR_YEARS[0]), GENERATOR_YEARS[1]) - GENERATOR_YEARS[0]
            raw = demo.figures(demo.SCALE.get(municipality.name, 50), step, rng)
            values, errors = values_validate(indicators, {cell: v for cell, v in raw.items() if cell[0] in by_code})
            if errors:
                raise ValueError(f"Generated figures break the validation: {municipality} {year}: {errors}")
            submitted = timezone.make_aware(datetime.datetime(year + 1, 2, rng.randint(1, 27), 10))
            report = Report(
                municipality=municipality,
                period=period,
                version=version,
                status=Report.Status.APPROVED,
                comment=demo.FICTITIOUS,
                submitted_at=submitted,
                approved_at=submitted + datetime.timedelta(days=5),
            )
            reports.append(report)
            cells.append(values)
    Report.objects.bulk_create(reports, batch_size=BATCH)
    value_rows, events = [], []
    for report, values in zip(reports, cells, strict=True):
        by_code = {indicator.code: indicator for indicator in indicators_of[report.version_id]}
        value_rows += [
            Value(report=report, indicator=by_code[code], key=key, value=value)
            for (code, key), value in values.items()
            if value is not None
        ]
        events.append(ReportEvent(report=report, user=region, action=ReportEvent.Action.SUBMITTED))
        events.append(ReportEvent(report=report, user=region, action=ReportEvent.Action.APPROVED))
    Value.objects.bulk_create(value_rows, batch_size=BATCH)
    ReportEvent.objects.bulk_create(events, batch_size=BATCH)
    created["reports"] = len(reports)
    created["values"] = len(value_rows)
    if stdout:
        stdout.write("statistik: " + ", ".join(f"{count} {name}" for name, count in created.items()) + "\n")
    return created
