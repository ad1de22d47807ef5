"""Writes with side effects: saving with history and locking, verifying, search counting, review reminders."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from intro_sodertorn import access
from intro_sodertorn.models import Role
from intro_sodertorn.reminders import send_reminder_once
from natverk.models import Municipality

from . import counts as catalogue_counts
from . import search
from .models import (
    UNVERIFIED_AFTER,
    FreshnessSnapshot,
    Insats,
    InsatsChange,
    InsatsText,
    ReferralCount,
    SearchLog,
    SearchWeek,
    monday_of,
    publish_gaps,
)

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
    "is_remote",
    "internal_notes",
    "status",
    "review_interval_months",
]
# Fields recorded in the change history: the editable ones, and the places (edited with the
# form, recorded as one readable list).
TRACKED_FIELDS = [*EDITABLE_FIELDS, "places"]

# Review notices: a digest when the review is due, a reminder two weeks after the owner was told, and two weeks
# after the reminder the insats is escalated to the strategist (UNVERIFIED_AFTER, in models, marks it unverified).
FIRST_REMINDER_AFTER = datetime.timedelta(weeks=2)
ESCALATE_AFTER = datetime.timedelta(weeks=2)
DIGEST, REMINDER, ESCALATED = 1, 2, 3


class ConflictError(Exception):
    """Someone else saved the insats after the form was opened."""


class NotPublishable(Exception):
    """The insats is to be published but lacks what a newcomer needs (``gaps``: ``publish_gaps``'s list)."""

    def __init__(self, gaps):
        super().__init__(", ".join(str(message) for _key, _field, message in gaps))
        self.gaps = gaps


def gate_message(gaps):
    """The gate's refusal in one sentence, naming every missing part."""
    return _("It cannot be published yet. Missing: %(missing)s. Add it, or save the insats as a draft.") % {
        "missing": "; ".join(str(message) for _key, _field, message in gaps)
    }


def place_count(places, insats):
    """How many places the insats will have once the places formset (validated) is saved."""
    if places is None:
        return insats.places.count() if insats.pk else 0
    return sum(1 for form in places.forms if getattr(form, "cleaned_data", None) and not form.cleaned_data["DELETE"])


def insats_check_publishable(insats, places=None):
    """The publishing gate before any write: raise NotPublishable when a published insats lacks what it needs."""
    if insats.status != Insats.Status.PUBLISHED:
        return
    gaps = publish_gaps(insats, place_count(places, insats))
    if gaps:
        raise NotPublishable(gaps)


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


def _swedish(text):
    with override("sv"):
        return str(text())


def place_label(place):
    """A place in one line with everything that can change, so the history shows any edit."""
    town = " ".join(part for part in [place.postal_code, place.city] if part)
    text = ", ".join(part for part in [place.name, place.street_address, town] if part)
    return f"{text} ({place.municipality})" if place.municipality_id else text


def snapshot(insats):
    """The tracked fields as the history stores them: in Swedish, the data's language, whoever edits (an English page
    must not write English into the history); ``InsatsChange.shown_old``/``shown_new`` translate for the reader."""
    with override("sv"):
        return {name: display_value(insats, name) for name in TRACKED_FIELDS}


def insats_refresh_derived(insats, groups=None, places=None):
    """Recompute the stored search text and review date (after every save; ``groups``, ``places``: see
    search.build_document)."""
    insats.search_document = search.build_document(insats, groups, places)
    insats.review_due_on = insats.compute_review_due_on()
    Insats.objects.filter(pk=insats.pk).update(
        search_document=insats.search_document, review_due_on=insats.review_due_on
    )


def _save_places(places, insats):
    """Save the places formset (validated by the caller) for the saved insats."""
    if places is not None:
        places.instance = insats
        places.save()


def _add_relations(form, insats):
    """``form.save_m2m()`` for an insats just created: it has no relations yet, so each is added without first asking
    which it has (``set()`` asks): one query a many-to-many field fewer, none for an empty one (bench/import_rate.py).
    """
    for field in Insats._meta.many_to_many:
        values = form.cleaned_data.get(field.name)
        if values:
            getattr(insats, field.name).add(*values)


def _saved_groups(form):
    """The target groups the form has just saved, or None when the form has no such field."""
    return form.cleaned_data.get("target_groups")


def insats_create(form, user, reason="", places=None):
    """Create the insats of a validated form (and its places formset), with its first history row.

    Raises NotPublishable, before anything is written, when it is to be published but fails the gate.
    """
    insats_check_publishable(form.instance, places)
    return _insats_insert(form, user, reason, places)


# One transaction, but no savepoint inside a caller's: the gate, the one refusal a caller handles and goes on, is
# passed before it, and any error inside is one the caller's transaction must not outlive either. An import of
# 5,000 rows saves two statements a row (bench/import_rate.py).
@transaction.atomic(savepoint=False)
def _insats_insert(form, user, reason, places):
    insats = form.save(commit=False)
    insats.updated_by = user
    insats.save()
    _add_relations(form, insats)
    _save_places(places, insats)
    # The target groups just saved, and no places without a formset: the search text needs no query to read them
    # back (a 5,000-row import, bench/import_rate.py).
    insats_refresh_derived(insats, _saved_groups(form), [] if places is None else None)
    InsatsChange.objects.create(insats=insats, changed_by=user, field="created", new_value=insats.name, reason=reason)
    return insats


@transaction.atomic
def insats_update(form, user, expected_version, reason="", places=None):
    """Save the form (and its places formset) if nobody saved since ``expected_version``; record each
    changed field, the places as one.

    The version is bumped with a conditional UPDATE, so two simultaneous saves cannot both win. Raises
    NotPublishable, before anything is written, when the insats is (or stays) published but fails the gate.
    """
    insats = form.instance
    insats_check_publishable(insats, places)
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
    insats_refresh_derived(insats, _saved_groups(form))
    after = snapshot(insats)
    InsatsChange.objects.bulk_create(
        InsatsChange(
            insats=insats, changed_by=user, field=name, old_value=before[name], new_value=after[name], reason=reason
        )
        for name in TRACKED_FIELDS
        if before[name] != after[name]
    )
    return insats


def insats_save(form, user, expected_version=None, reason="", places=None):
    """Create or update from a validated form: the one door for a form-shaped write (portal, import, admin)."""
    if form.instance.pk is None or form.instance._state.adding:
        return insats_create(form, user, reason=reason, places=places)
    version = form.instance.version if expected_version is None else expected_version
    return insats_update(form, user, expected_version=version, reason=reason, places=places)


@transaction.atomic
def category_save(category, user):
    """Save a category and refresh what its insatser derive from it: the review date (its interval) and the
    search text (its name)."""
    category.save()
    for insats in (
        Insats.objects.filter(category=category).select_related("category", "provider", "owner_municipality")
    ).prefetch_related("target_groups"):
        insats_refresh_derived(insats)
    return category


@transaction.atomic
def target_group_save(group, user):
    """Save a target group and refresh the search text of its insatser (it holds the group's name)."""
    group.save()
    for insats in (
        Insats.objects.filter(target_groups=group).select_related("category", "provider", "owner_municipality")
    ).prefetch_related("target_groups"):
        insats_refresh_derived(insats)
    return group


@transaction.atomic
def insats_set_status(insats, status, user, reason=""):
    """Pause, publish, end or archive (never delete) an insats, with history. Publishing passes the gate."""
    if status == Insats.Status.PUBLISHED:
        gaps = publish_gaps(insats)
        if gaps:
            raise NotPublishable(gaps)
    with override("sv"):
        old = str(insats.get_status_display())
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
        new_value=_swedish(insats.get_status_display),
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
        insats=insats, changed_by=user, field="verified", new_value=_swedish(lambda: _("Still correct")), reason=""
    )
    return insats


