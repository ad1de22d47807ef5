"""Fictitious KIS figures for the five years up to last year (called by manage.py load_demo).

Magnitudes follow the real scale (SCB AA0003): Södertälje and Botkyrka receive a few hundred
persons a year, Salem and Nykvarn tens. The years are counted back from the day the demo is loaded,
so last year is the round in progress whatever the date.
Every figure is made up by a seeded random generator. Nynäshamn is late for the latest period, and
the small municipalities give counts under 5, so suppression shows on the dashboards: Salem and
Nykvarn have many small cells, Huddinge exactly one (women's exits to studies in the fourth year), so that the
secondary suppression ("..") shows. Catalogue version 2 changes the definition of AVS_ARB from the
latest year on, so the time series mark a change of definition.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from natverk.models import Municipality

from .calc import values_validate
from .models import TOTAL, CatalogueVersion, Period, Report, ReportEvent, Value

FICTITIOUS = "Fiktiva demosiffror – inte verklig statistik."

# Persons received per year (rough scale of the municipality).
SCALE = {
    "Södertälje": 520,
    "Botkyrka": 310,
    "Huddinge": 240,
    "Haninge": 190,
    "Nacka": 140,
    "Tyresö": 60,
    "Värmdö": 45,
    "Nynäshamn": 40,
    "Salem": 18,
    "Nykvarn": 9,
}
LATE = "Nynäshamn"
# One municipality with a single small cell: (name, year, code, key, value); the total is kept.
# (The year is given as its place in the series: 3 is the fourth year.)
SINGLE_SMALL = ("Huddinge", 3, "AVS_STU", "K", 3)
NEW_DEFINITION = (
    "AVS_ARB",
    "Avslut till anställning om minst tre sammanhängande månader, även kommunala "
    "arbetsmarknadsanställningar och nystartsjobb.",
)
SUBMITTED_LATEST = ("Haninge",)
# How many years the demo reports: the last complete years up to last year.
YEAR_COUNT = 5


def demo_years(today=None):
    """The demo's years, last year included, counted back from ``today``."""
    today = today or timezone.localdate()
    return range(today.year - YEAR_COUNT, today.year)


def _split(total, weights, rng):
    """Split a whole number into parts proportional to (jittered) weights that add up exactly."""
    jittered = [w * rng.uniform(0.8, 1.2) for w in weights]
    scale = sum(jittered)
    raw = [total * w / scale for w in jittered]
    parts = [int(x) for x in raw]
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _grid(values, code, keys, parts):
    for key, part in zip(keys, parts, strict=True):
        values[(code, key)] = part
    values[(code, "T")] = sum(parts)


def figures(scale, step, rng):
    """One municipality's typed figures for the ``step``-th year, consistent with every validation rule."""
    trend = 1 + 0.12 * step
    received = max(1, round(scale * trend * rng.uniform(0.8, 1.2)))
    values = {}
    _grid(values, "MOT_TOT", ["K", "M"], _split(received, [45, 55], rng))
    _grid(values, "MOT_ALDER", ["a0_15", "a16_19", "a20_64", "a65"], _split(received, [30, 8, 59, 3], rng))
    _grid(values, "MOT_KAT", ["kvot", "asyl", "anh", "ovr"], _split(received, [12, 48, 36, 4], rng))
    stock = round(received * rng.uniform(1.8, 2.4))
    _grid(values, "BES_TOT", ["K", "M"], _split(stock, [46, 54], rng))
    values[("BES_SFI", "T")] = round(stock * rng.uniform(0.55, 0.75))
    values[("BES_SO", "T")] = round(stock * rng.uniform(0.2, 0.4))
    values[("BES_PRA", "T")] = round(stock * rng.uniform(0.1, 0.25))
    values[("BES_VAL", "T")] = round(stock * rng.uniform(0.02, 0.08))
    exits = round(received * rng.uniform(0.7, 0.95))
    work_share = 0.22 + 0.03 * step + rng.uniform(-0.05, 0.05)
    reasons = _split(exits, [work_share, 0.1, 0.15, 0.4 - 0.02 * step, 0.08], rng)
    for code, count in zip(["AVS_ARB", "AVS_STU", "AVS_FLY", "AVS_PLAN", "AVS_OVR"], reasons, strict=True):
        _grid(values, code, ["K", "M"], _split(count, [40, 60], rng))
    values[("AVS_MAN", "T")] = Decimal(str(round(rng.uniform(14, 30), 1)))
    beginners = round(received * rng.uniform(0.5, 0.7))
    passed = [round(part * rng.uniform(0.35, 0.6)) for part in _split(beginners, [48, 52], rng)]
    _grid(values, "SFI_NYB", ["K", "M"], _split(beginners, [48, 52], rng))
    for key, count in zip(["K", "M"], passed, strict=True):
        values[("SFI_KLAR", key)] = min(count, values[("SFI_NYB", key)])
    values[("SFI_KLAR", "T")] = values[("SFI_KLAR", "K")] + values[("SFI_KLAR", "M")]
    values[("EKO_FB", "T")] = round(stock * rng.uniform(35_000, 55_000), -3)
    values[("EKO_SCH", "T")] = round(received * rng.uniform(170_000, 200_000), -3)
    return values


