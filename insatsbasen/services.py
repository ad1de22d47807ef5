"""Writes with side effects: saving with history and locking, verifying, search counting, review reminders."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn import access
from intro_sodertorn.models import Role
from intro_sodertorn.reminders import send_reminder_once
from natverk.models import Municipality

from . import search
from .models import FreshnessSnapshot, Insats, InsatsChange, SearchLog, SearchWeek, monday_of

# The fields of the edit form, in form order.
EDITABLE_FIELDS = [
    "name",
    "short_description",
    "description",
    "category",
    "plan_part",
    "target_groups",
    "age_min",
    "age_max",
    "eligibility",
    "languages",
    "provider",
    "provider_type",
    "owner_municipality",
    "participating_municipalities",
    "start_date",
    "end_date",
    "intake",
    "intake_dates",
    "hours",
    "capacity",
    "participant_cost",
    "funding",
    "contact",
    "contact_is_public",
    "function_email",
    "function_phone",
    "how_to_apply",
    "web_link",
    "internal_notes",
    "status",
    "review_interval_months",
]
# Fields recorded in the change history: the editable ones, and the places (edited with the
# form, recorded as one readable list).
TRACKED_FIELDS = [*EDITABLE_FIELDS, "places"]

FIRST_REMINDER_AFTER = datetime.timedelta(weeks=2)
UNVERIFIED_AFTER = datetime.timedelta(weeks=4)


class ConflictError(Exception):
    """Someone else saved the insats after the form was opened."""


def display_value(insats, field_name):
    """A field's value as a readable text, for the change history."""
    if field_name == "places":
        return "; ".join(place_label(place) for place in insats.places.all()) if insats.pk else ""
    field = Insats._meta.get_field(field_name)
    if field.many_to_many:
        if not insats.pk:
            return ""
        return ", ".join(sorted(str(obj) for obj in getattr(insats, field_name).all()))
    if field_name == "languages":
        return ", ".join(insats.language_names())
    if field_name == "funding":
        return ", ".join(insats.funding_names())
    value = getattr(insats, field_name)
    if field.choices:
        return str(getattr(insats, f"get_{field_name}_display")())
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def place_label(place):
    """A place in one line with everything that can change, so the history shows any edit."""
    town = " ".join(part for part in [place.postal_code, place.city] if part)
    text = ", ".join(part for part in [place.name, place.street_address, town] if part)
    return f"{text} ({place.municipality})" if place.municipality_id else text


def snapshot(insats):
    return {name: display_value(insats, name) for name in TRACKED_FIELDS}


def insats_refresh_derived(insats):
    """Recompute the stored search text and review date (after every save)."""
    insats.search_document = search.build_document(insats)
    insats.review_due_on = insats.compute_review_due_on()
    Insats.objects.filter(pk=insats.pk).update(
        search_document=insats.search_document, review_due_on=insats.review_due_on
    )


def _save_places(places, insats):
    """Save the places formset (validated by the caller) for the saved insats."""
    if places is not None:
        places.instance = insats
        places.save()


@transaction.atomic
def insats_create(form, user, reason="", places=None):
    insats = form.save(commit=False)
    insats.updated_by = user
    insats.save()
    form.save_m2m()
    _save_places(places, insats)
    insats_refresh_derived(insats)
    InsatsChange.objects.create(insats=insats, changed_by=user, field="created", new_value=insats.name, reason=reason)
    return insats


@transaction.atomic
def insats_update(form, user, expected_version, reason="", places=None):
    """Save the form (and its places formset) if nobody saved since ``expected_version``; record each
    changed field, the places as one.

    The version is bumped with a conditional UPDATE, so two simultaneous saves cannot both win.
    """
    insats = form.instance
    before = snapshot(Insats.objects.get(pk=insats.pk))
    bumped = Insats.objects.filter(pk=insats.pk, version=expected_version).update(version=F("version") + 1)
    if not bumped:
        raise ConflictError
    insats = form.save(commit=False)
    insats.version = expected_version + 1
    insats.updated_by = user
    insats.save()
    form.save_m2m()
    _save_places(places, insats)
    insats_refresh_derived(insats)
    after = snapshot(insats)
    InsatsChange.objects.bulk_create(
        InsatsChange(
            insats=insats, changed_by=user, field=name, old_value=before[name], new_value=after[name], reason=reason
        )
        for name in TRACKED_FIELDS
        if before[name] != after[name]
    )
    return insats