TEXT_FIELDS = ("summary", "for_whom", "how_to_apply")


@transaction.atomic
def insats_text_save(insats, language, values, user, expected_version):
    """Save an insats's texts in one public language, with a history row per changed text (field
    ``text:<language>:<name>``) and the same lost-update check as the insats itself: ``expected_version`` is the
    version the form was opened at (0: there was none). Raises ConflictError, writing nothing, when someone saved in
    between. Emptying every text removes the translation (the public pages fall back on Swedish)."""
    text = InsatsText.objects.select_for_update().filter(insats=insats, language=language).first()
    current_version = text.version if text else 0
    if current_version != expected_version:
        raise ConflictError()
    before = {name: getattr(text, name) if text else "" for name in TEXT_FIELDS}
    after = {name: (values.get(name) or "").strip() for name in TEXT_FIELDS}
    if before == after:
        return text
    for name in TEXT_FIELDS:
        if before[name] != after[name]:
            InsatsChange.objects.create(
                insats=insats,
                changed_by=user,
                field=f"text:{language}:{name}",
                old_value=before[name],
                new_value=after[name],
            )
    if not any(after.values()):
        if text:
            text.delete()
        return None
    if text is None:
        text = InsatsText(insats=insats, language=language, version=0)
    for name, value in after.items():
        setattr(text, name, value)
    text.version += 1
    text.save()
    return text


