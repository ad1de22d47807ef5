import datetime

import pytest
from django.utils import timezone

from insatsbasen import services
from insatsbasen.models import Category, Insats, TargetGroup


def ensure_taxonomy():
    """The seeded categories and target groups (a live-server test flushes them)."""
    if not Category.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("insatsbasen.migrations.0002_seed_taxonomy").seed(apps, None)


@pytest.fixture
def make_insats(db, municipalities):
    ensure_taxonomy()

    def make(name="Svenska för föräldrar", municipality="Huddinge", status=Insats.Status.PUBLISHED, **fields):
        category = fields.pop("category", None) or Category.objects.get(slug="sfi")
        groups = fields.pop("target_groups", [])
        verified_days_ago = fields.pop("verified_days_ago", 10)
        # What the publishing gate asks for and the search text does not hold (so search tests are unaffected);
        # a published insats also needs a language: tests that edit one give it.
        fields.setdefault("how_to_apply", "Anmäl dig till kommunens vägledningscentrum.")
        fields.setdefault("function_email", "insatser@exempel.se")
        fields.setdefault("is_remote", True)
        insats = Insats.objects.create(
            name=name,
            short_description=fields.pop("short_description", f"Kort om {name}"),
            category=category,
            owner_municipality=municipalities[municipality],
            status=status,
            last_verified_at=timezone.now() - datetime.timedelta(days=verified_days_ago),
            **fields,
        )
        insats.target_groups.set(groups)
        services.insats_refresh_derived(insats)
        return insats

    return make


@pytest.fixture
def taxonomy(db):
    ensure_taxonomy()
    return {
        "categories": {c.slug: c for c in Category.objects.all()},
        "groups": {g.slug: g for g in TargetGroup.objects.all()},
    }
