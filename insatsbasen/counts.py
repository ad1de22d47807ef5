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
- the Stockholm day: "due for review" and "not ended" count against today.

Nothing is ever served stale, so there is no expiry to tune; entries of old states age out of the cache
(``COUNTS_SECONDS``).
"""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from natverk.models import Municipality

from .models import Category, Insats, InsatsChange, InsatsText, TargetGroup

COUNTS_SECONDS = 24 * 3600


def catalogue_state(today=None):
    """A short text that changes whenever a count over the catalogue can change (see the module's text)."""
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
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def scope_of(queryset):
    """What a user-scoped queryset reads, as a short key: its SQL with parameters (two users who see the same
    insatser share the entry; a user who sees more gets their own)."""
    sql, params = queryset.query.sql_with_params()
    return hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:16]


def counted(name, compute, *, scope="", state=None):
    """``compute()`` for the catalogue's current state, from the cache when it was counted in that state already.
    ``compute`` must return plain data (lists, dicts, numbers, text), not querysets."""
    key = f"insatsbasen:counts:{name}:{scope}:{state or catalogue_state()}"
    return cache.get_or_set(key, compute, COUNTS_SECONDS)
