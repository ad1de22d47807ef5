"""The public catalogue as Open Referral HSDS 3.0 (Human Services Data Specification) JSON.

Three lists, paginated like the HSDS API (``total_items``, ``total_pages``, ``page_number``, ``size``,
``first_page``, ``last_page``, ``empty``, ``contents``): services (one per published insats), organizations (the
providers, and the owning municipality of an insats without a provider) and service_at_locations (one per place of
a published insats). ``tests/insatsbasen/test_hsds.py`` validates every object against the official compiled
schemas (``insatsbasen/hsds_schema/``).

Rules the schemas set and this module keeps: every ``id`` is a UUID; a string field is a string or absent (an
empty optional value is left out, never ``null``); required fields (an organization's and a taxonomy term's
``description``, an address's ``postal_code`` …) are always filled. The feed is written in Swedish whatever the
visitor's language: it is data about Swedish services, not a page.
"""

import uuid

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from natverk.models import Municipality, Organisation

from .models import LANGUAGE_NAMES

PAGE_SIZE = 100

# The namespace of every identifier in the feed: uuid5(NAMESPACE_URL, "urn:introduktion-sodertorn:insatsbasen:hsds").
# A constant, so an object keeps its id across deployments, domain names and backups restored elsewhere (HSDS asks
# for ids that are stable and unique: a consumer merges feeds and updates by id).
NAMESPACE = uuid.UUID("2b5c3a6e-6d0f-5b8c-9a57-8d1a7c0f3e21")


def hsds_id(kind, *key):
    """The stable UUID of one object: uuid5 of the namespace, the kind of object and its key (primary keys)."""
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *(str(part) for part in key)])))


def _filled(mapping):
    """The mapping without empty values: HSDS forbids ``null`` in its string fields, an absent field is allowed."""
    return {key: value for key, value in mapping.items() if value not in (None, "", [])}


def page_of(request, items, build):
    """One page of ``items`` as the HSDS API's Page: ``?page=`` (from 1) and ``?per_page=`` (1 to 100)."""
    per_page = request.GET.get("per_page") or ""
    per_page = min(max(int(per_page), 1), PAGE_SIZE) if per_page.isdigit() and len(per_page) < 4 else PAGE_SIZE
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    with translation.override("sv"):
        contents = build(list(page.object_list))
    return {
        "total_items": paginator.count,
        "total_pages": paginator.num_pages,
        "page_number": page.number,
        "size": len(contents),
        "first_page": page.number == 1,
        "last_page": not page.has_next(),
        "empty": paginator.count == 0,
        "contents": contents,
    }


# --- Services ---------------------------------------------------------------------------------------------------


def service_pk(insatser, service_id):
    """The primary key of the insats among ``insatser`` whose service id is ``service_id``, or None.

    A UUID 5 cannot be turned back into its key, so the keys are hashed until one matches: about 2 µs each, some
    40 ms for 20,000 published insatser, read as keys only. No stored column is needed for the ids to stay stable.
    """
    wanted = str(service_id)
    for pk in insatser.order_by().values_list("pk", flat=True).iterator(chunk_size=5000):
        if hsds_id("service", pk) == wanted:
            return pk
    return None


def services(request, insatser):
    """Full services (every field the portal has), which also satisfy ``service_list.json``."""
    return [service(request, insats) for insats in insatser]


