"""The HSDS 3.0 feed validates against the official compiled schemas (insatsbasen/hsds_schema/, Draft 2020-12 with
format checks), for every published insats of the demo data and for hand-made edge cases."""

import datetime
import functools
import gzip
import json
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator

from insatsbasen import demo
from insatsbasen.models import Category, Insats, Place
from natverk.models import Contact, Organisation

from .conftest import ensure_taxonomy

SCHEMAS = Path(__file__).resolve().parents[2] / "insatsbasen" / "hsds_schema"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


@functools.cache
def validator(name):
    with gzip.open(SCHEMAS / f"{name}.json.gz", "rt", encoding="utf-8") as file:
        schema = json.load(file)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(name, instance):
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator(name).iter_errors(instance)
    ]


def nulls(value, path=""):
    """Every path holding null: HSDS forbids it in its string fields, and the feed leaves empty values out."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in nulls(item, f"{path}/{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in nulls(item, f"{path}/{index}")]
    return []


def all_pages(client, url, per_page=None):
    """Every page of a list endpoint, checking the Page shape and its arithmetic on the way."""
    pages, number = [], 1
    while True:
        query = {"page": number, **({"per_page": per_page} if per_page else {})}
        response = client.get(url, query)
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        body = response.json()
        assert set(body) == PAGE_KEYS
        assert body["page_number"] == number and body["size"] == len(body["contents"])
        assert body["first_page"] == (number == 1) and body["last_page"] == (number == body["total_pages"])
        pages.append(body)
        if body["last_page"]:
            return pages
        number += 1


@pytest.fixture
def demo_data(cast, municipalities):
    ensure_taxonomy()
    demo.load()


def test_the_schemas_are_not_a_formality(demo_data, anonymous_client):
    # The validator catches what the issue found in the old feed, so a pass below means something.
    service = anonymous_client.get("/katalog/hsds/services.json").json()["contents"][0]
    assert problems("service", service) == []
    assert problems("service", {**service, "id": "insatsbasen-service-1"})
    assert problems("service", {**service, "alternate_name": None})
    assert problems("service", {**service, "organization": {**service["organization"], "description": None}})
    attribute = service["attributes"][0]
    broken = {**attribute, "taxonomy_term": {"name": attribute["taxonomy_term"]["name"]}}
    assert problems("service", {**service, "attributes": [broken]})
    assert problems("service", {**service, "url": "not a url"})


def test_every_published_insats_of_the_demo_is_a_valid_hsds_service(demo_data, anonymous_client):
    published = Insats.objects.published()
    pages = all_pages(anonymous_client, "/katalog/hsds/services.json", per_page=40)
    assert len(pages) == -(-published.count() // 40) > 1
    services = [service for page in pages for service in page["contents"]]
    assert len(services) == pages[0]["total_items"] == published.count()
    for service in services:
        assert problems("service", service) == [], service["name"]
        assert problems("service_list", service) == [], service["name"]
        assert nulls(service) == [], service["name"]
    ids = [service["id"] for service in services]
    assert len(set(ids)) == len(ids) and all(uuid.UUID(value).version == 5 for value in ids)
    assert {service["name"] for service in services} == set(published.values_list("name", flat=True))
    # Every service carries its category as a taxonomy term, a confirmation date and its languages.
    assert all(any(a["link_type"] == "category" for a in service["attributes"]) for service in services)
    assert all(service["assured_date"] for service in services)
    assert sum(1 for service in services if service.get("languages")) == published.exclude(languages=[]).count()
    assert any(a["link_type"] == "target_group" for service in services for a in service["attributes"])


def test_organizations_and_service_at_locations_of_the_demo_are_valid(demo_data, anonymous_client):
    organizations = [
        o for page in all_pages(anonymous_client, "/katalog/hsds/organizations.json") for o in page["contents"]
    ]
    assert organizations
    for organization in organizations:
        assert problems("organization", organization) == [], organization["name"]
        assert nulls(organization) == []
    offered = sum(len(organization["services"]) for organization in organizations)
    assert offered == Insats.objects.published().count()

    places = Place.objects.filter(insats__status=Insats.Status.PUBLISHED)
    pages = all_pages(anonymous_client, "/katalog/hsds/service_at_locations.json", per_page=100)
    links = [link for page in pages for link in page["contents"]]
    assert len(links) == places.count() > 0
    for link in links:
        assert problems("service_at_location", link) == []
        assert nulls(link) == []
    # The same objects keep the same ids in every list: a consumer can join them.
    service_ids = {s["id"] for p in all_pages(anonymous_client, "/katalog/hsds/services.json") for s in p["contents"]}
    assert {link["service_id"] for link in links} <= service_ids


def test_a_service_says_what_the_catalogue_says(anonymous_client, make_insats, municipalities, taxonomy):
    provider = Organisation.objects.create(name="Studieförbundet Exempel", kind=Organisation.Kind.NON_PROFIT)
    contact = Contact.objects.create(name="Karin Lärare", email="karin@exempel.se", phone="08-123 45")
    verified = timezone.now() - datetime.timedelta(days=20)
    insats = make_insats(
        "SFI kväll",
        description="",
        languages=["sv", "ar"],
        hours="Mån–tor 17–20",
        intake=Insats.Intake.FIXED,
        intake_dates="Januari och augusti",
        age_min=18,
        provider=provider,
        contact=contact,
        contact_is_public=True,
        funding=["kommun", "esf"],
        target_groups=[taxonomy["groups"][slug] for slug in list(taxonomy["groups"])[:2]],
    )
    Insats.objects.filter(pk=insats.pk).update(last_verified_at=verified)
    insats.participating_municipalities.set([municipalities["Botkyrka"]])
    Place.objects.create(insats=insats, street_address="Storgatan 1", city="Huddinge", postal_code="141 30")
    make_insats("Utkastet", status=Insats.Status.DRAFT)
    make_insats("Hemlig kontakt", contact=contact, contact_is_public=False, provider=provider, function_phone="08-1")

    body = anonymous_client.get("/katalog/hsds/services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    by_name = {service["name"]: service for service in body["contents"]}
    assert set(by_name) == {"SFI kväll", "Hemlig kontakt"}
    service = by_name["SFI kväll"]
    assert problems("service", service) == [] and nulls(service) == []
    assert service["description"] == "Kort om SFI kväll"  # the short description when there is no full one
    assert service["assured_date"] == timezone.localtime(verified).date().isoformat()
    assert service["minimum_age"] == 18 and "maximum_age" not in service and "alternate_name" not in service
    assert [(language["code"], language["name"]) for language in service["languages"]] == [
        ("sv", "svenska"),
        ("ar", "arabiska"),
    ]
    assert service["schedules"][0]["description"] == "Fasta datum. Januari och augusti. Mån–tor 17–20"
    assert [area["name"] for area in service["service_areas"]] == ["Huddinge kommun", "Botkyrka kommun"]
    assert service["organization"]["name"] == "Studieförbundet Exempel"
    assert service["organization_id"] == service["organization"]["id"]
    assert service["contacts"][0]["email"] == "karin@exempel.se"
    assert [funding["source"] for funding in service["funding"]] == ["Kommun", "ESF"]
    terms = {a["link_type"]: a["taxonomy_term"] for a in service["attributes"]}
    category = Category.objects.get(slug="sfi")
    assert terms["category"]["name"] == category.name and terms["category"]["code"] == "sfi"
    group_names = {a["taxonomy_term"]["name"] for a in service["attributes"] if a["link_type"] == "target_group"}
    assert group_names == {group.name for group in insats.target_groups.all()}
    assert service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "141 30"
    # A contact person not marked public never reaches the feed.
    hidden = by_name["Hemlig kontakt"]
    assert "contacts" not in hidden and "karin" not in json.dumps(hidden).lower()

    # Ids are the same on every request and for every consumer; the taxonomy term's id is the category's.
    again = anonymous_client.get("/katalog/hsds/services.json").json()["contents"]
    assert {s["id"] for s in again} == {s["id"] for s in body["contents"]}
    other = make_insats("Samma kategori", category=category)
    other_terms = next(
        s for s in anonymous_client.get("/katalog/hsds/services.json").json()["contents"] if s["name"] == other.name
    )
    assert other_terms["attributes"][0]["taxonomy_term"]["id"] == terms["category"]["id"]


def test_an_insats_without_provider_belongs_to_its_municipality_with_its_scb_code(anonymous_client, make_insats):
    make_insats("Samhällsorientering", municipality="Huddinge")
    body = anonymous_client.get("/katalog/hsds/organizations.json").json()
    assert body["total_items"] == 1
    organization = body["contents"][0]
    assert problems("organization", organization) == []
    assert organization["name"] == "Huddinge kommun" and organization["description"]
    assert organization["organization_identifiers"][0]["identifier"] == "0126"
    assert [service["name"] for service in organization["services"]] == ["Samhällsorientering"]


def test_an_entry_overdue_beyond_the_escalation_limit_carries_an_alert(anonymous_client, make_insats, settings):
    settings.INSATSBASEN_OVERDUE_PUBLIC = "mark"
    make_insats("Gammal uppgift", verified_days_ago=400)
    make_insats("Färsk uppgift", verified_days_ago=5)
    services = {s["name"]: s for s in anonymous_client.get("/katalog/hsds/services.json").json()["contents"]}
    assert "inte bekräftats sedan" in services["Gammal uppgift"]["alert"]
    assert "alert" not in services["Färsk uppgift"]


def test_per_page_and_page_are_bounded(anonymous_client, make_insats):
    for letter in "ABC":
        make_insats(f"Kurs {letter}")
    body = anonymous_client.get("/katalog/hsds/services.json", {"per_page": "2", "page": "2"}).json()
    assert (body["total_pages"], body["page_number"], body["size"]) == (2, 2, 1)
    body = anonymous_client.get("/katalog/hsds/services.json", {"per_page": "0", "page": "x"}).json()
    assert (body["page_number"], body["size"]) == (1, 1)
    body = anonymous_client.get("/katalog/hsds/services.json", {"per_page": "99999"}).json()
    assert body["size"] == 3


def test_when_the_region_hides_overdue_entries_the_feed_leaves_them_out_too(anonymous_client, make_insats, settings):
    settings.INSATSBASEN_OVERDUE_PUBLIC = "hide"
    make_insats("Gammal uppgift", verified_days_ago=400)
    make_insats("Färsk uppgift", verified_days_ago=5)
    services = anonymous_client.get("/katalog/hsds/services.json").json()["contents"]
    assert [service["name"] for service in services] == ["Färsk uppgift"]
    organizations = anonymous_client.get("/katalog/hsds/organizations.json").json()["contents"]
    assert [s["name"] for o in organizations for s in o["services"]] == ["Färsk uppgift"]


def test_one_service_by_its_id_like_the_hsds_api(anonymous_client, make_insats):
    published = make_insats("SFI kväll", languages=["sv"])
    draft = make_insats("Utkastet", status=Insats.Status.DRAFT)
    listed = anonymous_client.get("/katalog/hsds/services.json").json()["contents"]
    (service,) = [s for s in listed if s["name"] == published.name]
    response = anonymous_client.get(f"/katalog/hsds/services/{service['id']}.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == service and problems("service", response.json()) == []
    # A draft's id, an unknown id and a malformed one: no service.
    from insatsbasen.hsds import hsds_id

    assert anonymous_client.get(f"/katalog/hsds/services/{hsds_id('service', draft.pk)}.json").status_code == 404
    assert anonymous_client.get(f"/katalog/hsds/services/{uuid.uuid4()}.json").status_code == 404
    assert anonymous_client.get("/katalog/hsds/services/insatsbasen-service-1.json").status_code == 404
