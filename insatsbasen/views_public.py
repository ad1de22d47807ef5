"""The public catalogue (/katalog/, no login): published insatser only, without internal notes or
personal contact data unless marked public; and the same as Open Referral HSDS 3.0 JSON."""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from . import search
from .models import LANGUAGE_NAMES as _LANGUAGE_NAMES
from .models import Category, Insats

PAGE_SIZE = 30
HSDS_PAGE_SIZE = 100


def public_insatser():
    # Published; overdue beyond the escalation limit left out when the region chose to hide them (a setting).
    return (
        Insats.objects.in_public_catalogue(timezone.localdate())
        .select_related("category", "owner_municipality", "provider")
        .prefetch_related("target_groups", "places", "participating_municipalities")
    )


def index(request):
    queryset = public_insatser()
    query = (request.GET.get("q") or "").strip()[:200]
    category = request.GET.get("kategori") or ""
    if category.isdigit():
        queryset = queryset.filter(category_id=int(category))
    if query:
        queryset = search.search(queryset, query).order_by("-rank", "name")
    else:
        queryset = queryset.order_by("category__position", "name")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "insatsbasen/public_index.html",
        {
            "page": page,
            "query": query,
            "category": category,
            "categories": Category.objects.all(),
            "querystring": params.urlencode(),
        },
    )


def detail(request, pk):
    insats = get_object_or_404(public_insatser(), pk=pk)
    return render(request, "insatsbasen/public_detail.html", {"insats": insats})


def hsds_docs(request):
    return render(
        request,
        "insatsbasen/hsds_docs.html",
        {"url": request.build_absolute_uri(reverse("katalog:hsds_services"))},
    )


def hsds_services(request):
    """Published insatser as HSDS 3.0 services, paginated like the HSDS API's /services."""
    paginator = Paginator(public_insatser().order_by("pk"), HSDS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    body = {
        "total_items": paginator.count,
        "total_pages": paginator.num_pages,
        "page_number": page.number,
        "size": len(page.object_list),
        "first_page": page.number == 1,
        "last_page": not page.has_next(),
        "empty": paginator.count == 0,
        "contents": [hsds_service(request, insats) for insats in page.object_list],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _id(kind, pk):
    # Stable identifiers; HSDS asks for unique ids, a prefixed key is enough for one publisher.
    return f"insatsbasen-{kind}-{pk}"


def hsds_service(request, insats):
    service_id = _id("service", insats.pk)
    contact_email = insats.function_email or (
        insats.contact.email if insats.contact_is_public and insats.contact else ""
    )
    return {
        "id": service_id,
        "name": insats.name,
        "alternate_name": None,
        "description": insats.description or insats.short_description,
        "url": insats.web_link or request.build_absolute_uri(reverse("katalog:detail", args=[insats.pk])),
        "email": contact_email or None,
        "status": "active",
        "interpretation_services": None,
        "application_process": insats.how_to_apply or None,
        "fees_description": insats.participant_cost or None,
        "eligibility_description": insats.eligibility or None,
        "minimum_age": insats.age_min,
        "maximum_age": insats.age_max,
        "organization": hsds_organization(insats),
        "languages": [
            {
                "id": _id("language", f"{insats.pk}-{code}"),
                "service_id": service_id,
                "name": str(_LANGUAGE_NAMES.get(code, code)),
                "code": code,
            }
            for code in insats.languages
        ],
        "schedules": [hsds_schedule(insats, service_id)],
        "service_at_locations": [
            {"id": _id("service-at-location", place.pk), "service_id": service_id, "location": hsds_location(place)}
            for place in insats.places.all()
        ],
        "phones": [{"id": _id("phone", insats.pk), "number": insats.function_phone}] if insats.function_phone else [],
        "attributes": [
            {"id": _id("attribute", f"{insats.pk}-category"), "taxonomy_term": {"name": insats.category.name}}
        ],
    }


def hsds_organization(insats):
    if insats.provider:
        return {
            "id": _id("organization", insats.provider.pk),
            "name": insats.provider.name,
            "description": insats.provider.get_kind_display(),
            "website": insats.provider.website or None,
        }
    return {
        "id": _id("organization", f"kommun-{insats.owner_municipality.pk}"),
        "name": f"{insats.owner_municipality.name} kommun",
        "description": None,
        "website": None,
    }


def hsds_schedule(insats, service_id):
    return {
        "id": _id("schedule", insats.pk),
        "service_id": service_id,
        "valid_from": insats.start_date.isoformat() if insats.start_date else None,
        "valid_to": insats.end_date.isoformat() if insats.end_date else None,
        "description": " ".join(
            part for part in [insats.get_intake_display(), insats.intake_dates, insats.hours] if part
        ),
    }


def hsds_location(place):
    return {
        "id": _id("location", place.pk),
        "location_type": "physical",
        "name": place.name or place.street_address,
        "addresses": [
            {
                "id": _id("address", place.pk),
                "location_id": _id("location", place.pk),
                "address_1": place.street_address,
                "city": place.city,
                "region": place.municipality.name if place.municipality else None,
                "state_province": "Stockholms län",
                "postal_code": place.postal_code,
                "country": "SE",
                "address_type": "physical",
            }
        ],
    }
