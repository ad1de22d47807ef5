"""The gap view: what the insatsbasen offers per category, municipality and language, beside the need.

The strategist "initiates cross-municipal insatser" (seed 001) where an offer is missing. The view counts the
insatser a newcomer living in a municipality can take part in today (published, not ended, owned by the
municipality or run together with it), per category and per language, next to the number of newly arrived people
the municipality reported to KIS and the searches that found nothing. Every figure is data, so the page and the
Excel export show the same.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from intro_sodertorn.exports import register_export
from natverk.models import Municipality

from . import counts
from .models import LANGUAGES, Category, Insats, SearchLog

LANGUAGE_NAMES = dict(LANGUAGES)
SEARCH_WEEKS = 12  # searches without result over the last quarter


@dataclass
class Gaps:
    today: object  # the day counted
    language: str  # "" = any language
    category: Category | None  # the language table's category, None = every category
    municipalities: list
    categories: list
    by_category: dict  # (category_id, municipality_id) -> count
    category_totals: dict  # category_id -> distinct insatser in the region
    by_language: dict  # (language code, municipality_id) -> count
    language_totals: dict  # language code -> distinct insatser in the region
    languages: list  # codes offered anywhere (in the table's category), most offered first
    unoffered: list  # the other known languages: no insats at all in them
    arrived: dict  # municipality_id -> (year, Cell)
    searches: list = field(default_factory=list)  # (query, times)

    @property
    def language_name(self):
        return LANGUAGE_NAMES.get(self.language, "")

    def unoffered_names(self):
        return [str(LANGUAGE_NAMES[code]) for code in self.unoffered]

    def arrived_row(self):
        """The KIS figure per municipality in the tables' column order: {"year", "display"} or None."""
        row = []
        for municipality in self.municipalities:
            arrived = self.arrived.get(municipality.pk)
            row.append({"year": arrived[0], "display": arrived[1].display()} if arrived else None)
        return row

    def link(self, municipality=None, category=None, language=None):
        """The insats list behind a cell: the same scope as the count (published, for the municipality)."""
        # "Open from today" leaves out the ended ones, as the count does.
        params = {"status": Insats.Status.PUBLISHED, "open_from": self.today.isoformat()}
        if municipality is not None:
            params["municipality"] = municipality.pk
        if category is not None:
            params["category"] = category.pk
        if language:
            params["language"] = language
        return reverse("insatsbasen:index") + "?" + urlencode(params)

    def category_rows(self):
        return [
            {
                "category": category,
                "cells": [
                    {
                        "municipality": municipality,
                        "count": self.by_category.get((category.pk, municipality.pk), 0),
                        "url": self.link(municipality, category, self.language),
                    }
                    for municipality in self.municipalities
                ],
                "total": self.category_totals.get(category.pk, 0),
                "missing": sum(1 for m in self.municipalities if not self.by_category.get((category.pk, m.pk))),
            }
            for category in self.categories
        ]

    def language_rows(self):
        return [
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "cells": [
                    {
                        "municipality": municipality,
                        "count": self.by_language.get((code, municipality.pk), 0),
                        "url": self.link(municipality, self.category, code),
                    }
                    for municipality in self.municipalities
                ],
                "total": self.language_totals.get(code, 0),
                "missing": sum(1 for m in self.municipalities if not self.by_language.get((code, m.pk))),
            }
            for code in self.languages
        ]


def available_insatser(today):
    """What a newcomer can take part in today: published and not ended (an insats not yet started counts)."""
    return Insats.objects.published().filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def gaps(user, language="", category=None, today=None):
    """The gap tables for ``user`` (the strategist's view; KIS figures as ``user`` may see them)."""
    today = today or timezone.localdate()
    municipalities = list(Municipality.objects.members_on(today).order_by("name"))
    member_ids = {m.pk for m in municipalities}
    # Published insatser are everyone's to read: the counts are the same for every user, counted once per state of
    # the catalogue and choice (counts.py).
    name = f"gaps:{language}:{category.pk if category else ''}:{sorted(member_ids)}"
    state = counts.catalogue_state(today)
    found = counts.counted(name, lambda: _offer_counts(today, member_ids, language, category), state=state)
    by_category, category_totals, by_language, language_totals = found
    offered = sorted(language_totals, key=lambda code: (-language_totals[code], str(LANGUAGE_NAMES.get(code, code))))
    known = [code for code, _name in LANGUAGES if code not in language_totals]
    since = today - datetime.timedelta(weeks=SEARCH_WEEKS)
    searches = list(
        SearchLog.objects.filter(week__gte=since)
        .values("query")
        .annotate(times=Sum("count"))
        .order_by("-times", "query")
        .values_list("query", "times")[:20]
    )
    return Gaps(
        today=today,
        language=language,
        category=category,
        municipalities=municipalities,
        categories=list(Category.objects.order_by("position", "name")),
        by_category=by_category,
        category_totals=category_totals,
        by_language=by_language,
        language_totals=language_totals,
        languages=offered,
        unoffered=known,
        arrived=newly_arrived(user, municipalities),
        searches=searches,
    )


