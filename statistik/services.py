"""Writes of the KIS statistics: reports, their workflow, the catalogue and the reminders."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn import access
from intro_sodertorn.reminders import send_reminder_once
from natverk.models import Municipality
from natverk.versioning import EditConflict

from .calc import cells_compute
from .models import CatalogueVersion, Indicator, IndicatorChange, IndicatorRule, Period, Report, ReportEvent, Value

REMIND_DAYS_BEFORE = 7


def report_get_or_create(municipality, period, user=None):
    """The municipality's report for the period, made under the catalogue version in force then."""
    report = Report.objects.filter(municipality=municipality, period=period).first()
    if report:
        return report
    version = CatalogueVersion.objects.for_period(period)
    if version is None:
        raise ValidationError(_("No catalogue version applies to this period."))
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            municipality=municipality, period=period, defaults={"version": version}
        )
        if created:
            ReportEvent.objects.create(report=report, user=user, action=ReportEvent.Action.CREATED)
    return report


def report_start(municipality, period, user):
    """A reporter starts the municipality's report of an open period (a POST: a GET never creates one)."""
    _require(municipality.pk in access.stat_reporter_municipality_ids(user) or access.is_system_admin(user))
    if not period.is_open:
        raise ValidationError(_("The period is closed. Ask the regional statistics administrator to open it."))
    return report_get_or_create(municipality, period, user)


def report_indicators(report):
    return list(report.version.indicators.select_related("form").order_by("form__order", "order", "code"))


def report_typed_values(report):
    """{(code, key): Decimal | None} of what the report holds."""
    return {
        (code, key): value
        for code, key, value in Value.objects.filter(report=report).values_list("indicator__code", "key", "value")
    }


def report_explanations(report):
    """{(code, key): text} of the reporter's explanations of large changes."""
    rows = Value.objects.filter(report=report).exclude(explanation="")
    return {(code, key): text for code, key, text in rows.values_list("indicator__code", "key", "explanation")}


def report_cells(report, indicators=None):
    """Every figure of a report, typed and derived: {(code, key): Decimal | None}."""
    indicators = report_indicators(report) if indicators is None else indicators
    return cells_compute(indicators, report_typed_values(report))


def report_previous(report):
    """Last year's approved report of the same municipality (the same half-year), or None."""
    return (
        Report.objects.reported()
        .filter(municipality_id=report.municipality_id, period__year=report.period.year - 1)
        .filter(period__half=report.period.half)
        .select_related("period", "version")
        .first()
    )


class ReportChangedError(Exception):
    """Someone saved the report after the form was drawn: nothing was written (the input is kept by the view)."""


def report_values_save(report, user, cleaned, action=ReportEvent.Action.SAVED, explanations=None, seen=None):
    """Store validated figures (all of them, or none); log what changed. Returns the number of changes.

    ``seen``: the report's ``updated_at`` (ISO text) when the form was drawn; when the report has changed since,
    ReportChangedError is raised and nothing is written, so a stale form never puts back the old figures.

    ``explanations``: {(code, key): text} for figures that differ a lot from last year; stored on the
    value, read by the approver and shown on the dashboards as a footnote.
    """
    if not report.accepts_changes:
        raise ValidationError(_("The report cannot be changed now."))
    indicators = {indicator.code: indicator for indicator in report_indicators(report)}
    # One line, at most 500 characters, no NUL (PostgreSQL's text refuses it).
    explanations = {
        cell: " ".join((text or "").replace("\x00", "").split())[:500] for cell, text in (explanations or {}).items()
    }
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if seen is not None and seen != report.updated_at.isoformat():
            raise ReportChangedError()
        existing = {(row.indicator.code, row.key): row for row in report.values.select_related("indicator")}
        changes = {}
        for (code, key), value in cleaned.items():
            row = existing.get((code, key))
            before = row.value if row else None
            if (code, key) in explanations and row is not None and row.explanation != explanations[(code, key)]:
                row.explanation = explanations[(code, key)]
                row.save(update_fields=["explanation"])
            if before == value and (row is not None or value is None):
                continue
            if row is None:
                Value.objects.create(
                    report=report,
                    indicator=indicators[code],
                    key=key,
                    value=value,
                    explanation=explanations.get((code, key), ""),
                )
            else:
                row.value = value
                row.save(update_fields=["value"])
            changes[f"{code}/{key}"] = [_plain(before), _plain(value)]
        if changes:
            ReportEvent.objects.create(report=report, user=user, action=action, changes=changes)
            report.save(update_fields=["updated_at"])
    return len(changes)


