"""Global search: one query over every part of the portal, as the user may see it.

Each kind of object is searched from the same scoping QuerySet method as its list (``visible_to(user)``),
so the search never shows what the list would not. Insatser use insatsbasen's own ranked search (Swedish
stemming, compounds); the other kinds match word by word: every query word must occur, as its Swedish stem,
in one of the kind's fields ("nätverket" finds "Nätverk för SFI"). Names that start with the query come first.

A query word of one letter is left out of the word match ("a" is in nearly every name); a query without a word
of at least ``MIN_WORD`` letters searches nothing and the page asks for more.

``global_search`` returns the groups with their first hits and a bounded count: at most ``COUNT_LIMIT`` hits of
a kind are counted, more shows as "more than 100", the way large search engines count. The first hits of a
kind ranked by name are read tier by tier (``first_hits``: one query, each tier cut by an index), so the page
reads a few rows of each kind however many match; the insatser's ranking is kept per state of the catalogue.
The page of one kind (``?typ=``) pages through at most ``MAX_HITS`` hits.
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from urllib.parse import urlencode

import snowballstemmer
from django.db import connections
from django.db.models import Case, Count, IntegerField, Q, Value, When, Window
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_QUERY = 200
GROUP_SIZE = 5
MIN_WORD = 2  # shorter query words match nearly everything and are left out
COUNT_LIMIT = 100  # a group counts this many hits exactly; beyond, "more than 100"
MAX_HITS = 1000  # the page of one kind pages through this many hits at most
_STEMMER = snowballstemmer.stemmer("swedish")
_WORD = re.compile(r"\w+", re.UNICODE)


def clean_query(raw):
    """The query as searched: trimmed, control characters and NUL dropped, at most ``MAX_QUERY`` characters."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY]


def word_stems(query):
    """The words of the query of at least ``MIN_WORD`` letters as Swedish stems, at least two letters of each kept."""
    stems = []
    for word in _WORD.findall(query.lower()):
        if len(word) < MIN_WORD:
            continue
        stem = _STEMMER.stemWord(word)
        stems.append(stem if len(stem) >= 2 else word)
    return list(dict.fromkeys(stems))


def searchable(query):
    """Whether the query has a word long enough to search for."""
    return bool(word_stems(query))


def _field_condition(field, stem):
    # A field is a lookup path, or a callable(stem) -> Q for a condition of its own (a subquery).
    return field(stem) if callable(field) else Q(**{f"{field}__icontains": stem})


def word_filter(queryset, query, fields, name_field=None):
    """Rows where every query word (as its stem) occurs in one of ``fields``; names starting with the query first.

    With ``name_field`` the rows are ordered by ``name_tiers``: names starting with the query, then names holding
    it, then the rest, each in name order."""
    stems = word_stems(query)
    if not stems:
        return queryset.none()
    condition = reduce(and_, (reduce(or_, (_field_condition(f, stem) for f in fields)) for stem in stems))
    queryset = queryset.filter(condition)
    if name_field:
        starts, holds = name_tiers(name_field, query)
        queryset = queryset.annotate(
            name_first=Case(When(starts, then=Value(0)), When(holds, then=Value(1)), default=Value(2)),
        ).order_by("name_first", name_field, "pk")
        queryset.name_field = name_field  # read by first_hits
    return queryset


def name_tiers(name_field, query):
    """The conditions of the first two tiers of a name-ranked kind: the name starts with / holds the query."""
    return Q(**{f"{name_field}__istartswith": query}), Q(**{f"{name_field}__icontains": query})


def first_hits(queryset, query, size, offset=0):
    """Rows ``offset`` to ``offset + size`` of ``queryset`` in its order.

    A name-ranked queryset (``word_filter`` with a name field) is read as the union of its three tiers, each
    cut at ``offset + size`` rows in name order: the same rows as slicing the queryset, in one query whose parts
    each stop after a few rows of the trigram index (first two tiers) or the name index (the rest), instead of
    sorting every match ("sfi" matches thousands of contacts through their titles and e-mail addresses).
    SQLite cannot cut the parts of a union: there the queryset is sliced as it is."""
    if size <= 0:
        return []
    name_field = getattr(queryset, "name_field", None)
    if name_field is None or not connections[queryset.db].features.supports_slicing_ordering_in_compound:
        return list(queryset[offset : offset + size])
    starts, holds = name_tiers(name_field, query)
    base = queryset.order_by(name_field, "pk")
    end = offset + size
    first, *rest = (base.filter(starts)[:end], base.filter(holds).exclude(starts)[:end], base.exclude(holds)[:end])
    return list(first.union(*rest, all=True).order_by("name_first", name_field, "pk")[offset:end])


