"""Statistics of insatsbasen: every table as data, so the page and the Excel export show the same."""

import datetime

from django.db.models import Count, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import counts
from .models import (
    TEXT_LANGUAGES,
    FreshnessSnapshot,
    Insats,
    InsatsText,
    ReferralCount,
    SearchLog,
    SearchWeek,
    localized_name,
)

TREND_DAYS = 182  # half a year of nightly snapshots on the page and in the export


def tables(user, trend=None):
    """The statistics tables (title, header, rows), scoped to what the user may read."""
    trend = trend or freshness_trend()
    insatser = Insats.objects.visible_to(user)
    today = timezone.localdate()
    status_labels = dict(Insats.Status.choices)
    # The counts over every insats, once per state of the catalogue (counts.py); the rest changes with every search
    # and view and is read live from small tables or a LIMIT.
    catalogue = counts.per_state("statistics", insatser, lambda: _catalogue_counts(insatser, today))
    by_municipality, by_category, by_group = catalogue["municipality"], catalogue["category"], catalogue["group"]
    by_status, freshness = catalogue["status"], catalogue["freshness"]
    weeks = SearchWeek.objects.order_by("-week")[:26]
    zero = SearchLog.objects.values("query").annotate(total=Sum("count")).order_by("-total", "query")[:25]
    views = (
        insatser.filter(view_count__gt=0)
        .order_by("-view_count", "name")
        .values_list("name", "owner_municipality__name", "view_count")[:25]
    )
    referrals = (
        ReferralCount.objects.filter(insats__in=insatser, week__gte=today - datetime.timedelta(weeks=26))
        .values("insats__name", "language")
        .annotate(total=Sum("count"))
        .order_by("-total", "insats__name", "language")[:25]
    )
    return [
        _table(
            _("Insatser per municipality"),
            [_("Municipality"), _("Insatser")],
            by_municipality,
            "owner_municipality__name",
        ),
        _table(_("Insatser per category"), [_("Category"), _("Insatser")], by_category, "category__name"),
        _table(_("Insatser per target group"), [_("Target group"), _("Insatser")], by_group, "target_groups__name"),
        {
            "title": _("Insatser per status"),
            "header": [_("Status"), _("Insatser")],
            "rows": [[str(status_labels.get(row["status"], row["status"])), row["total"]] for row in by_status],
        },
        {
            "title": _("Freshness per municipality"),
            "header": [_("Municipality"), _("Maintained"), _("Due for review"), _("Verified within interval (%)")],
            "rows": [
                [
                    row["owner_municipality__name"],
                    row["total"],
                    row["due"],
                    round(100 * (row["total"] - row["due"]) / row["total"]) if row["total"] else "",
                ]
                for row in freshness
            ],
        },
        trend["table"],
        {
            "title": _("Searches per week"),
            "header": [_("Week starting"), _("Searches"), _("Without result")],
            "rows": [[w.week, w.searches, w.zero_results] for w in weeks],
        },
        {
            "title": _("Top searches without result"),
            "header": [_("Search text"), _("Times")],
            "rows": [[row["query"], row["total"]] for row in zero],
        },
        {
            "title": _("Most viewed insatser"),
            "header": [_("Insats"), _("Municipality"), _("Views")],
            "rows": [list(row) for row in views],
        },
        _texts_table(catalogue["texts"]),
        {
            "title": _("Referral sheets, last half-year"),
            "header": [_("Insats"), _("Language"), _("Sheets")],
            "rows": [[row["insats__name"], _public_language_name(row["language"]), row["total"]] for row in referrals],
        },
    ]


def _catalogue_counts(insatser, today):
    """Every count of the page that reads all insatser in ``insatser``, as plain data for the cache."""
    published = insatser.published()
    texts = (
        InsatsText.objects.filter(insats__in=published)
        .values("insats__owner_municipality__name", "language")
        .annotate(n=Count("insats", distinct=True))
        .values_list("insats__owner_municipality__name", "language", "n")
    )
    return {
        "municipality": list(
            insatser.values("owner_municipality__name").annotate(total=Count("pk")).order_by("owner_municipality__name")
        ),
        "category": list(
            insatser.values("category__name", "category__name_en")
            .annotate(total=Count("pk"))
            .order_by("category__position")
        ),
        "group": list(
            insatser.filter(target_groups__isnull=False)
            .values("target_groups__name", "target_groups__name_en")
            .annotate(total=Count("pk"))
            .order_by("target_groups__name")
        ),
        "status": list(insatser.values("status").annotate(total=Count("pk")).order_by("status")),
        "freshness": list(
            insatser.active()
            .values("owner_municipality__name")
            .annotate(total=Count("pk"), due=Count("pk", filter=_due_filter(today)))
            .order_by("owner_municipality__name")
        ),
        "texts": {
            "published": list(
                published.values("owner_municipality__name")
                .annotate(n=Count("pk"))
                .values_list("owner_municipality__name", "n")
            ),
            "languages": list(texts),
        },
    }


