"""The global search page (``/sok/``): every part of the portal in one result list, grouped by kind."""

from functools import cached_property
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .search import (
    COUNT_LIMIT,
    KIND_BY_KEY,
    KINDS,
    MAX_HITS,
    bounded_count,
    clean_query,
    first_hits,
    global_search,
    searchable,
)

PAGE_SIZE = 25


class BoundedPaginator(Paginator):
    """Pages through the first ``MAX_HITS`` hits, counted up to one more (``more``: there are more than that).

    A search for a common word matches most of the register; nobody pages past a thousand hits, they add a word.
    """

    limit = MAX_HITS

    def __init__(self, object_list, per_page, query):
        super().__init__(object_list, per_page)
        self.query = query

    def page(self, number):
        # The page's rows as the queryset orders them, read by first_hits (tier by tier in name order).
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        size = min(self.per_page, self.count - bottom)
        return self._get_page(first_hits(self.object_list, self.query, size, bottom), number, self)

    @cached_property
    def counted(self):
        return bounded_count(self.object_list, self.limit)

    @property
    def count(self):
        return min(self.counted, self.limit)

    @property
    def more(self):
        return self.counted > self.limit


@login_required
@require_GET
def search(request):
    query = clean_query(request.GET.get("q"))
    kind = KIND_BY_KEY.get(request.GET.get("typ", ""))
    context = {"query": query, "kind": kind, "kinds": KINDS, "groups": [], "page": None, "count_limit": COUNT_LIMIT}
    if query and not searchable(query):
        context["too_short"] = True
    elif query and kind:
        page = BoundedPaginator(kind.queryset(request.user, query), PAGE_SIZE, query).get_page(request.GET.get("page"))
        context["page"] = page
        context["hits"] = [kind.hit(obj) for obj in page]
        context["querystring"] = urlencode({"q": query, "typ": kind.key})
    elif query:
        context["groups"] = global_search(request.user, query)
        context["total"] = sum(group.shown_count for group in context["groups"])
        context["total_more"] = any(group.more for group in context["groups"])
    return render(request, "search.html", context)
