"""The export reads insatser as plain values (one query, relations joined in SQL) and must write exactly the cells
the model-based ``columns.row_of`` writes (the layout the import reads back): every kind of column, empty values,
lists in their order, the Stockholm day of a verification after 23:00 UTC, internal notes only where the user may
change the insats."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insatsbasen import columns, exports
from insatsbasen.models import Insats, Place
from intro_sodertorn.exports import ExportJob
from natverk.models import Contact, Organisation


def old_rows(user, params):
    """What the export wrote before it read values: model objects, relations prefetched, ``row_of`` each,
    internal notes blanked where the user may not change the insats."""
    from django.http import QueryDict

    from insatsbasen.views import filtered_insatser

    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    _filterset, queryset, _query, _sort = filtered_insatser(user, query)
    editable = set(Insats.objects.editable_by(user).values_list("pk", flat=True))
    queryset = queryset.select_related("category", "owner_municipality", "provider", "contact").prefetch_related(
        "target_groups", "participating_municipalities", "places"
    )
    notes = [key for key, _label, _kind in columns.COLUMNS].index("internal_notes")
    rows = []
    for insats in queryset:
        row = columns.row_of(insats)
        if insats.pk not in editable:
            row[notes] = ""
        rows.append(row)
    return rows


def new_rows(user, params):
    job = ExportJob(user=user, kind="insatsbasen.insatser", title="t", params=params)
    return list(exports.export_rows(exports.insatser_for_export(job)))


def by_key(row):
    return dict(zip([key for key, _label, _kind in columns.COLUMNS], row, strict=True))


@pytest.fixture
def catalogue(make_insats, municipalities, taxonomy):
    """Insatser covering every kind of column, filled and empty, in Huddinge and Botkyrka."""
    groups = taxonomy["groups"]
    provider = Organisation.objects.create(name="Föreningen Exempel", kind=Organisation.Kind.NON_PROFIT)
    contact = Contact.objects.create(name="Åsa Öberg", email="asa@exempel.se")
    # 23:30 UTC is the next day in Stockholm (summer and winter alike): the cell is the Stockholm day.
    late = (timezone.now() - datetime.timedelta(days=3)).replace(hour=23, minute=30, second=0, microsecond=0)
    full = make_insats(
        "Svenska i vardagen",
        description="Första raden.\nAndra raden.",
        languages=["sv", "ar", "so"],
        funding=["kommun", "esf"],
        provider=provider,
        provider_type=Insats.ProviderType.NON_PROFIT,
        plan_part=Insats.PlanPart.WORK,
        intake=Insats.Intake.FIXED,
        intake_dates="Vecka 34 och vecka 2",
        capacity=25,
        age_min=18,
        age_max=64,
        start_date=timezone.localdate() - datetime.timedelta(days=30),
        end_date=timezone.localdate() + datetime.timedelta(days=200),
        contact=contact,
        contact_is_public=True,
        is_remote=False,
        review_interval_months=6,
        internal_notes="=Bara för kommunen",
        web_link="https://exempel.se/kurs",
        target_groups=[groups["unga"], groups["akademiker"], groups["kvinnor"]],
    )
    full.last_verified_at = late
    full.save(update_fields=["last_verified_at"])
    full.participating_municipalities.set([municipalities["Botkyrka"], municipalities["Nykvarn"]])
    # Places in their own order (by key), not by name.
    Place.objects.create(insats=full, name="Torget", street_address="Torget 2", city="Huddinge")
    Place.objects.create(
        insats=full, name="Biblioteket", street_address="Storgatan 1", postal_code="141 30", city="Huddinge"
    )
    Place.objects.create(insats=full, street_address="Kyrkvägen 5", city="Flemingsberg")
    bare = make_insats(
        "Öppen förskola",
        status=Insats.Status.DRAFT,
        category=taxonomy["categories"]["foraldrastod"],
        languages=[],
        funding=[],
        plan_part="",
        provider_type="",
        is_remote=True,
        how_to_apply="",
        function_email="",
    )
    bare.last_verified_at = None
    bare.save(update_fields=["last_verified_at"])
    make_insats(
        "Arbetsträning i Botkyrka",
        municipality="Botkyrka",
        languages=["ar"],
        funding=["af"],
        internal_notes="Botkyrkas anteckning",
        target_groups=[groups["vuxna"]],
    )
    make_insats("Avslutad kurs", status=Insats.Status.ENDED, languages=["en"], internal_notes="Gammal")
    return {"full": full, "bare": bare}


@pytest.mark.parametrize("params", [{}, {"status": Insats.Status.ENDED}, {"q": "svenska"}, {"sort": "-updated_at"}])
def test_the_rows_read_as_values_are_the_rows_of_the_model_objects(cast, catalogue, params):
    user = cast["admin-huddinge"]
    expected = old_rows(user, params)
    assert expected  # every parametrised list finds something
    assert new_rows(user, params) == expected


def test_every_kind_of_column_in_the_values_rows(cast, catalogue, municipalities):
    rows = {row[1]: by_key(row) for row in new_rows(cast["admin-huddinge"], {})}
    assert set(rows) == {"Svenska i vardagen", "Öppen förskola", "Arbetsträning i Botkyrka"}  # ended left out
    full, bare = rows["Svenska i vardagen"], rows["Öppen förskola"]
    assert full["languages"] == "svenska; arabiska; somaliska"
    assert full["funding"] == "Kommun; ESF"
    assert full["target_groups"] == "Akademiker; Kvinnor; Unga"
    assert full["participating_municipalities"] == "Botkyrka; Nykvarn"
    assert (
        full["places"]
        == "Torget, Torget 2, Huddinge; Biblioteket, Storgatan 1, 141 30 Huddinge; Kyrkvägen 5, Flemingsberg"
    )
    assert full["provider"] == "Föreningen Exempel" and full["contact"] == "Åsa Öberg"
    assert full["contact_is_public"] == "ja" and full["is_remote"] == "nej"
    assert full["intake"] == "Fasta datum" and full["plan_part"] == "Arbetsförberedande insatser"
    assert full["capacity"] == 25 and full["review_interval_months"] == 6
    stockholm_day = timezone.localtime(catalogue["full"].last_verified_at).date()
    assert full["last_verified_at"] == stockholm_day
    assert stockholm_day == catalogue["full"].last_verified_at.date() + datetime.timedelta(days=1)
    assert full["internal_notes"] == "=Bara för kommunen"  # escaped by the writer, not here
    assert bare["languages"] == "" and bare["target_groups"] == "" and bare["places"] == ""
    assert bare["provider"] == "" and bare["contact"] == "" and bare["capacity"] == ""
    assert bare["last_verified_at"] == "" and bare["is_remote"] == "ja" and bare["provider_type"] == ""
    # Huddinge's administrator sees Botkyrka's insats but not its internal notes.
    assert rows["Arbetsträning i Botkyrka"]["internal_notes"] == ""


def test_the_rows_come_from_one_query(cast, catalogue, make_insats):
    for number in range(30):
        make_insats(f"Kurs {number}", languages=["sv"])
    job = ExportJob(user=cast["admin"], kind="insatsbasen.insatser", title="t", params={})
    queryset = exports.insatser_for_export(job)
    with CaptureQueriesContext(connection) as queries:
        rows = list(exports.export_rows(queryset))
    assert len(rows) == 33
    assert len(queries) == 1