def _texts_table(texts):
    """Per owning municipality: published insatser, and how many of them have texts in each public language."""
    totals = dict(texts["published"])
    per_language = {(name, language): n for name, language, n in texts["languages"]}
    return {
        "title": _("Published insatser with texts in other languages"),
        "header": [_("Municipality"), _("Published"), *[name for _code, name in TEXT_LANGUAGES]],
        "rows": [
            [name, total, *[per_language.get((name, code), 0) for code, _name in TEXT_LANGUAGES]]
            for name, total in sorted(totals.items())
        ],
        "full_width": True,
    }


def _public_language_name(code):
    from .public_i18n import BY_URL_CODE

    language = BY_URL_CODE.get("" if code == "sv" else code)
    return language.native_name if language else code


def _due_filter(today):
    from django.db.models import Q

    return Q(review_due_on__lte=today)


def _table(title, header, rows, key):
    """One column of names and one of counts; a taxonomy name in the page's language (``<key>_en`` beside it)."""
    return {
        "title": title,
        "header": header,
        "rows": [[localized_name(row[key], row.get(f"{key}_en")), row["total"]] for row in rows],
    }


def _share(fresh, maintained):
    return round(100 * fresh / maintained) if maintained else None


def freshness_trend(today=None, days=TREND_DAYS):
    """Freshness over time from the nightly snapshots: a weekly table, a line chart of the whole region's
    share and a one-sentence summary. Snapshots are aggregates per municipality, readable by every
    follow-up role (like the scoreboard)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days)
    region = list(
        FreshnessSnapshot.objects.filter(day__gt=since, day__lte=today)
        .values("day")
        .annotate(maintained=Sum("maintained"), fresh=Sum("fresh"), unverified=Sum("unverified"))
        .order_by("day")
    )
    for row in region:
        row["share"] = _share(row["fresh"], row["maintained"])
    # The table shows the last snapshot of each week; the chart every day.
    weekly = {}
    for row in region:
        weekly[row["day"].isocalendar()[:2]] = row
    weekly_days = [row["day"] for row in weekly.values()]
    shares = {}
    names = set()
    for snap in FreshnessSnapshot.objects.filter(day__in=weekly_days).select_related("municipality"):
        shares[(snap.day, snap.municipality.name)] = snap.share
        names.add(snap.municipality.name)
    names = sorted(names)
    table = {
        "title": _("Freshness over time"),
        "header": [_("Day"), _("Maintained"), _("Verified in time"), _("All municipalities (%)")]
        + [f"{name} (%)" for name in names],
        "rows": [
            [row["day"], row["maintained"], row["fresh"], _blank(row["share"])]
            + [_blank(shares.get((row["day"], name))) for name in names]
            for row in weekly.values()
        ],
        "wide": True,
        "municipalities": names,
    }
    return {"table": table, "chart": line_chart(region), "summary": _trend_summary(region, shares, names)}


def _blank(value):
    return "" if value is None else value


def _trend_summary(region, shares, names):
    points = [row for row in region if row["share"] is not None]
    if not points:
        return _("There are no snapshots yet: the nightly review job stores one each day.")
    first, last = points[0], points[-1]
    lowest = min(
        ((shares[(last["day"], name)], name) for name in names if shares.get((last["day"], name)) is not None),
        default=None,
    )
    values = {
        "first": first["share"],
        "start": formats.date_format(first["day"], "j F Y"),
        "last": last["share"],
        "end": formats.date_format(last["day"], "j F Y"),
        "lowest": lowest[1] if lowest else "",
        "lowest_share": lowest[0] if lowest else "",
    }
    if first is last:
        return _("On %(end)s, %(last)s %% of the maintained insatser were verified within their interval.") % values
    if lowest:
        return (
            _(
                "The share of maintained insatser verified within their interval went from %(first)s %% "
                "(%(start)s) to %(last)s %% (%(end)s); lowest now is %(lowest)s with %(lowest_share)s %%."
            )
            % values
        )
    return (
        _(
            "The share of maintained insatser verified within their interval went from %(first)s %% "
            "(%(start)s) to %(last)s %% (%(end)s)."
        )
        % values
    )


CHART_WIDTH, CHART_HEIGHT = 640, 240
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 44, 12, 12, 32


def line_chart(rows):
    """Coordinates for a server-rendered SVG line of the region's share (0–100 %) over the days."""
    points = [row for row in rows if row["share"] is not None]
    if not points:
        return None
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    first, last = points[0]["day"], points[-1]["day"]
    span = max((last - first).days, 1)

    def x(day):
        return round(CHART_LEFT + plot_width * ((day - first).days / span if last != first else 0.5), 1)

    def y(share):
        return round(CHART_TOP + plot_height * (1 - share / 100), 1)

    coordinates = [(x(row["day"]), y(row["share"])) for row in points]
    x_labels = [points[0]["day"]] if first == last else [first, first + (last - first) / 2, last]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "bottom": CHART_TOP + plot_height,
        "polyline": " ".join(f"{px},{py}" for px, py in coordinates),
        "last": {"x": coordinates[-1][0], "y": coordinates[-1][1], "share": points[-1]["share"]},
        "y_ticks": [{"value": value, "y": y(value)} for value in (0, 25, 50, 75, 100)],
        "x_ticks": [{"label": day, "x": x(day)} for day in x_labels],
    }