@transaction.atomic
def referral_count(insatser, language_code, today=None):
    """Count one referral sheet per insats on it, per public language and week (no personal data)."""
    week = monday_of(today or timezone.localdate())
    for insats in insatser:
        counter, _created = ReferralCount.objects.get_or_create(insats=insats, language=language_code, week=week)
        ReferralCount.objects.filter(pk=counter.pk).update(count=F("count") + 1)


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


def review_addresses(municipality_ids):
    """``{municipality id: {side: {e-mail, ...}}}`` of the active insats administrators."""
    result = {}
    rows = Role.objects.filter(
        kind=Role.Kind.INSATS_ADMIN, municipality_id__in=municipality_ids, user__is_active=True
    ).values_list("municipality_id", "side", "user__email")
    for municipality_id, side, email in rows:
        result.setdefault(municipality_id, {}).setdefault(side, set()).add(email)
    return result


def review_recipients(addresses_by_side, side):
    """Who is told about an insats of ``side``: that side's administrators where the municipality has any (roles
    split SFI/intro), else every administrator of the municipality. The same rule as ``answered_by``."""
    addresses = addresses_by_side.get(side) or set().union(*addresses_by_side.values())
    return sorted(address for address in addresses if address)


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def _insats_lines(insatser, today):
    return [
        _("- %(name)s (review due %(due)s, %(days)s days ago): %(url)s")
        % {
            "name": insats.name,
            "due": insats.review_due_on,
            "days": (today - insats.review_due_on).days,
            "url": _link(reverse("insatsbasen:detail", args=[insats.pk])),
        }
        for insats in insatser
    ]


def _owner_body(municipality, by_stage, today):
    lines = []
    if by_stage.get(DIGEST):
        lines += [_("These insatser of %(m)s are due for review:") % {"m": municipality}, ""]
        lines += [*_insats_lines(by_stage[DIGEST], today), ""]
    if by_stage.get(REMINDER):
        lines += [
            _("Reminder: you were told two weeks ago that these insatser of %(m)s are due for review:")
            % {"m": municipality},
            "",
        ]
        lines += [*_insats_lines(by_stage[REMINDER], today), ""]
    lines.append(_("Open each insats and press “Still correct”, or change what is wrong."))
    lines.append(_("Your whole list: %(url)s") % {"url": _link(reverse("insatsbasen:index") + "?review=due")})
    return "\n".join(lines)


def _mark_notified(insatser, stage, today):
    Insats.objects.filter(pk__in=[insats.pk for insats in insatser]).update(
        review_notice_for=F("review_due_on"), review_notices=stage, review_notified_on=today
    )


def _items_key(insatser):
    return _short_hash(",".join(f"{insats.pk}@{insats.review_due_on:%Y%m%d}" for insats in insatser))


def review_next_stage(insats, has_recipients, today):
    """The notice an insats due for review gets today, or None.

    A digest first; a reminder two weeks after the owner was told (not two weeks after the due date: a digest sent
    late is not followed by a reminder the next day); escalation to the strategist two weeks after the reminder, or
    at once when nobody in the owner municipality can be told.
    """
    stage = insats.notices_sent()
    if stage >= ESCALATED:
        return None
    if not has_recipients:
        return ESCALATED
    # Notices sent before review_notified_on existed were sent on the due date.
    told_on = insats.review_notified_on or insats.review_due_on
    if stage == 0:
        return DIGEST
    if stage == DIGEST and today - told_on >= FIRST_REMINDER_AFTER:
        return REMINDER
    if stage == REMINDER and today - told_on >= ESCALATE_AFTER:
        return ESCALATED
    return None


