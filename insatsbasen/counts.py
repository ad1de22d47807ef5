"""Counts over the whole catalogue, computed once per state of the catalogue.

The statistics page and the gap view count every insats (20,000 in the large bench database): the counts only change
when the catalogue does, so they are kept in the cache under a key that changes whenever any of them can change, and a
page after a change always counts anew. The key (``catalogue_state``) is read in a few index-only queries:

- the newest history row: every change through the one write path (``services``: create, update, status, verify,
  texts, imports, admin) records one;
- the newest insats id and ``updated_at``: rows written without history (seed data, a restore); insatser are never
  deleted (archived instead; admin refuses deletion), so the newest id changes with every new one;
- every category's name and review interval, every target group's and municipality's name: a rename or a new
  interval changes labels and review dates without touching an insats's history;
- the Stockholm day: "due for review" and "not ended" count against today;
- the newest erasure of a person (``AnonymisationLog``), which scrubs their traces from rows without a history row.

Nothing is ever served stale, so there is no expiry to tune; entries of old states age out of the cache
(``COUNTS_SECONDS``).
"""

import hashlib
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Case, Count, Max, Value, When
from django.db.models.query import ModelIterable
from django.utils import timezone

from natverk.models import AnonymisationLog, Contact, Municipality, Organisation

from .models import Category, Insats, InsatsChange, InsatsText, TargetGroup

COUNTS_SECONDS = 24 * 3600


def catalogue_state(today=None, register=False):
    """A short text that changes whenever a count over the catalogue can change (see the module's text).

    ``register``: the counts also read the network register's contacts and organisations (the publish gate asks for
    a contact route and a provider), so their number and newest change are part of the state too."""
    today = today or timezone.localdate()
    insatser = Insats.objects.aggregate(last=Max("pk"), changed=Max("updated_at"))  # two index-only scans
    texts = InsatsText.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))  # a text may be removed
    parts = [
        today.isoformat(),
        InsatsChange.objects.aggregate(last=Max("pk"))["last"],
        insatser["last"],
        insatser["changed"],
        texts["n"],
        texts["changed"],
        list(
            Category.objects.order_by("pk").values_list("pk", "name", "name_en", "review_interval_months", "position")
        ),
        list(TargetGroup.objects.order_by("pk").values_list("pk", "name", "name_en")),
        list(Municipality.objects.order_by("pk").values_list("pk", "name", "member_from", "member_to")),
        # An erasure scrubs a person's traces from rows without a history row: every state after it is new, so no
        # kept search result still finds an insats by the name it no longer holds.
        AnonymisationLog.objects.aggregate(last=Max("pk"))["last"],
    ]
    if register:
        parts += [
            Contact.objects.aggregate(n=Count("pk"), changed=Max("updated_at")),
            Organisation.objects.aggregate(n=Count("pk"), changed=Max("updated_at")),
        ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


# Columns written without a history row (the nightly review bookkeeping, the view counter): what reads one is
# computed afresh every time, as the state would not see it change.
UNTRACKED_COLUMNS = ("view_count", "unverified_since", "review_notice")
REGISTER_TABLES = ('"natverk_organisation"', '"natverk_contact"')


def per_state(name, queryset, compute, state=None):
    """``compute()`` once per state of the catalogue and per SQL of ``queryset`` (what it reads: the filters, the
    user's scope, the search, the order, the slice: two users who see the same insatser share the entry, a user who
    sees more gets their own), like ``counted``; the register's state joins the key when the
    SQL reads organisations or contacts. A page that keeps several things may pass the ``state`` it read once (with
    the register when any of them reads it)."""
    sql, params = queryset.query.sql_with_params()
    # What the rows are chosen and ordered by (the select list of a model query names every column).
    chosen = queryset.values("pk") if queryset._iterable_class is ModelIterable else queryset
    if any(column in chosen.query.sql_with_params()[0] for column in UNTRACKED_COLUMNS):
        return compute()
    scope = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:16]
    if state is None:
        state = catalogue_state(register=any(table in sql for table in REGISTER_TABLES))
    return counted(name, compute, scope=scope, state=state)


def counted(name, compute, *, scope="", state=None):
    """``compute()`` for the catalogue's current state, from the cache when it was counted in that state already.
    ``compute`` must return plain data (lists, dicts, numbers, text), not querysets."""
    # The name may hold any text (a filter's values): digested, so the key suits every cache backend.
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    key = f"insatsbasen:counts:{digest}:{scope}:{state or catalogue_state()}"
    return cache.get_or_set(key, compute, COUNTS_SECONDS)


class CountedPaginator(Paginator):
    """A list that is not a ranked search: the page is read with OFFSET/LIMIT in the list's order (an index on the
    sort serves it), and the count comes from ``counted``, once per state of the catalogue and filter (the SQL
    without its order, so every sort of one filter shares it) instead of a ``COUNT(*)`` over every row per page."""

    @cached_property
    def count(self):
        unordered = self.object_list.order_by()
        return per_state("list", unordered, unordered.count)


class CategoryOrderedPaginator(CountedPaginator):
    """The public catalogue's list, in category order (the category's position, then the name): a sort on a joined
    table no index serves, so PostgreSQL sorted every published insats for each page.

    Here the number of rows per category is counted once per state (``counted``), which tells which categories a
    page's rows fall in and where: the first of them is read from its offset by its (category, name) index, the rest
    of the page from the following categories in one more query; two small queries per page, however large the
    catalogue or deep the page."""

    def __init__(self, object_list, per_page, categories, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.categories = categories  # the category ids in the list's order

    @cached_property
    def per_category(self):
        unordered = self.object_list.order_by()

        def count():
            return dict(unordered.values_list("category_id").annotate(n=Count("pk")).values_list("category_id", "n"))

        return per_state("per-category", unordered, count)

    @cached_property
    def count(self):
        return sum(self.per_category.values())

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        # The categories the page's rows fall in, in order: the first from some offset, the others from their start.
        spans, start = [], 0
        for category_id in self.categories:
            size = self.per_category.get(category_id, 0)
            if size and start + size > bottom and start < top:
                spans.append((category_id, max(bottom, start) - start))
            start += size
            if start >= top:
                break
        keys = []
        if spans:
            # The first category from its offset, by its (category, name) index however deep the page is.
            first_id, offset = spans[0]
            in_first = self.object_list.filter(category_id=first_id).order_by("name", "pk")
            keys += in_first.values_list("pk", flat=True)[offset : offset + top - bottom]
        if len(spans) > 1:
            # The rest of the page from the following categories in one query: in the categories' order, by name.
            following = [category_id for category_id, _offset in spans[1:]]
            place = Case(*(When(category_id=pk, then=Value(i)) for i, pk in enumerate(following)))
            rest = self.object_list.filter(category_id__in=following).order_by(place, "name", "pk")
            keys += rest.values_list("pk", flat=True)[: top - bottom - len(keys)]
        # The rows (with the list's joins and prefetches) in one query, put in the page's order.
        by_key = {row.pk: row for row in self.object_list.order_by().filter(pk__in=keys)}
        return self._get_page([by_key[key] for key in keys if key in by_key], number, self)
