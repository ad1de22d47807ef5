"""Global search: one query over every part of the portal, as the user may see it.

Each kind of object is searched from the same scoping QuerySet method as its list (``visible_to(user)``),
so the search never shows what the list would not. Insatser use insatsbasen's own ranked search (Swedish
stemming, compounds); the other kinds match word by word: every query word must occur, as its Swedish stem,
in one of the kind's fields ("nätverket" finds "Nätverk för SFI"). Names that start with the query come first.

``global_search`` returns the groups with their count and first hits; ``kind_page`` one kind in full, for
the "show all" link of kinds whose own list has no free-text search.
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from urllib.parse import urlencode

import snowballstemmer
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_QUERY = 200
GROUP_SIZE = 5
_STEMMER = snowballstemmer.stemmer("swedish")
_WORD = re.compile(r"\w+", re.UNICODE)


def clean_query(raw):
    """The query as searched: trimmed, control characters and NUL dropped, at most ``MAX_QUERY`` characters."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY]


def word_stems(query):
    """The words of the query as Swedish stems, at least two letters of each word kept."""
    stems = []
    for word in _WORD.findall(query.lower()):
        stem = _STEMMER.stemWord(word)
        stems.append(stem if len(stem) >= 2 else word)
    return list(dict.fromkeys(stems))


def word_filter(queryset, query, fields, name_field=None):
    """Rows where every query word (as its stem) occurs in one of ``fields``; names starting with the query first."""
    stems = word_stems(query)
    if not stems:
        return queryset.none()
    condition = reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": stem}) for f in fields)) for stem in stems))
    queryset = queryset.filter(condition)
    if name_field:
        queryset = queryset.annotate(
            name_first=Case(
                When(**{f"{name_field}__istartswith": query}, then=Value(0)),
                When(**{f"{name_field}__icontains": query}, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        ).order_by("name_first", name_field, "pk")
    return queryset


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


@dataclass
class Group:
    kind: Kind
    count: int
    hits: list = field(default_factory=list)
    more_url: str = ""
    in_app_list: bool = False  # ``more_url`` opens the app's own list (not this page filtered to the kind)


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


CONTACT_FIELDS = ["name", "title", "email", "organisation__name"]


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

    queryset = Meeting.objects.visible_to(user).select_related("network")
    matching = word_filter(queryset, query, ["network__name", "place", "agenda", "decisions__text"])
    return queryset.filter(pk__in=matching.values("pk")).order_by("-date", "pk")


def _meeting_hit(meeting):
    from django.utils.formats import date_format

    return Hit(
        f"{meeting.network.name}, {date_format(meeting.date, 'j F Y')}",
        reverse("natverk:meeting_detail", args=[meeting.pk]),
        meeting.place,
    )


def _action_points(user, query):
    from uppdrag.models import ActionPoint

    matching = word_filter(ActionPoint.objects.visible_to(user), query, ["title", "description"])
    return (
        ActionPoint.objects.filter(pk__in=matching.values("pk"))
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
    Kind("insatser", _("Insatser"), _insatser, _insats_hit, _list_url("insatsbasen:index")),
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
    """Every kind with its count and first ``size`` hits (kinds without hits are left out)."""
    groups = []
    for kind in KINDS:
        queryset = kind.queryset(user, query)
        # Always two queries per kind, however many hits: the page's query count does not grow with the data.
        count = queryset.count()
        hits = list(queryset[:size])
        if count:
            hit_list = [kind.hit(obj) for obj in hits]
            groups.append(Group(kind, count, hit_list, more_url(kind, query), kind.list_url is not None))
    return groups