def _plain(value):
    return None if value is None else str(value)


def _require(condition):
    if not condition:
        raise PermissionDenied


# The workflow: (from, to) -> the event it records. Every door (portal, Excel, Django admin) changes a
# report's status through report_set_status, so each change has its event and tells the people concerned.
TRANSITIONS = {
    (Report.Status.DRAFT, Report.Status.SUBMITTED): ReportEvent.Action.SUBMITTED,
    (Report.Status.RETURNED, Report.Status.SUBMITTED): ReportEvent.Action.SUBMITTED,
    (Report.Status.SUBMITTED, Report.Status.APPROVED): ReportEvent.Action.APPROVED,
    (Report.Status.SUBMITTED, Report.Status.RETURNED): ReportEvent.Action.RETURNED,
    (Report.Status.APPROVED, Report.Status.RETURNED): ReportEvent.Action.REOPENED,
}


def report_transition_check(report, status, comment=""):
    """Raise ValidationError unless the report may go to ``status`` with this comment (no permission check)."""
    action = TRANSITIONS.get((report.status, status))
    if action is None:
        messages = {
            Report.Status.SUBMITTED: _("Only a draft or a returned report can be submitted."),
            Report.Status.APPROVED: _("Only a submitted report can be approved."),
            Report.Status.RETURNED: _("Only a submitted report can be returned."),
        }
        raise ValidationError(
            messages.get(status, _("A report cannot go back to draft: return it to the municipality instead."))
        )
    if action == ReportEvent.Action.SUBMITTED and not report.accepts_changes:
        raise ValidationError(_("The period is closed. Ask the regional statistics administrator to open it."))
    if action == ReportEvent.Action.RETURNED and not comment.strip():
        raise ValidationError(_("Write what the municipality needs to correct."))
    if action == ReportEvent.Action.REOPENED and not comment.strip():
        raise ValidationError(_("Write why the report is reopened."))
    return action


def report_set_status(report, user, status, comment=""):
    """Move a report along the workflow, record the event and tell the people concerned (on commit)."""
    from . import notifications, tasks

    if status == Report.Status.SUBMITTED:
        _require(Report.objects.editable_by(user).filter(pk=report.pk).exists())
    else:
        _require(access.is_stat_admin(user) or access.is_system_admin(user))
    comment = comment.replace("\x00", "").strip()  # posted text; PostgreSQL's text refuses NUL
    action = report_transition_check(report, status, comment)
    with transaction.atomic():
        fields = ["status", "updated_at"]
        report.status = status
        if action == ReportEvent.Action.SUBMITTED:
            report.submitted_at = timezone.now()
            fields.append("submitted_at")
        elif action == ReportEvent.Action.APPROVED:
            report.approved_at = timezone.now()
            fields.append("approved_at")
        else:
            report.comment = comment
            report.approved_at = None
            fields += ["comment", "approved_at"]
        report.save(update_fields=fields)
        event = ReportEvent.objects.create(report=report, user=user, action=action, comment=comment)
        notifications.queue_on_commit(tasks.notify_report_event, event.pk)
    return event


def report_submit(report, user):
    return report_set_status(report, user, Report.Status.SUBMITTED)


def report_approve(report, user):
    _require(access.is_stat_admin(user))
    return report_set_status(report, user, Report.Status.APPROVED)


def report_return(report, user, comment):
    _require(access.is_stat_admin(user))
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    return report_set_status(report, user, Report.Status.RETURNED, comment)


def report_reopen(report, user, reason):
    """A correction of an approved (locked) report: back to the municipality, with the reason logged."""
    _require(access.is_stat_admin(user))
    if report.status != Report.Status.APPROVED:
        raise ValidationError(_("Only an approved report can be reopened."))
    return report_set_status(report, user, Report.Status.RETURNED, reason)


# What the portal's definition form may change; Django admin may change the other fields too, through
# the same indicator_update, so every change of an indicator has its IndicatorChange row.
EDITABLE_FIELDS = ("name", "name_en", "definition", "source", "unit", "formula", "is_key")
INDICATOR_FIELDS = (
    "version",
    "form",
    "code",
    "name",
    "name_en",
    "definition",
    "source",
    "unit",
    "kind",
    "formula",
    "breakdown",
    "part_of",
    "is_key",
    "order",
)


def _require_catalogue_editor(user):
    _require(access.is_stat_admin(user) or access.is_system_admin(user))


