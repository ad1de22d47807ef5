"""A large fictitious catalogue for performance work (``manage.py seed_large``, the query-budget tests).

Bulk inserts of insatser with target groups, participating municipalities, a place and the "created"
history row each. The vocabulary is the demo's (``demo.py``). The derived fields are those
``services.insats_refresh_derived`` stores, computed by the same functions (``search.build_document``,
``Insats.compute_review_due_on``), so search and the review pages see the insatser as if saved one by one.
"""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.utils import timezone

from natverk.models import Municipality, Organisation

from . import demo, search
from .models import Category, Insats, InsatsChange, Place, TargetGroup, ordered_languages

BATCH = 1000


def seed(size, stdout=None):
    """Add ``size`` insatser spread over the municipalities and categories. Returns what was created, by model."""
    rng = random.Random(2010 + size)
    now = timezone.now()
    today = timezone.localdate()
    verifier = get_user_model().objects.filter(username="strateg").first()
    categories = {category.slug: category for category in Category.objects.all()}
    groups = {group.slug: group for group in TargetGroup.objects.all()}
    municipalities = list(Municipality.objects.order_by("name"))
    providers = list(
        Organisation.objects.filter(kind__in=[kind for _n, kind, _t in demo.PROVIDERS]).order_by("pk")[:50]
    )
    slugs = [slug for slug in demo.TEMPLATES if slug in categories]
    numbers = {}  # (municipality, name) → how many so far, to number namesakes as groups
    created = {"insatser": 0, "places": 0, "target groups": 0, "participating municipalities": 0}
    began = lap = time.monotonic()
    for start in range(0, size, BATCH):
        rows, plans = [], []
        for index in range(start, min(size, start + BATCH)):
            municipality = municipalities[index % len(municipalities)]
            slug = slugs[(index // len(municipalities) + index) % len(slugs)]
            patterns, description, group_slugs, plan_part, languages = demo.TEMPLATES[slug]
            language = rng.choice(languages)
            place = rng.choice(demo.PLACES.get(municipality.name, [municipality.name]))
            words = {
                "level": rng.choice(demo.LEVELS),
                "branch": rng.choice(demo.BRANCHES),
                "language": demo.LANGUAGES_SV.get(language, "arabiska"),
                "place": place,
            }
            base = rng.choice(patterns).format(**words)
            name = base if place in base else f"{base}, {place}"
            number = numbers[(municipality.pk, name)] = numbers.get((municipality.pk, name), 0) + 1
            if number > 1:
                name = f"{name}, grupp {number}"
            provider = rng.choice(providers) if providers and rng.random() < 0.4 else None
            begins = today - datetime.timedelta(days=rng.randrange(0, 15 * 365))
            status = rng.choices(
                [Insats.Status.PUBLISHED, Insats.Status.DRAFT, Insats.Status.PAUSED, Insats.Status.ENDED,
                 Insats.Status.ARCHIVED],
                weights=[70, 8, 6, 10, 6],
            )[0]  # fmt: skip
            insats = Insats(
                name=name,
                short_description=description.format(**words).split(". ")[0].rstrip(".") + ".",
                description=description.format(**words),
                category=categories[slug],
                plan_part=plan_part,
                age_min=16 if slug == "ungdom" else (None if slug == "ensamkommande" else 18),
                age_max=19 if slug == "ungdom" else (17 if slug == "ensamkommande" else 64),
                eligibility="Nyanlända med uppehållstillstånd som är folkbokförda i kommunen.",
                languages=ordered_languages([language, "sv"]),
                provider=provider,
                provider_type="ideell" if provider else "kommun",
                owner_municipality=municipality,
                start_date=begins if rng.random() < 0.5 else None,
                end_date=begins + datetime.timedelta(days=rng.choice([60, 120, 180])) if rng.random() < 0.3 else None,
                intake=rng.choice([Insats.Intake.CONTINUOUS, Insats.Intake.FIXED]),
                hours=demo.hours_for(name, rng.choice(["Mån–tor 9–12", "Tis och tor 13–16", "Ons 17–19"])),
                capacity=rng.choice([None, 8, 12, 15, 20, 30]),
                participant_cost=rng.choice(["Kostnadsfritt", "Kostnadsfritt", "50 kr per tillfälle"]),
                funding=rng.sample(["kommun", "af", "esf", "lst", "schablon"], k=rng.randint(1, 2)),
                function_email=f"insatser@{demo_domain(municipality)}.exempel.se",
                function_phone="08-123 456 78",
                how_to_apply="Tala med din handläggare på Arbetsförmedlingen.",
                internal_notes="Fiktiv post för prestandatester.",
                status=status,
                last_verified_at=now - datetime.timedelta(days=rng.choice([20, 45, 90, 150, 200, 300, 400])),
                last_verified_by=verifier,
                view_count=rng.randint(0, 300),
            )
            # In the relation's own order (position, name), as build_document reads them back.
            linked = sorted((groups[g] for g in group_slugs if g in groups), key=lambda g: (g.position, g.name))
            # The derived fields, as services.insats_refresh_derived computes them, before the insert so each
            # row is written once (the search index is kept up to date on every write). build_document reads
            # the target groups through the relation of a saved insats: a stand-in pk and the groups as if
            # prefetched let it do so without a query; the pk is cleared again before the insert.
            place = Place(
                name=f"{municipality.name} vägledningscentrum", city=words["place"], municipality_id=municipality.pk
            )
            insats.pk = -1
            _prefetched(insats, "target_groups", linked)
            _prefetched(insats, "places", [place])
            insats.search_document = search.build_document(insats)
            insats.review_due_on = insats.compute_review_due_on()
            insats.pk = None
            # Fixed intakes name their dates, as the publishing gate asks (from the index: same random sequence).
            if insats.intake == Insats.Intake.FIXED:
                insats.intake_dates = demo.INTAKE_DATES[index % len(demo.INTAKE_DATES)]
            rows.append(insats)
            participating = rng.sample(municipalities, k=rng.choice([0, 0, 0, 1, 2]))
            plans.append((linked, participating, place))
        Insats.objects.bulk_create(rows)

        group_links, municipality_links, places, changes = [], [], [], []
        GroupLink = Insats.target_groups.through
        MunicipalityLink = Insats.participating_municipalities.through
        for insats, (target_groups, participating, place) in zip(rows, plans, strict=True):
            group_links += [GroupLink(insats_id=insats.pk, targetgroup_id=group.pk) for group in target_groups]
            municipality_links += [
                MunicipalityLink(insats_id=insats.pk, municipality_id=other.pk)
                for other in participating
                if other.pk != insats.owner_municipality_id
            ]
            # The place build_document read (name, city), completed now that the insats has its key.
            place.insats = insats
            place.street_address = (
                f"{rng.choice(['Storgatan', 'Kyrkvägen', 'Torget', 'Centrumvägen'])} {rng.randint(1, 40)}"
            )
            place.postal_code = f"1{rng.randint(40, 59)} {rng.randint(10, 99)}"
            places.append(place)
            changes.append(InsatsChange(insats=insats, field="created", new_value=insats.name))
        GroupLink.objects.bulk_create(group_links)
        MunicipalityLink.objects.bulk_create(municipality_links, ignore_conflicts=True)
        Place.objects.bulk_create(places)
        InsatsChange.objects.bulk_create(changes)
        created["insatser"] += len(rows)
        created["places"] += len(places)
        created["target groups"] += len(group_links)
        created["participating municipalities"] += len(municipality_links)
        if stdout and created["insatser"] % (10 * BATCH) == 0:  # the pace, to see whether it keeps up at scale
            now_ = time.monotonic()
            stdout.write(
                f"  {created['insatser']} insatser, {now_ - began:.0f} s, last {10 * BATCH}: {now_ - lap:.1f} s\n"
            )
            lap = now_
    if stdout:
        stdout.write("insatsbasen: " + ", ".join(f"{count} {name}" for name, count in created.items()) + "\n")
    return created


def _prefetched(instance, relation, objects):
    """Fill the relation's prefetch cache, as ``prefetch_related`` would, with objects already at hand."""
    queryset = getattr(instance, relation).model.objects.all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset


def demo_domain(municipality):
    return municipality.name.lower().translate(str.maketrans("åäö", "aao"))