@transaction.atomic
def insats_set_status(insats, status, user, reason=""):
    """Pause, publish, end or archive (never delete) an insats, with history."""
    old = insats.get_status_display()
    insats.status = status
    insats.version = F("version") + 1
    insats.updated_by = user
    insats.save(update_fields=["status", "version", "updated_by", "updated_at"])
    insats.refresh_from_db()
    InsatsChange.objects.create(
        insats=insats,
        changed_by=user,
        field="status",
        old_value=old,
        new_value=insats.get_status_display(),
        reason=reason,
    )
    return insats


@transaction.atomic
def insats_verify(insats, user, now=None):
    """ "Stämmer fortfarande": a person confirms the insats is correct; the next review moves on."""
    insats.last_verified_at = now or timezone.now()
    insats.last_verified_by = user
    insats.unverified_since = None
    insats.review_due_on = insats.compute_review_due_on()
    insats.save(update_fields=["last_verified_at", "last_verified_by", "unverified_since", "review_due_on"])
    InsatsChange.objects.create(
        insats=insats, changed_by=user, field="verified", new_value=_("Still correct"), reason=""
    )
    return insats


def insats_count_view(insats):
    """Count one view of the detail page (an aggregate counter, nothing about who)."""
    Insats.objects.filter(pk=insats.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def search_record(query, result_count, today=None):
    """Count a search per week; remember the text of a search without result (never who searched)."""
    week = monday_of(today or timezone.localdate())
    zero = 1 if result_count == 0 else 0
    counter, created = SearchWeek.objects.get_or_create(week=week, defaults={"searches": 1, "zero_results": zero})
    if not created:
        SearchWeek.objects.filter(pk=counter.pk).update(
            searches=F("searches") + 1, zero_results=F("zero_results") + zero
        )
    if zero:
        text = " ".join(query.split()).lower()[:200]
        log, created = SearchLog.objects.get_or_create(query=text, week=week)
        if not created:
            SearchLog.objects.filter(pk=log.pk).update(count=F("count") + 1)


def top_zero_result_queries(since=None, limit=20):
    qs = SearchLog.objects.all()
    if since:
        qs = qs.filter(week__gte=monday_of(since))
    return list(qs.values("query").annotate(total=Sum("count")).order_by("-total", "query")[:limit])


# --- Review reminders --------------------------------------------------------------------------


def insats_admins(municipality_id):
    User = get_user_model()
    return User.objects.filter(
        is_active=True, roles__kind=Role.Kind.INSATS_ADMIN, roles__municipality_id=municipality_id
    ).distinct()


def strategists():
    User = get_user_model()
    return User.objects.filter(is_active=True, roles__kind=Role.Kind.STRATEGIST).distinct()


def _digest_body(municipality, insatser, intro):
    lines = [intro, ""]
    for insats in insatser:
        lines.append(
            _("- %(name)s (due %(due)s): %(url)s")
            % {"name": insats.name, "due": insats.review_due_on, "url": reverse("insatsbasen:detail", args=[insats.pk])}
        )
    lines += ["", _("Open each insats and press “Still correct”, or change what is wrong.")]
    return "\n".join(lines)


def review_reminders_send(today=None):
    """One digest per municipality of its insatser due for review; a reminder after 2 weeks; after
    4 weeks the insats is marked unverified and the strategist is told.

    Each insats remembers which notices were sent for its current review date, so an insats is in
    one digest and one reminder only; the keys name the municipality and exactly the insatser and
    review dates in the mail, so a job that runs twice (or twice at once) sends one e-mail.
    """
    today = today or timezone.localdate()
    sent = 0
    due = Insats.objects.due_for_review(today).select_related("owner_municipality").order_by("review_due_on", "name")
    by_municipality = {}
    for insats in due:
        by_municipality.setdefault(insats.owner_municipality, []).append(insats)
    newly_unverified = []
    for municipality, insatser in by_municipality.items():
        recipients = [user.email for user in insats_admins(municipality.pk)]
        digest = [i for i in insatser if i.notices_sent() < 1]
        # The reminder follows a digest that was sent in an earlier run, never in the same one.
        reminder = [i for i in insatser if i.notices_sent() == 1 and today - i.review_due_on >= FIRST_REMINDER_AFTER]
        stages = (
            (1, "digest", digest, _("These insatser of %(m)s are due for review:")),
            (
                2,
                "reminder",
                reminder,
                _("Reminder: these insatser of %(m)s are more than two weeks past their review:"),
            ),
        )
        for stage, name, group, intro in stages:
            if not group:
                continue
            key_items = ",".join(f"{i.pk}@{i.review_due_on:%Y%m%d}" for i in group)
            key = f"insatsbasen:review:{name}:{municipality.pk}:{_short_hash(key_items)}"
            subject = _("Insatsbasen: %(count)s insatser of %(m)s to review") % {"count": len(group), "m": municipality}
            body = _digest_body(municipality, group, intro % {"m": municipality})
            if send_reminder_once(key, f"insatsbasen.review.{name}", recipients, subject, body):
                sent += 1
            for insats in group:
                insats.review_notice_for, insats.review_notices = insats.review_due_on, stage
                Insats.objects.filter(pk=insats.pk).update(review_notice_for=insats.review_due_on, review_notices=stage)
        for insats in insatser:
            if today - insats.review_due_on >= UNVERIFIED_AFTER and insats.unverified_since is None:
                Insats.objects.filter(pk=insats.pk).update(unverified_since=today)
                newly_unverified.append(insats)
    for insats in newly_unverified:
        key = f"insatsbasen:review:unverified:{insats.pk}:{insats.review_due_on:%Y%m%d}"
        subject = _("Insatsbasen: “%(name)s” is marked unverified") % {"name": insats.name}
        body = _(
            "The insats “%(name)s” of %(m)s has not been verified for four weeks after its review date "
            "(%(due)s) and is now marked unverified in search results."
        ) % {"name": insats.name, "m": insats.owner_municipality, "due": insats.review_due_on}
        if send_reminder_once(key, "insatsbasen.review.unverified", [u.email for u in strategists()], subject, body):
            sent += 1
    return sent


def _short_hash(text):
    import hashlib

    return hashlib.sha1(text.encode()).hexdigest()[:16]


# --- Freshness scoreboard ---------------------------------------------------------------------


def _freshness_counts(today):
    """Per owning municipality: maintained insatser, how many are fresh (review date still ahead), how many are
    marked unverified, and the oldest review date. One grouped query, shared by the scoreboard and the snapshot."""
    return {
        row["owner_municipality"]: row
        for row in Insats.objects.active()
        .values("owner_municipality")
        .annotate(
            total=Count("pk"),
            fresh=Count("pk", filter=Q(review_due_on__gt=today)),
            unverified=Count("pk", filter=Q(unverified_since__isnull=False)),
            oldest=Min("review_due_on"),
        )
    }


def freshness_scoreboard(today=None):
    """Per current member municipality: maintained insatser, share verified within interval, oldest,
    and whether the municipality has an insats administrator on the intro and on the SFI side."""
    today = today or timezone.localdate()
    rows = []
    sides = {}
    for municipality_id, side in Role.objects.filter(kind=Role.Kind.INSATS_ADMIN).values_list(
        "municipality_id", "side"
    ):
        sides.setdefault(municipality_id, set()).add(side)
    counts = _freshness_counts(today)
    for municipality in Municipality.objects.members_on(today).order_by("name"):
        row = counts.get(municipality.pk, {"total": 0, "fresh": 0, "oldest": None})
        has = sides.get(municipality.pk, set())
        share = round(100 * row["fresh"] / row["total"]) if row["total"] else None
        oldest = list(
            Insats.objects.active()
            .filter(owner_municipality=municipality, review_due_on__lte=today)
            .order_by("review_due_on")[:3]
        )
        rows.append(
            {
                "municipality": municipality,
                "total": row["total"],
                "fresh": row["fresh"],
                "share": share,
                "oldest": oldest,
                "has_intro_admin": Role.Side.INTRO in has,
                "has_sfi_admin": Role.Side.SFI in has,
            }
        )
    return rows


def freshness_snapshot_take(today=None):
    """Store today's freshness per member municipality (one row each; a second run the same day updates it).

    "Fresh" is the scoreboard's rule: a maintained insats whose review date is still ahead.
    """
    today = today or timezone.localdate()
    counts = _freshness_counts(today)
    snapshots = []
    for municipality in Municipality.objects.members_on(today):
        row = counts.get(municipality.pk, {"total": 0, "fresh": 0, "unverified": 0})
        snapshots.append(
            FreshnessSnapshot(
                day=today,
                municipality=municipality,
                maintained=row["total"],
                fresh=row["fresh"],
                unverified=row["unverified"],
            )
        )
    # One statement; a second run the same day overwrites the day's rows (the unique constraint).
    FreshnessSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["day", "municipality"],
        update_fields=["maintained", "fresh", "unverified"],
    )
    return len(snapshots)


def review_job_run(today=None):
    """The nightly review job: reminders first (they may mark insatser unverified), then the day's snapshot."""
    today = today or timezone.localdate()
    sent = review_reminders_send(today)
    freshness_snapshot_take(today)
    return sent


def admin_gaps(rows):
    return [row for row in rows if not (row["has_intro_admin"] and row["has_sfi_admin"])]


def can_edit(user, insats):
    return Insats.objects.editable_by(user).filter(pk=insats.pk).exists()


def is_editor(user):
    return bool(
        access.is_system_admin(user) or access.is_strategist(user) or access.insats_admin_municipality_ids(user)
    )