def counted_first(queryset, size):
    """The first ``size`` rows of ``queryset`` and the number of all (at most ``COUNT_LIMIT + 1``), in one query:
    an order that is not by an index sorts every match anyway, so counting them with the window costs nothing."""
    rows = list(queryset.annotate(search_total=Window(Count("pk")))[:size])
    return (min(rows[0].search_total, COUNT_LIMIT + 1) if rows else 0), rows


def bounded_count(queryset, limit=COUNT_LIMIT):
    """How many rows ``queryset`` has, counted up to ``limit + 1`` (a number above ``limit`` means "more")."""
    return queryset.order_by().values("pk")[: limit + 1].count()


@dataclass
class Hit:
    title: str
    url: str
    detail: str = ""


@dataclass
class Kind:
    key: str  # the value of ?typ= and the anchor of the group
    title: str
    queryset: object  # callable(user, query) -> QuerySet in ranking order
    hit: object  # callable(obj) -> Hit
    list_url: object = None  # callable(query) -> URL of the app's own list with the query, or None
    summary: object = None  # callable(user, query, size) -> (bounded count, first hits); else from ``queryset``

    def count_and_first(self, user, query, size):
        if self.summary:
            return self.summary(user, query, size)
        queryset = self.queryset(user, query)
        if getattr(queryset, "name_field", None) is None:
            return counted_first(queryset, size)
        # Both queries however many hits (none too): the page's query count does not change with the data.
        return bounded_count(queryset), first_hits(queryset, query, size)


@dataclass
class Group:
    kind: Kind
    count: int  # counted up to COUNT_LIMIT + 1: above COUNT_LIMIT means "more than COUNT_LIMIT"
    hits: list = field(default_factory=list)
    more_url: str = ""
    in_app_list: bool = False  # ``more_url`` opens the app's own list (not this page filtered to the kind)

    @property
    def more(self):
        """More hits than were counted."""
        return self.count > COUNT_LIMIT

    @property
    def shown_count(self):
        return min(self.count, COUNT_LIMIT)


# --- The kinds -------------------------------------------------------------------------------


def _insatser(user, query):
    from insatsbasen import search
    from insatsbasen.models import Insats

    queryset = (
        Insats.objects.visible_to(user)
        .exclude(status__in=[Insats.Status.ARCHIVED, Insats.Status.ENDED])
        .select_related("category", "owner_municipality", "provider")
    )
    return search.search(queryset, query).order_by("-rank", "name", "pk")


def _insats_summary(user, query, size):
    """The insatser's count and first hits, ranked over every hit as the insats list ranks them.

    Ranking reads every matching insats's search vector (3,000 for "sfi" in a catalogue of 20,000), so the
    ranking (the count and the ids of the first hits) is kept per query and scope for the catalogue's current
    state (``insatsbasen.counts.per_state``, as the insats list's search: any change of an insats, a category or a
    municipality, or an erasure, makes a new state, so it is never stale); the hits themselves are read anew."""
    from insatsbasen import counts

    queryset = _insatser(user, query)

    def compute():
        rows = list(queryset.annotate(search_total=Window(Count("pk"))).values_list("pk", "search_total")[:size])
        return {"count": min(rows[0][1], COUNT_LIMIT + 1) if rows else 0, "first": [pk for pk, _total in rows]}

    ranking = counts.per_state(f"global-search:{size}", queryset, compute)
    by_pk = queryset.order_by().in_bulk(ranking["first"])
    return ranking["count"], [by_pk[pk] for pk in ranking["first"] if pk in by_pk]


def _insats_hit(insats):
    parts = [str(insats.category) if insats.category_id else "", str(insats.owner_municipality or "")]
    if insats.status != insats.Status.PUBLISHED:
        parts.append(str(insats.get_status_display()))
    return Hit(insats.name, reverse("insatsbasen:detail", args=[insats.pk]), " · ".join(p for p in parts if p))


def _organisations(user, query):
    from natverk.models import Organisation

    queryset = Organisation.objects.visible_to(user).select_related("municipality")
    return word_filter(queryset, query, ["name"], name_field="name")


def _organisation_hit(organisation):
    parts = [str(organisation.get_kind_display()), str(organisation.municipality or "")]
    return Hit(
        organisation.name,
        reverse("natverk:organisation_detail", args=[organisation.pk]),
        " · ".join(p for p in parts if p),
    )


def _organisation_named(stem):
    # The contacts of organisations whose name holds the word: a subquery on the organisations' own (trigram)
    # index, not an OR over a join of every contact with its organisation.
    from natverk.models import Organisation

    return Q(organisation_id__in=Organisation.objects.filter(name__icontains=stem).values("pk"))


CONTACT_FIELDS = ["name", "title", "email", _organisation_named]


def _contacts(user, query):
    from natverk.models import Contact

    queryset = Contact.objects.visible_to(user).select_related("organisation", "municipality")
    return word_filter(queryset, query, CONTACT_FIELDS, name_field="name")


