"""The public catalogue (/katalog/, no login): published insatser only, without internal notes or
personal contact data unless marked public; and the same as Open Referral HSDS 3.0 JSON."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from natverk.models import Municipality

from . import counts, hsds, search, services
from .models import LANGUAGE_NAMES, LANGUAGES, Category, Insats, InsatsText, Place
from .public_i18n import katalog_url, public_language

PAGE_SIZE = 30


def public_insatser(request=None):
    """Published; overdue beyond the escalation limit left out when the region chose to hide them (a setting).

    With ``request``, each insats also carries its texts in the page's public language (``Insats.own_text``)."""
    queryset = (
        Insats.objects.in_public_catalogue(timezone.localdate())
        .select_related("category", "owner_municipality", "provider")
        .prefetch_related("target_groups", "places", "participating_municipalities")
    )
    code = getattr(getattr(request, "public_language", None), "url_code", "")
    if code:
        texts = InsatsText.objects.filter(language=code)
        queryset = queryset.prefetch_related(Prefetch("texts", queryset=texts, to_attr="own_texts"))
    return queryset


@public_language
def index(request):
    queryset = public_insatser(request)
    query = (request.GET.get("q") or "").strip()[:200]
    filters = catalogue_filters(request.GET)
    queryset = filter_catalogue(queryset, filters)
    unsearched = queryset
    if query:
        queryset = search.search(queryset, query).order_by("-rank", "name")
        # The page's keys and the count in one narrow query, then its rows (with their prefetches) by key.
        paginator = search.CountingPaginator(queryset, PAGE_SIZE)
    else:
        # By category (in the categories' order), then by name: each page read from the (category, name) index.
        categories = list(Category.objects.order_by("position", "name", "pk").values_list("pk", flat=True))
        paginator = counts.CategoryOrderedPaginator(queryset, PAGE_SIZE, categories)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "insatsbasen/public_index.html",
        {
            "page": page,
            "did_you_mean": search.did_you_mean(unsearched, query, request.GET)
            if query and not page.paginator.count
            else None,
            "query": query,
            "filters": filters,
            "active_filters": active_filters(request.GET, filters),
            "categories": filters["categories"],
            "municipalities": filters["municipalities"],
            "languages": LANGUAGES,
            "querystring": params.urlencode(),
        },
    )


# The catalogue's filters as GET parameters (bookmarkable, shareable): name -> what it filters.
FILTER_PARAMS = ("kommun", "kategori", "sprak")


def catalogue_filters(params):
    """The filter values of a request: only a value that is one of the choices counts (anything else is ignored)."""
    categories = list(Category.objects.all())
    municipalities = list(Municipality.objects.order_by("name"))
    chosen = {name: (params.get(name) or "").strip()[:20] for name in FILTER_PARAMS}
    return {
        "categories": categories,
        "municipalities": municipalities,
        "kommun": next((m for m in municipalities if str(m.pk) == chosen["kommun"]), None),
        "kategori": next((c for c in categories if str(c.pk) == chosen["kategori"]), None),
        "sprak": chosen["sprak"] if chosen["sprak"] in LANGUAGE_NAMES else "",
    }


def filter_catalogue(queryset, filters):
    """Run in a municipality (owned there or run together with it), of a category, offered in a language."""
    if filters["kommun"]:
        participating = Insats.participating_municipalities.through.objects.filter(
            insats_id=OuterRef("pk"), municipality_id=filters["kommun"].pk
        )
        # EXISTS rather than a join, so an insats is listed once and the search's ranking needs no DISTINCT.
        queryset = queryset.filter(Q(owner_municipality=filters["kommun"]) | Exists(participating))
    if filters["kategori"]:
        queryset = queryset.filter(category=filters["kategori"])
    if filters["sprak"]:
        queryset = queryset.offering_language(filters["sprak"])
    return queryset


def active_filters(params, filters):
    """Each chosen filter in words, with the address of the same list without it (a button to remove it)."""
    labels = {
        "kommun": str(filters["kommun"] or ""),
        "kategori": str(filters["kategori"] or ""),
        "sprak": str(LANGUAGE_NAMES.get(filters["sprak"], "")).capitalize(),
    }
    result = []
    for name in FILTER_PARAMS:
        if filters[name]:
            rest = params.copy()
            rest.pop(name, None)
            rest.pop("page", None)
            result.append({"label": labels[name], "querystring": rest.urlencode()})
    return result


