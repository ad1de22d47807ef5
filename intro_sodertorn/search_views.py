"""The global search page (``/sok/``): every part of the portal in one result list, grouped by kind."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .search import KIND_BY_KEY, KINDS, clean_query, global_search

PAGE_SIZE = 25


@login_required
@require_GET
def search(request):
    query = clean_query(request.GET.get("q"))
    kind = KIND_BY_KEY.get(request.GET.get("typ", ""))
    context = {"query": query, "kind": kind, "kinds": KINDS, "groups": [], "page": None}
    if query and kind:
        page = Paginator(kind.queryset(request.user, query), PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["hits"] = [kind.hit(obj) for obj in page]
        context["querystring"] = urlencode({"q": query, "typ": kind.key})
    elif query:
        context["groups"] = global_search(request.user, query)
        context["total"] = sum(group.count for group in context["groups"])
    return render(request, "search.html", context)