def service(request, insats):
    service_id = hsds_id("service", insats.pk)
    organization = organization_of(insats)
    contact = insats.contact if insats.contact_is_public else None
    return _filled(
        {
            "id": service_id,
            "organization_id": organization["id"],
            "name": insats.name,
            "description": insats.description or insats.short_description,
            "url": insats.web_link or _absolute(request, "katalog:detail", insats.pk),
            "email": insats.function_email or (contact.email if contact else ""),
            "status": "active",
            "application_process": insats.how_to_apply,
            "fees_description": insats.participant_cost,
            "eligibility_description": insats.eligibility,
            "minimum_age": insats.age_min,
            "maximum_age": insats.age_max,
            # The date a person last confirmed the entry: the last review, else its creation.
            "assured_date": insats.last_confirmed_on.isoformat() if insats.last_confirmed_on else "",
            "last_modified": insats.updated_at.isoformat() if insats.updated_at else "",
            "alert": _unconfirmed_alert(insats),
            "organization": organization,
            "languages": [
                {
                    "id": hsds_id("language", insats.pk, code),
                    "service_id": service_id,
                    "name": str(LANGUAGE_NAMES.get(code, code)),
                    "code": code,
                }
                for code in insats.languages
            ],
            "schedules": [schedule(insats, service_id)],
            "service_areas": [
                {
                    "id": hsds_id("service_area", insats.pk, municipality.pk),
                    "service_id": service_id,
                    "name": _("%(municipality)s municipality") % {"municipality": municipality.name},
                    "extent_type": "municipality",
                }
                for municipality in _municipalities(insats)
            ],
            "service_at_locations": [
                {
                    "id": hsds_id("service_at_location", place.pk),
                    "service_id": service_id,
                    "location_id": hsds_id("location", place.pk),
                    "location": location(place),
                }
                for place in insats.places.all()
            ],
            "phones": (
                [
                    {
                        "id": hsds_id("phone", "service", insats.pk),
                        "service_id": service_id,
                        "number": insats.function_phone,
                    }
                ]
                if insats.function_phone
                else []
            ),
            "contacts": [service_contact(contact, service_id)] if contact else [],
            "funding": [
                {"id": hsds_id("funding", insats.pk, code), "service_id": service_id, "source": name}
                for code, name in zip(insats.funding, insats.funding_names(), strict=True)
            ],
            "attributes": [
                attribute(service_id, "category", insats.category, _("Category in Insatsbasen: %(name)s")),
                *(
                    attribute(service_id, "target_group", group, _("Target group in Insatsbasen: %(name)s"))
                    for group in insats.target_groups.all()
                ),
            ],
        }
    )


def _unconfirmed_alert(insats):
    """The public catalogue's mark on an entry overdue for review beyond the escalation limit, as an HSDS alert."""
    if insats.last_confirmed_on and insats.is_overdue_beyond_escalation(timezone.localdate()):
        return _("The information has not been confirmed since %(date)s.") % {
            "date": insats.last_confirmed_on.isoformat()
        }
    return ""


def service_phone(insats, service_id):
    return {"id": hsds_id("phone", "service", insats.pk), "service_id": service_id, "number": insats.function_phone}


def brief_service(request, insats):
    """A service inside an organization or a service_at_location: what identifies it and says what it is."""
    return _filled(
        {
            "id": hsds_id("service", insats.pk),
            "name": insats.name,
            "description": insats.short_description,
            "url": insats.web_link or _absolute(request, "katalog:detail", insats.pk),
            "status": "active",
        }
    )


def schedule(insats, service_id):
    """The period the insats runs and, in words, its intake and hours (the portal keeps them as text)."""
    words = [str(insats.get_intake_display()), insats.intake_dates, insats.hours]
    return _filled(
        {
            "id": hsds_id("schedule", insats.pk),
            "service_id": service_id,
            "valid_from": insats.start_date.isoformat() if insats.start_date else "",
            "valid_to": insats.end_date.isoformat() if insats.end_date else "",
            "description": ". ".join(word.strip().rstrip(".") for word in words if word and word.strip()),
        }
    )


def service_contact(contact, service_id):
    """The contact person, only when the municipality marked them as public (checked by the caller)."""
    contact_id = hsds_id("contact", contact.pk)
    return _filled(
        {
            "id": contact_id,
            "service_id": service_id,
            "name": contact.name,
            "title": contact.title,
            "email": contact.email,
            "phones": (
                [{"id": hsds_id("phone", "contact", contact.pk), "contact_id": contact_id, "number": contact.phone}]
                if contact.phone
                else []
            ),
        }
    )


def attribute(service_id, taxonomy, term, description):
    """A service's link to a term of one of the portal's taxonomies (categories, target groups)."""
    term_id = hsds_id(taxonomy, term.pk)
    return {
        "id": hsds_id("attribute", service_id, taxonomy, term.pk),
        "link_id": service_id,
        "link_entity": "service",
        "link_type": taxonomy,
        "taxonomy_term_id": term_id,
        "taxonomy_term": {
            "id": term_id,
            "code": term.slug,
            "name": term.name,
            "description": description % {"name": term.name},
            "taxonomy": {"category": _("Insatsbasen categories"), "target_group": _("Insatsbasen target groups")}[
                taxonomy
            ],
            "language": "sv",
        },
    }