@public_language
def detail(request, pk):
    insats = get_object_or_404(public_insatser(request), pk=pk)
    return render(request, "insatsbasen/public_detail.html", {"insats": insats})


@public_language
def referral(request, pk):
    """A one-page sheet a case officer hands over: the insats in the reader's language, Swedish beside it.

    No personal data: the address names only the insats and the language, so it can be sent as a link."""
    insats = get_object_or_404(public_insatser(request).select_related("contact"), pk=pk)
    return _referral_sheet(request, [insats])


# At most this many insatser on one sheet (one A4 page holds about three).
REFERRAL_MAX = 5


@public_language
def referral_many(request):
    """The sheet for the insatser chosen in the search results (?insats=1&insats=2...), in their chosen order."""
    wanted = []
    for value in request.GET.getlist("insats"):
        if value.isdigit() and int(value) not in wanted:
            wanted.append(int(value))
    wanted = wanted[:REFERRAL_MAX]
    found = {insats.pk: insats for insats in public_insatser(request).select_related("contact").filter(pk__in=wanted)}
    insatser = [found[pk] for pk in wanted if pk in found]
    if not insatser:
        # Nothing (or nothing published) chosen: say how to choose, in the reader's language.
        return render(request, "insatsbasen/public_referral.html", {"insatser": []})
    return _referral_sheet(request, insatser)


def _referral_sheet(request, insatser):
    for insats in insatser:
        insats.page_url = request.build_absolute_uri(katalog_url(request.public_language, "detail", insats.pk))
        insats.page_qr = _qr_svg(insats.page_url)
    services.referral_count(insatser, request.public_language.url_code or "sv")
    return render(request, "insatsbasen/public_referral.html", {"insatser": insatser})


def _qr_svg(url):
    """The page's address as a QR code (inline SVG: no image request, allowed by the CSP, sharp in print)."""
    import segno

    return mark_safe(segno.make(url, error="m").svg_inline(omitsize=True, dark="#000", light="#fff"))  # noqa: S308


def hsds_docs(request):
    return render(
        request,
        "insatsbasen/hsds_docs.html",
        {
            f"{name}_url": request.build_absolute_uri(reverse(f"katalog:hsds_{path}"))
            for name, path in [
                ("services", "services"),
                ("organizations", "organizations"),
                ("locations", "service_at_locations"),
            ]
        },
    )


def _hsds_response(body, status=200):
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False, "indent": 1})
    # Open data: any web page may read it (it holds only what the public catalogue shows).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def hsds_services(request):
    """Published insatser as HSDS 3.0 services, a page at a time like the HSDS API's /services."""
    insatser = public_insatser().select_related("contact").prefetch_related("places__municipality").order_by("pk")
    return _hsds_response(hsds.page_of(request, insatser, lambda page: hsds.services(request, page)))


def hsds_service(request, service_id):
    """One published insats as an HSDS 3.0 service, by its id, like the HSDS API's /services/{id}."""
    insatser = public_insatser().select_related("contact").prefetch_related("places__municipality")
    pk = hsds.service_pk(insatser, service_id)
    if pk is None:
        return _hsds_response({"detail": "Not found."}, status=404)
    with translation.override("sv"):
        return _hsds_response(hsds.service(request, insatser.get(pk=pk)))


def hsds_organizations(request):
    """The providers of the published insatser (a municipality for those without one), like /organizations."""
    insatser = public_insatser()
    entries = hsds.organization_entries(insatser)
    return _hsds_response(hsds.page_of(request, entries, lambda page: hsds.organizations(request, insatser, page)))


def hsds_service_at_locations(request):
    """Every place of a published insats with its location and service, like /service_at_locations."""
    places = (
        Place.objects.filter(insats__in=public_insatser().values("pk"))
        .select_related("insats", "municipality")
        .order_by("pk")
    )
    return _hsds_response(hsds.page_of(request, places, lambda page: hsds.service_at_locations(request, page)))