def _jsonable(value):
    """A field's value as the history keeps it: text for objects and decimals, as is otherwise."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _subject(indicator):
    return f"{indicator.code} (v{indicator.version.number})"


def indicator_update(
    indicator,
    user,
    data,
    reason="",
    source=IndicatorChange.Source.PORTAL,
    fields=EDITABLE_FIELDS,
    expected_version=None,
):
    """Change an indicator, keeping the history of what was before. Returns the change, or None if nothing changed.

    The one write path of an indicator's fields: the portal's definition form (``EDITABLE_FIELDS``) and
    Django admin (``fields=INDICATOR_FIELDS``). ``expected_version``: the ``edit_version`` the form was opened
    at; when someone changed the indicator since, EditConflict is raised and nothing is written. The row is
    locked from the check to the write, so two saves of the same version cannot both pass.
    """
    _require_catalogue_editor(user)
    with transaction.atomic():
        stored = Indicator.objects.select_for_update(of=("self",)).select_related("version").get(pk=indicator.pk)
        if expected_version is not None and expected_version != stored.edit_version:
            raise EditConflict
        changes = {}
        for field in fields:
            if field in data and data[field] != getattr(stored, field):
                changes[field] = [_jsonable(getattr(stored, field)), _jsonable(data[field])]
                setattr(stored, field, data[field])
        if not changes:
            return None
        stored.edit_version += 1
        stored.full_clean(validate_unique=True, validate_constraints=True)
        stored.save()
        # The caller's instance shows what was saved.
        for field in [*changes, "edit_version"]:
            setattr(indicator, field, getattr(stored, field))
        return IndicatorChange.objects.create(
            indicator=stored, subject=_subject(stored), user=user, changes=changes, reason=reason, source=source
        )


def indicator_create(user, indicator, reason="", source=IndicatorChange.Source.PORTAL):
    """Add an indicator (an unsaved instance) to a catalogue version, with a history row of what it was made as."""
    _require_catalogue_editor(user)
    with transaction.atomic():
        indicator.save()
        changes = {field: [None, _jsonable(getattr(indicator, field))] for field in INDICATOR_FIELDS}
        return IndicatorChange.objects.create(
            indicator=indicator,
            subject=_subject(indicator),
            action=IndicatorChange.Action.CREATED,
            user=user,
            changes=changes,
            reason=reason,
            source=source,
        )


def indicator_delete(indicator, user, reason="", source=IndicatorChange.Source.PORTAL):
    """Delete an indicator no report holds a figure of; its history stays, naming it."""
    _require_catalogue_editor(user)
    if Value.objects.filter(indicator=indicator).exists():
        raise ValidationError(_("Reports hold figures of this indicator: make a new catalogue version instead."))
    with transaction.atomic():
        change = IndicatorChange.objects.create(
            indicator=indicator,
            subject=_subject(indicator),
            action=IndicatorChange.Action.DELETED,
            user=user,
            changes={field: [_jsonable(getattr(indicator, field)), None] for field in INDICATOR_FIELDS},
            reason=reason,
            source=source,
        )
        indicator.delete()
    return change


def indicator_rule_save(rule, user, source=IndicatorChange.Source.PORTAL):
    """Add or change a rule across indicators; recorded in the history of the indicator it belongs to."""
    _require_catalogue_editor(user)
    before = IndicatorRule.objects.select_related("other").filter(pk=rule.pk).first() if rule.pk else None
    with transaction.atomic():
        rule.full_clean()
        rule.save()
        changes = {"rule": [_rule_text(before) if before else None, _rule_text(rule)]}
        if changes["rule"][0] == changes["rule"][1]:
            return None
        return IndicatorChange.objects.create(
            indicator=rule.indicator, subject=_subject(rule.indicator), user=user, changes=changes, source=source
        )


def indicator_rule_delete(rule, user, source=IndicatorChange.Source.PORTAL):
    _require_catalogue_editor(user)
    with transaction.atomic():
        IndicatorChange.objects.create(
            indicator=rule.indicator,
            subject=_subject(rule.indicator),
            user=user,
            changes={"rule": [_rule_text(rule), None]},
            source=source,
        )
        rule.delete()


def _rule_text(rule):
    return f"{rule.get_kind_display()} {rule.other.code}: {rule.description}"


def catalogue_version_create(user, name, valid_from_year, valid_from_half=0, notes=""):
    """A new catalogue version from a period on, copied from the latest (rules too); older reports keep theirs."""
    _require_catalogue_editor(user)
    latest = CatalogueVersion.objects.order_by("-number").first()
    with transaction.atomic():
        version = CatalogueVersion.objects.create(
            number=(latest.number + 1) if latest else 1,
            name=name,
            valid_from_year=valid_from_year,
            valid_from_half=valid_from_half,
            notes=notes,
        )
        if latest:
            copies = {}
            old = list(latest.indicators.order_by("order"))
            rules = list(IndicatorRule.objects.filter(indicator__version=latest).select_related("indicator", "other"))
            code_of = {indicator.pk: indicator.code for indicator in old}
            for indicator in old:
                parent_code = code_of.get(indicator.part_of_id)
                indicator.pk = None
                indicator.version = version
                indicator.part_of = copies.get(parent_code)
                indicator.save()
                copies[indicator.code] = indicator
            IndicatorRule.objects.bulk_create(
                IndicatorRule(
                    indicator=copies[rule.indicator.code],
                    other=copies[rule.other.code],
                    kind=rule.kind,
                    description=rule.description,
                )
                for rule in rules
            )
    return version


def period_create(user, period):
    """Add a period (an unsaved instance); an open one is announced to the reporters."""
    _require(access.is_stat_admin(user) or access.is_system_admin(user))
    status, period.status = period.status, Period.Status.CLOSED
    with transaction.atomic():
        period.save()
        if status == Period.Status.OPEN:
            period_set_status(period, user, status)
    return period


def period_set_status(period, user, status):
    """Open or close a period; opening it tells the reporters of every member municipality (once per opening)."""
    from . import notifications, tasks

    _require(access.is_stat_admin(user) or access.is_system_admin(user))
    if period.pk and Period.objects.filter(pk=period.pk, status=status).exists():
        return
    with transaction.atomic():
        period.status = status
        fields = ["status"]
        if status == Period.Status.OPEN:
            period.opened_at = timezone.now()
            fields.append("opened_at")
        period.save(update_fields=fields)
        if status == Period.Status.OPEN:
            notifications.queue_on_commit(tasks.notify_period_opened, period.pk)


def period_set_deadline(period, user, deadline, expected_version=None):
    """Move a deadline; reminders are keyed by deadline, so the new one gets its own reminders.

    ``expected_version``: the period's version the form was opened at; when it was changed since (a deadline
    moved, the period opened or closed), EditConflict is raised under the row lock and nothing is written.
    """
    _require(access.is_stat_admin(user) or access.is_system_admin(user))
    with transaction.atomic():
        current = Period.objects.select_for_update().filter(pk=period.pk).values_list("version", flat=True).first()
        if expected_version is not None and expected_version != current:
            raise EditConflict
        period.deadline = deadline
        period.save(update_fields=["deadline"])


def late_municipalities(period):
    """Members during the period without a submitted or approved report."""
    done = Report.objects.filter(
        period=period, status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED]
    ).values_list("municipality_id", flat=True)
    return Municipality.objects.members_during(period.start, period.end).exclude(pk__in=done)


def report_reminders_send(today=None):
    """Remind reporters of open periods: once in the week before the deadline, once when overdue."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    sent = 0
    User = get_user_model()
    for period in Period.objects.filter(status=Period.Status.OPEN):
        if today > period.deadline:
            stage = "overdue"
        elif today >= period.deadline - datetime.timedelta(days=REMIND_DAYS_BEFORE):
            stage = "before"
        else:
            continue
        for municipality in late_municipalities(period):
            users = User.objects.filter(
                is_active=True, roles__kind="stat_reporter", roles__municipality=municipality
            ).distinct()
            link = settings.SITE_URL + reverse("statistik:report_start", args=[municipality.pk, period.pk])
            params = {"period": period, "municipality": municipality, "deadline": period.deadline, "link": link}
            if stage == "before":
                subject = _("KIS: report %(period)s for %(municipality)s is due %(deadline)s") % params
                body = _("The KIS report for %(period)s is due %(deadline)s. Fill it in and submit it here:\n%(link)s")
            else:
                subject = _("KIS: report %(period)s for %(municipality)s is overdue") % params
                body = _(
                    "The KIS report for %(period)s was due %(deadline)s and has not been submitted. "
                    "Please submit it as soon as you can:\n%(link)s"
                )
            key = f"statistik:{stage}:{period.pk}:{municipality.pk}:{period.deadline.isoformat()}"
            if send_reminder_once(key, f"statistik.{stage}", [u.email for u in users], subject, body % params):
                sent += 1
    return sent


def key_indicator_codes():
    version = CatalogueVersion.objects.order_by("-number").first()
    if version is None:
        return []
    return list(version.indicators.filter(is_key=True).values_list("code", flat=True))
