"""Home-page panels of insatsbasen: reviews due for an administrator; freshness and gaps for the strategist."""

import datetime

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn import access
from intro_sodertorn.home import Panel
from intro_sodertorn.models import Role
from natverk.models import Municipality

from . import counts, services
from .models import Category, Insats, Place

SHOWN = 8


def panels(request):
    user = request.user
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    result = []
    if access.insats_admin_municipality_ids(user):
        # Exactly the lists "Show all" opens (?review=due, ?review=incomplete): the insatser this administrator
        # answers for (their municipalities, their side where roles are split).
        # Both lists are kept per state of the catalogue (counts.per_state): reading them scans the municipality's
        # insatser (2,000 at the large bench size); they change only with the catalogue, the register or the day.
        mine = Insats.objects.answered_by(user)
        due = mine.due_for_review(today).order_by("review_due_on", "name")
        state = counts.catalogue_state(today, register=True)
        count, shown_due = counts.per_state("home-due", due, lambda: (due.count(), list(due[:SHOWN])), state)
        if count:
            result.append(
                Panel(
                    _("Insatser to review"),
                    "insatsbasen/home_panel.html",
                    {"due": shown_due, "due_count": count},
                    order=10,
                )
            )
        # The first few and how many there are in one query: the total as a window over the whole set, which also
        # keeps PostgreSQL from walking the name index past every other insats to find the first eight.
        incomplete = (
            mine.failing_publish_gate()
            .select_related("contact", "provider")
            .annotate(has_place=Exists(Place.objects.filter(insats=OuterRef("pk"))), total=Window(Count("pk")))
            .order_by("name")
        )
        shown = counts.per_state("home-incomplete", incomplete, lambda: list(incomplete[:SHOWN]), state)
        incomplete_count = shown[0].total if shown else 0
        if incomplete_count:
            rows = [(insats, insats.publish_gaps(int(insats.has_place))) for insats in shown]
            result.append(
                Panel(
                    _("Published but incomplete"),
                    "insatsbasen/home_panel.html",
                    {"incomplete": rows, "incomplete_count": incomplete_count},
                    order=11,
                )
            )
    manager_ids = access.intro_manager_municipality_ids(user)
    if manager_ids:
        result.append(
            Panel(
                _("Insatsbasen: your municipality's freshness"),
                "insatsbasen/home_freshness.html",
                {"rows": _freshness_of(manager_ids, today)},
                order=25,
            )
        )
    if not access.insats_admin_municipality_ids(user) and not access.is_strategist(user):
        recent = Insats.objects.visible_to(user).published().select_related("owner_municipality")
        context = {"recent": list(recent.order_by("-updated_at", "name")[:6]), "categories": _popular_categories(today)}
        result.append(Panel(_("Insatsbasen: recently updated"), "insatsbasen/home_recent.html", context, order=40))
    if access.is_strategist(user):
        counted_at, rows = _scoreboard_for_home(today)
        zero = services.top_zero_result_queries(since=today - datetime.timedelta(days=90), limit=5)
        result.append(
            Panel(
                _("Insatsbasen: freshness"),
                "insatsbasen/home_panel.html",
                {"scoreboard": rows, "counted_at": counted_at, "zero": zero},
                order=30,
            )
        )
    return result


# The freshness counts run over every insats; the strategist's home reads them at most this often per process.
HOME_COUNTS_SECONDS = 600


def _popular_categories(today):
    """The eight categories with the most published insatser (published ones are everyone's to read: the same list
    for every user), counted over every insats and so cached under the day's date for ``HOME_COUNTS_SECONDS``."""

    def count():
        categories = (
            Category.objects.filter(insatser__status=Insats.Status.PUBLISHED)
            .annotate(count=Count("insatser"))
            .order_by("-count", "name")
        )
        return list(categories[:8])

    return cache.get_or_set(f"insatsbasen:home:categories:{today.isoformat()}", count, HOME_COUNTS_SECONDS)


def _scoreboard_for_home(today):
    """``(counted at, rows)``: per current member municipality the share verified within the interval and whether
    it has an insats administrator on each side; the full scoreboard (/insatser/aktualitet/) counts live.

    The counts are the whole region's, the same for every strategist (never scoped to a user), cached under the
    day's date for ``HOME_COUNTS_SECONDS``; the municipalities and administrators are read live.
    """

    def count():
        counts = services._freshness_counts(today)
        return timezone.now(), {pk: (row["total"], row["fresh"]) for pk, row in counts.items()}

    counted_at, counts = cache.get_or_set(f"insatsbasen:home:freshness:{today.isoformat()}", count, HOME_COUNTS_SECONDS)
    sides = {}
    for municipality_id, side in Role.objects.filter(kind=Role.Kind.INSATS_ADMIN).values_list(
        "municipality_id", "side"
    ):
        sides.setdefault(municipality_id, set()).add(side)
    rows = []
    for municipality in Municipality.objects.members_on(today).order_by("name"):
        total, fresh = counts.get(municipality.pk, (0, 0))
        has = sides.get(municipality.pk, set())
        rows.append(
            {
                "municipality": municipality,
                "share": round(100 * fresh / total) if total else None,
                "has_intro_admin": Role.Side.INTRO in has,
                "has_sfi_admin": Role.Side.SFI in has,
            }
        )
    return counted_at, rows


def _freshness_of(municipality_ids, today):
    """Per municipality: its maintained insatser, how many are due for review and how many are overdue beyond the
    escalation limit (the public catalogue marks those)."""
    from .models import UNVERIFIED_AFTER

    due = Q(owned_insatser__review_due_on__lte=today)
    overdue = Q(owned_insatser__review_due_on__lte=today - UNVERIFIED_AFTER)
    maintained = Q(owned_insatser__status__in=[Insats.Status.DRAFT, Insats.Status.PUBLISHED, Insats.Status.PAUSED])
    return list(
        Municipality.objects.filter(pk__in=municipality_ids)
        .annotate(
            active=Count("owned_insatser", filter=maintained),
            due=Count("owned_insatser", filter=maintained & due),
            overdue=Count("owned_insatser", filter=maintained & overdue),
        )
        .order_by("name")
    )
