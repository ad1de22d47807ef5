"""Statistics of insatsbasen: every table as data, so the page and the Excel export show the same."""

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Insats, SearchLog, SearchWeek


def tables(user):
    """The statistics tables (title, header, rows), scoped to what the user may read."""
    insatser = Insats.objects.visible_to(user)
    today = timezone.localdate()
    status_labels = dict(Insats.Status.choices)
    by_municipality = (
        insatser.values("owner_municipality__name").annotate(total=Count("pk")).order_by("owner_municipality__name")
    )
    by_category = insatser.values("category__name").annotate(total=Count("pk")).order_by("category__position")
    by_group = (
        insatser.filter(target_groups__isnull=False)
        .values("target_groups__name")
        .annotate(total=Count("pk"))
        .order_by("target_groups__name")
    )
    by_status = insatser.values("status").annotate(total=Count("pk")).order_by("status")
    freshness = (
        insatser.active()
        .values("owner_municipality__name")
        .annotate(total=Count("pk"), due=Count("pk", filter=_due_filter(today)))
        .order_by("owner_municipality__name")
    )
    weeks = SearchWeek.objects.order_by("-week")[:26]
    zero = SearchLog.objects.values("query").annotate(total=Sum("count")).order_by("-total", "query")[:25]
    views = insatser.filter(view_count__gt=0).order_by("-view_count", "name")[:25]
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
            "rows": [
                [i.name, i.owner_municipality.name, i.view_count] for i in views.select_related("owner_municipality")
            ],
        },
    ]


def _due_filter(today):
    from django.db.models import Q

    return Q(review_due_on__lte=today)


def _table(title, header, rows, key):
    return {"title": title, "header": header, "rows": [[row[key], row["total"]] for row in rows]}