def _contact_hit(contact):
    parts = [
        contact.title,
        contact.organisation.name if contact.organisation_id else "",
        str(contact.municipality or ""),
    ]
    if not contact.is_active:
        parts.append(str(_("inactive")))
    return Hit(contact.name, reverse("natverk:contact_detail", args=[contact.pk]), " · ".join(p for p in parts if p))


def _networks(user, query):
    from natverk.models import Network

    return word_filter(Network.objects.visible_to(user), query, ["name", "purpose"], name_field="name")


def _network_hit(network):
    detail = str(network.get_kind_display()) + ("" if network.is_active else f" · {_('inactive')}")
    return Hit(network.name, reverse("natverk:network_detail", args=[network.pk]), detail)


def _meetings(user, query):
    from natverk.models import Meeting

    # The network's name and the decisions' texts through subqueries, not joins: each meeting is matched once
    # (a join with its decisions repeated it), so the match needs no outer ``pk IN`` of its own.
    queryset = Meeting.objects.visible_to(user).select_related("network")
    return word_filter(queryset, query, [_network_named, "place", "agenda", _decision_holds]).order_by("-date", "pk")


def _network_named(stem):
    from natverk.models import Network

    return Q(network_id__in=Network.objects.filter(name__icontains=stem).values("pk"))


def _decision_holds(stem):
    from natverk.models import Decision

    return Q(pk__in=Decision.objects.filter(text__icontains=stem).values("meeting_id"))


def _meeting_hit(meeting):
    from django.utils.formats import date_format

    return Hit(
        f"{meeting.network.name}, {date_format(meeting.date, 'j F Y')}",
        reverse("natverk:meeting_detail", args=[meeting.pk]),
        meeting.place,
    )


def _action_points(user, query):
    from uppdrag.models import ActionPoint

    # Both fields are the point's own (no join), so each point is matched once: no subquery needed.
    return (
        word_filter(ActionPoint.objects.visible_to(user), query, ["title", "description"])
        .select_related("area")
        .annotate(
            name_first=Case(When(title__icontains=query, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("name_first", "title", "pk")
    )


def _action_point_hit(point):
    parts = [str(point.get_status_display())]
    if point.due_date:
        from django.utils.formats import date_format

        parts.append(str(_("due %(date)s") % {"date": date_format(point.due_date, "j F Y")}))
    return Hit(point.title, reverse("uppdrag:actionpoint_detail", args=[point.pk]), " · ".join(parts))


def _indicators(user, query):
    from statistik.models import CatalogueVersion, Indicator

    version = CatalogueVersion.objects.order_by("-number").first()
    if version is None or not user.is_authenticated:
        return Indicator.objects.none()
    queryset = Indicator.objects.filter(version=version).select_related("form")
    return word_filter(queryset, query, ["code", "name", "name_en", "definition"], name_field="name")


def _indicator_hit(indicator):
    return Hit(
        indicator.name,
        reverse("statistik:dashboard_indicator", args=[indicator.code]),
        f"{indicator.code} · {indicator.form.name}",
    )


def _list_url(name, param="q"):
    return lambda query: f"{reverse(name)}?{urlencode({param: query})}"


KINDS = (
    Kind("insatser", _("Insatser"), _insatser, _insats_hit, _list_url("insatsbasen:index"), _insats_summary),
    Kind(
        "organisationer", _("Organisations"), _organisations, _organisation_hit, _list_url("natverk:organisation_list")
    ),
    Kind("kontakter", _("Contacts"), _contacts, _contact_hit, _list_url("natverk:contact_list")),
    Kind("grupper", _("Networks and groups"), _networks, _network_hit, _list_url("natverk:network_list")),
    Kind("moten", _("Meetings"), _meetings, _meeting_hit),
    Kind("atgardspunkter", _("Action points"), _action_points, _action_point_hit),
    Kind("indikatorer", _("KIS indicators"), _indicators, _indicator_hit),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}


def more_url(kind, query):
    """Where "show all" goes: the app's own list with the query, else this page with only that kind."""
    if kind.list_url:
        return kind.list_url(query)
    return f"{reverse('search')}?{urlencode({'q': query, 'typ': kind.key})}"


def global_search(user, query, size=GROUP_SIZE):
    """Every kind with its bounded count and first ``size`` hits (kinds without hits are left out)."""
    groups = []
    if not searchable(query):
        return groups
    for kind in KINDS:
        # A few queries per kind, however many hits: neither the page's query count nor the rows it reads grow
        # with the data (the count stops at COUNT_LIMIT + 1, the hits are read by first_hits).
        count, first = kind.count_and_first(user, query, size)
        if count:
            hit_list = [kind.hit(obj) for obj in first]
            groups.append(Group(kind, count, hit_list, more_url(kind, query), kind.list_url is not None))
    return groups