def _municipalities(insats):
    participating = sorted(insats.participating_municipalities.all(), key=lambda m: m.name)
    return [insats.owner_municipality, *(m for m in participating if m.pk != insats.owner_municipality_id)]


def _absolute(request, name, *args):
    return request.build_absolute_uri(reverse(name, args=args))


# --- Organizations ----------------------------------------------------------------------------------------------


def organization_of(insats):
    """The organization of a service: its provider, or the owning municipality when it names no provider."""
    if insats.provider is not None:
        return provider_organization(insats.provider)
    return municipality_organization(insats.owner_municipality)


def provider_organization(provider):
    return _filled(
        {
            "id": hsds_id("organization", provider.pk),
            "name": provider.name,
            "description": _("%(kind)s providing measures for newcomers in Insatsbasen (Introduktion Södertörn).")
            % {"kind": provider.get_kind_display()},
            "website": provider.website,
        }
    )


def municipality_organization(municipality):
    organization_id = hsds_id("organization", "municipality", municipality.pk)
    return _filled(
        {
            "id": organization_id,
            "name": _("%(municipality)s municipality") % {"municipality": municipality.name},
            "description": _(
                "%(municipality)s municipality, a member of Introduktion Södertörn, providing measures for newcomers."
            )
            % {"municipality": municipality.name},
            "legal_status": _("Municipality"),
            "organization_identifiers": (
                [
                    {
                        "id": hsds_id("organization_identifier", "municipality", municipality.pk),
                        "organization_id": organization_id,
                        "identifier_type": _("Municipality code (SCB)"),
                        "identifier": municipality.code,
                    }
                ]
                if municipality.code
                else []
            ),
        }
    )


def organization_entries(insatser):
    """Every organization of the published services, by name: (provider or municipality) objects."""
    providers = Organisation.objects.filter(pk__in=insatser.filter(provider__isnull=False).values("provider_id"))
    municipalities = Municipality.objects.filter(
        pk__in=insatser.filter(provider__isnull=True).values("owner_municipality_id")
    )
    return sorted([*providers, *municipalities], key=lambda entry: (entry.name.lower(), entry.pk))


def organizations(request, insatser, entries):
    """The organizations of one page, each with its published services (one query for the page)."""
    provider_ids = [entry.pk for entry in entries if isinstance(entry, Organisation)]
    municipality_ids = [entry.pk for entry in entries if isinstance(entry, Municipality)]
    offered = insatser.filter(
        Q(provider_id__in=provider_ids) | Q(provider__isnull=True, owner_municipality_id__in=municipality_ids)
    ).order_by("name", "pk")
    by_owner = {}
    for insats in offered:
        key = (
            ("organisation", insats.provider_id)
            if insats.provider_id
            else ("municipality", insats.owner_municipality_id)
        )
        by_owner.setdefault(key, []).append(insats)
    result = []
    for entry in entries:
        if isinstance(entry, Organisation):
            organization, key = provider_organization(entry), ("organisation", entry.pk)
        else:
            organization, key = municipality_organization(entry), ("municipality", entry.pk)
        organization["services"] = [
            {**brief_service(request, insats), "organization_id": organization["id"]}
            for insats in by_owner.get(key, [])
        ]
        result.append(organization)
    return result


# --- Locations --------------------------------------------------------------------------------------------------


def location(place):
    location_id = hsds_id("location", place.pk)
    return _filled(
        {
            "id": location_id,
            "location_type": "physical",
            "name": place.name or place.street_address,
            "addresses": [address(place, location_id)],
        }
    )


def address(place, location_id):
    """The place's street address; HSDS requires the postal code, so one not entered is an empty text."""
    result = {
        "id": hsds_id("address", place.pk),
        "location_id": location_id,
        "address_1": place.street_address,
        "city": place.city,
        "state_province": "Stockholms län",
        "postal_code": place.postal_code,
        "country": "SE",
        "address_type": "physical",
    }
    if place.municipality:
        result["region"] = _("%(municipality)s municipality") % {"municipality": place.municipality.name}
    return result


def service_at_locations(request, places):
    """Where each published service is given: one per place, with the location and the service in brief."""
    return [
        {
            "id": hsds_id("service_at_location", place.pk),
            "service_id": hsds_id("service", place.insats_id),
            "location_id": hsds_id("location", place.pk),
            "location": location(place),
            "service": brief_service(request, place.insats),
        }
        for place in places
    ]