def _offer_counts(today, member_ids, language, category):
    """``(by_category, category_totals, by_language, language_totals)``: the insatser available today per category and
    language, in each member municipality (owned or run together with it) and in the region (each insats once)."""
    insatser = available_insatser(today)
    # Who each insats is for: the owner and the participating municipalities (two narrow queries, no objects).
    rows = list(insatser.values_list("pk", "category_id", "owner_municipality_id", "languages"))
    reach = defaultdict(set)
    for pk, _category_id, owner_id, _languages in rows:
        reach[pk].add(owner_id)
    through = Insats.participating_municipalities.through.objects.filter(insats__in=insatser.values("pk"))
    for pk, municipality_id in through.values_list("insats_id", "municipality_id"):
        reach[pk].add(municipality_id)

    by_category, category_totals = defaultdict(int), defaultdict(int)
    by_language, language_totals = defaultdict(int), defaultdict(int)
    for pk, category_id, _owner_id, languages in rows:
        codes = set(languages or [])
        in_members = reach[pk] & member_ids
        if not language or language in codes:
            category_totals[category_id] += 1
            for municipality_id in in_members:
                by_category[(category_id, municipality_id)] += 1
        if category is None or category_id == category.pk:
            for code in codes:
                language_totals[code] += 1
                for municipality_id in in_members:
                    by_language[(code, municipality_id)] += 1
    return dict(by_category), dict(category_totals), dict(by_language), dict(language_totals)


def newly_arrived(user, municipalities):
    """Per municipality, the people received in its latest approved whole year (KIS "Mottagna under perioden",
    total), disclosure-controlled as on every KIS page: {municipality_id: (year, Cell)}."""
    from statistik.dashboards import load_grid
    from statistik.models import TOTAL, Period

    periods = list(Period.objects.filter(half__isnull=True).order_by("-year")[:3])
    if not periods:
        return {}
    grid = load_grid(user, periods, codes=["MOT_TOT"], keys={"MOT_TOT": TOTAL})
    arrived = {}
    for municipality in municipalities:
        for period in periods:  # newest first
            if municipality.pk in grid.reported.get(period.pk, ()):
                arrived[municipality.pk] = (period.year, grid.cell(municipality.pk, period.pk, "MOT_TOT", TOTAL))
                break
    return arrived


@register_export("insatsbasen.luckor")
def build_gaps(job, writer, progress):
    """The gap view's tables as the strategist saw them (same language and category choice)."""
    params = job.params or {}
    category = Category.objects.filter(pk=params.get("category") or None).first()
    language = params.get("language") if params.get("language") in LANGUAGE_NAMES else ""
    data = gaps(job.user, language=language, category=category)
    names = [m.name for m in data.municipalities]
    arrived = [f"{a['display']} ({a['year']})" if a else _("not reported") for a in data.arrived_row()]

    scope = _("Published insatser open on %(day)s, counted for the owner and every participating municipality.") % {
        "day": timezone.localdate().isoformat()
    }
    title = _("Insatser per category and municipality")
    if language:
        title += " – " + _("in %(language)s") % {"language": LANGUAGE_NAMES[language]}
    sheet = writer.add_sheet(
        _("Per category"), header=[_("Category"), *names, _("The region")], preamble=[title, scope]
    )
    sheet.append([_("Received (KIS)"), *arrived, ""])
    for row in data.category_rows():
        sheet.append([str(row["category"]), *[cell["count"] for cell in row["cells"]], row["total"]])
    progress(1, 3)

    title = _("Insatser per language and municipality")
    if category:
        title += " – " + str(category)
    sheet = writer.add_sheet(
        _("Per language"), header=[_("Language"), *names, _("The region")], preamble=[title, scope]
    )
    sheet.append([_("Received (KIS)"), *arrived, ""])
    for row in data.language_rows():
        sheet.append([str(row["name"]), *[cell["count"] for cell in row["cells"]], row["total"]])
    for name in data.unoffered_names():
        sheet.append([name, *[0 for _m in data.municipalities], 0])
    progress(2, 3)

    sheet = writer.add_sheet(
        _("Searches without result"),
        header=[_("Search text"), _("Times")],
        preamble=[_("The last %(weeks)s weeks") % {"weeks": SEARCH_WEEKS}],
    )
    for query, times in data.searches:
        sheet.append([query, times])
    progress(3, 3)
    return f"insatsbasen-luckor-{timezone.localdate()}.xlsx"
