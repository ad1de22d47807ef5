"""Fixtures of the KIS tests: the starting catalogue (a live-server test flushes it), periods, reports."""

import datetime
import importlib
from decimal import Decimal

import pytest


def ensure_catalogue():
    from django.apps import apps

    from statistik.models import CatalogueVersion

    if not CatalogueVersion.objects.exists():
        importlib.import_module("statistik.migrations.0002_starting_catalogue").create(apps, None)
        importlib.import_module("statistik.migrations.0003_indicator_rules_explanations_history").seed_rules(apps, None)
    return CatalogueVersion.objects.get(number=1)


@pytest.fixture
def catalogue(db):
    return ensure_catalogue()


@pytest.fixture
def period(catalogue):
    from statistik.models import Period

    return Period.objects.create(year=2012, deadline=datetime.date(2013, 2, 28))


@pytest.fixture
def make_report(catalogue, cast):
    """``make_report(municipality, period, values={("MOT_TOT", "T"): 10}, status="approved", version=None)``;
    the version is the seeded catalogue unless another is given."""
    from statistik.models import Indicator, Report, Value

    def make(municipality, period, values=None, status="draft", version=None):
        version = version or catalogue
        report = Report.objects.create(municipality=municipality, period=period, version=version, status=status)
        indicators = {i.code: i for i in Indicator.objects.filter(version=version)}
        for (code, key), value in (values or {}).items():
            Value.objects.create(
                report=report, indicator=indicators[code], key=key, value=None if value is None else Decimal(value)
            )
        return report

    return make