def review_reminders_send(today=None):
    """Tell the owners about insatser due for review, then send the strategist ONE escalation digest.

    Owners: the administrators of the owner municipality on the side of the insats's category (where roles are
    split), one e-mail per municipality and recipients with a section per stage (digest, reminder). The strategist: the
    insatser whose owners were told twice without a reaction, and those of municipalities that have nobody to tell.
    Each insats remembers the stage it reached for its review date, and every e-mail goes through the reminder log
    under a key naming exactly its insatser, so running twice (or twice at once) sends nothing new. After
    UNVERIFIED_AFTER past the review date the insats is marked unverified.
    """
    today = today or timezone.localdate()
    sent = 0
    due = list(
        Insats.objects.due_for_review(today)
        .select_related("owner_municipality", "category")
        .order_by("owner_municipality__name", "review_due_on", "name")
    )
    addresses = review_addresses({insats.owner_municipality_id for insats in due})
    owner_groups, escalated, unadministered = {}, [], {}
    for insats in due:
        recipients = review_recipients(addresses.get(insats.owner_municipality_id, {}), insats.admin_side)
        stage = review_next_stage(insats, bool(recipients), today)
        if stage == ESCALATED and not recipients:
            unadministered.setdefault(insats.owner_municipality, []).append(insats)
        elif stage == ESCALATED:
            escalated.append(insats)
        elif stage:
            group = owner_groups.setdefault((insats.owner_municipality, tuple(recipients)), {})
            group.setdefault(stage, []).append(insats)
    for (municipality, recipients), by_stage in owner_groups.items():
        # One e-mail per municipality and recipients, whatever stages its insatser reached: an administrator who
        # answers for both sides (or whose insatser fell due on different days) gets one mail with a section per
        # stage, never two mails with the same subject on one morning.
        insatser = [insats for stage in (DIGEST, REMINDER) for insats in by_stage.get(stage, [])]
        subject = _("Insatsbasen: %(count)s insatser of %(m)s to review") % {"count": len(insatser), "m": municipality}
        stages = "+".join(name for stage, name in ((DIGEST, "digest"), (REMINDER, "reminder")) if stage in by_stage)
        items = _short_hash(
            ",".join(f"{i.pk}@{i.review_due_on:%Y%m%d}:{stage}" for stage in sorted(by_stage) for i in by_stage[stage])
        )
        key = f"insatsbasen:review:{stages}:{municipality.pk}:{_short_hash(','.join(recipients))}:{items}"
        with transaction.atomic():
            if send_reminder_once(
                key, f"insatsbasen.review.{stages}", recipients, subject, _owner_body(municipality, by_stage, today)
            ):
                sent += 1
            for stage, stage_insatser in by_stage.items():
                _mark_notified(stage_insatser, stage, today)
    if escalated or unadministered:
        sent += _escalation_digest_send(escalated, unadministered, today)
    late = [i for i in due if today - i.review_due_on >= UNVERIFIED_AFTER and i.unverified_since is None]
    Insats.objects.filter(pk__in=[insats.pk for insats in late]).update(unverified_since=today)
    return sent


def _escalation_digest_send(escalated, unadministered, today):
    """One e-mail to the strategists with every insats escalated in this run; marked only once it is sent (with no
    strategist to tell, the next run tries again)."""
    lines = []
    if escalated:
        lines += [_("The owners were told twice and have not confirmed these insatser:"), ""]
        by_municipality = {}
        for insats in escalated:
            by_municipality.setdefault(insats.owner_municipality, []).append(insats)
        for municipality, insatser in by_municipality.items():
            lines += [f"{municipality} ({len(insatser)}):", *_insats_lines(insatser, today), ""]
    if unadministered:
        lines += [_("Municipalities without insats administrators: nobody there could be told."), ""]
        for municipality, insatser in unadministered.items():
            lines += [f"{municipality} ({len(insatser)}):", *_insats_lines(insatser, today), ""]
    lines.append(_("The freshness scoreboard: %(url)s") % {"url": _link(reverse("insatsbasen:scoreboard"))})
    everything = escalated + [insats for insatser in unadministered.values() for insats in insatser]
    count = len(everything)
    subject = _("Insatsbasen: %(count)s overdue reviews in %(n)s municipalities") % {
        "count": count,
        "n": len({insats.owner_municipality_id for insats in everything}),
    }
    key = f"insatsbasen:review:escalation:{_items_key(sorted(everything, key=lambda insats: insats.pk))}"
    with transaction.atomic():
        sent = send_reminder_once(
            key, "insatsbasen.review.escalation", [u.email for u in strategists()], subject, "\n".join(lines)
        )
        if sent:
            _mark_notified(everything, ESCALATED, today)
    return 1 if sent else 0


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

    def count():
        incomplete = (
            Insats.objects.failing_publish_gate()
            .values("owner_municipality")
            .annotate(n=Count("pk"))
            .values_list("owner_municipality", "n")
        )
        return _freshness_counts(today), dict(incomplete)

    # Both read every insats (and the gate the register's contacts): once per state of the catalogue (counts.py).
    state = catalogue_counts.catalogue_state(today, register=True)
    counts, incomplete = catalogue_counts.counted("scoreboard", count, state=state)
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
                "incomplete": incomplete.get(municipality.pk, 0),
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