def _new_version(old, year):
    """Catalogue version 2 from ``year``: a copy of version 1 with AVS_ARB's definition changed."""
    version, created = CatalogueVersion.objects.get_or_create(
        number=old.number + 1,
        defaults={
            "name": "KIS ny definition av avslut till arbete",
            "valid_from_year": year,
            "notes": "Avslut till arbete räknas från tre månaders anställning (fiktiv ändring i demodata).",
        },
    )
    if created:
        copies = {}
        source = list(old.indicators.order_by("order"))
        code_of = {indicator.pk: indicator.code for indicator in source}
        for indicator in source:
            parent = code_of.get(indicator.part_of_id)
            indicator.pk = None
            indicator.version = version
            indicator.part_of = copies.get(parent)
            if indicator.code == NEW_DEFINITION[0]:
                indicator.definition = NEW_DEFINITION[1]
            indicator.save()
            copies[indicator.code] = indicator
    return version


def load(stdout=None):
    rng = random.Random(2010)
    first = CatalogueVersion.objects.order_by("number").first()
    region = get_user_model().objects.filter(username="statistik-region").first()
    years = demo_years()
    now = timezone.now()
    latest_year = max(years)
    versions = dict.fromkeys(years, first) | {latest_year: _new_version(first, latest_year)}
    count = 0
    for year in years:
        period, _created = Period.objects.get_or_create(
            year=year,
            half=None,
            defaults={
                "deadline": datetime.date(year + 1, 2, 28),
                "status": Period.Status.OPEN if year == latest_year else Period.Status.CLOSED,
            },
        )
        for municipality in Municipality.objects.members_during(period.start, period.end):
            if municipality.name == LATE and year == latest_year:
                continue
            version = versions[year]
            indicators = list(version.indicators.all())
            by_code = {indicator.code: indicator for indicator in indicators}
            values = figures(SCALE.get(municipality.name, 50), year - years.start, rng)
            name, small_step, code, key, small = SINGLE_SMALL
            if (municipality.name, year) == (name, years.start + small_step):
                other = "M" if key == "K" else "K"
                values[(code, other)] = values[(code, TOTAL)] - small
                values[(code, key)] = small
            cleaned, errors = values_validate(indicators, values)
            assert not errors, (municipality, year, errors)
            status = Report.Status.APPROVED
            if year == latest_year and municipality.name in SUBMITTED_LATEST:
                status = Report.Status.SUBMITTED
            submitted = timezone.make_aware(datetime.datetime(year + 1, 2, rng.randint(1, 27), 10))
            # Loaded before last year's deadline, the round's reports came in the last few weeks.
            submitted = min(submitted, now - datetime.timedelta(days=rng.randint(8, 30)))
            report = Report.objects.create(
                municipality=municipality,
                period=period,
                version=version,
                status=status,
                comment=FICTITIOUS,
                submitted_at=submitted,
                approved_at=submitted + datetime.timedelta(days=5) if status == Report.Status.APPROVED else None,
            )
            Value.objects.bulk_create(
                Value(report=report, indicator=by_code[code], key=key, value=value)
                for (code, key), value in cleaned.items()
                if value is not None
            )
            ReportEvent.objects.create(
                report=report, user=region, action=ReportEvent.Action.SUBMITTED, comment=FICTITIOUS
            )
            if status == Report.Status.APPROVED:
                ReportEvent.objects.create(report=report, user=region, action=ReportEvent.Action.APPROVED)
            count += 1
    if stdout:
        span = f"{years.start}–{latest_year}"
        stdout.write(f"statistik: {count} fictitious KIS reports {span} ({LATE} late for {latest_year}).\n")
