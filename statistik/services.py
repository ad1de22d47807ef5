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

from .calc import cells_compute
from .models import CatalogueVersion, IndicatorChange, Period, Report, ReportEvent, Value

REMIND_DAYS_BEFORE = 7


def report_get_or_create(municipality, period):
    """The municipality's report for the period, made under the catalogue version in force then."""
    report = Report.objects.filter(municipality=municipality, period=period).first()
    if report:
        return report
    version = CatalogueVersion.objects.for_period(period)
    if version is None:
        raise ValidationError(_("No catalogue version applies to this period."))
    report, _created = Report.objects.get_or_create(
        municipality=municipality, period=period, defaults={"version": version}
    )
    return report


def report_indicators(report):
    return list(report.version.indicators.select_related("form").order_by("form__order", "order", "code"))


def report_typed_values(report):
    """{(code, key): Decimal | None} of what the report holds."""
    return {
        (code, key): value
        for code, key, value in Value.objects.filter(report=report).values_list("indicator__code", "key", "value")
    }


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


def report_values_save(report, user, cleaned, action=ReportEvent.Action.SAVED):
    """Store validated figures (all of them, or none); log what changed. Returns the number of changes."""
    if not report.accepts_changes:
        raise ValidationError(_("The report cannot be changed now."))
    indicators = {indicator.code: indicator for indicator in report_indicators(report)}
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        existing = {(row.indicator.code, row.key): row for row in report.values.select_related("indicator")}
        changes = {}
        for (code, key), value in cleaned.items():
            row = existing.get((code, key))
            before = row.value if row else None
            if before == value and (row is not None or value is None):
                continue
            if row is None:
                Value.objects.create(report=report, indicator=indicators[code], key=key, value=value)
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


def report_submit(report, user):
    _require(Report.objects.editable_by(user).filter(pk=report.pk).exists())
    if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise ValidationError(_("Only a draft or a returned report can be submitted."))
    if not report.accepts_changes:
        raise ValidationError(_("The period is closed. Ask the regional statistics administrator to open it."))
    with transaction.atomic():
        report.status = Report.Status.SUBMITTED
        report.submitted_at = timezone.now()
        report.save(update_fields=["status", "submitted_at", "updated_at"])
        ReportEvent.objects.create(report=report, user=user, action=ReportEvent.Action.SUBMITTED)


def report_approve(report, user):
    _require(access.is_stat_admin(user))
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be approved."))
    with transaction.atomic():
        report.status = Report.Status.APPROVED
        report.approved_at = timezone.now()
        report.save(update_fields=["status", "approved_at", "updated_at"])
        ReportEvent.objects.create(report=report, user=user, action=ReportEvent.Action.APPROVED)


def report_return(report, user, comment):
    _require(access.is_stat_admin(user))
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    if not comment.strip():
        raise ValidationError(_("Write what the municipality needs to correct."))
    with transaction.atomic():
        report.status = Report.Status.RETURNED
        report.comment = comment.strip()
        report.save(update_fields=["status", "comment", "updated_at"])
        ReportEvent.objects.create(report=report, user=user, action=ReportEvent.Action.RETURNED, comment=comment)


def report_reopen(report, user, reason):
    """A correction of an approved (locked) report: back to the municipality, with the reason logged."""
    _require(access.is_stat_admin(user))
    if report.status != Report.Status.APPROVED:
        raise ValidationError(_("Only an approved report can be reopened."))
    if not reason.strip():
        raise ValidationError(_("Write why the report is reopened."))
    with transaction.atomic():
        report.status = Report.Status.RETURNED
        report.comment = reason.strip()
        report.approved_at = None
        report.save(update_fields=["status", "comment", "approved_at", "updated_at"])
        ReportEvent.objects.create(report=report, user=user, action=ReportEvent.Action.REOPENED, comment=reason)


EDITABLE_FIELDS = ("name", "name_en", "definition", "source", "unit", "formula", "is_key")


def indicator_update(indicator, user, data, reason=""):
    """Change an indicator's definition, keeping the history of what was before."""
    _require(access.is_stat_admin(user))
    changes = {}
    for field in EDITABLE_FIELDS:
        if field in data and data[field] != getattr(indicator, field):
            changes[field] = [getattr(indicator, field), data[field]]
            setattr(indicator, field, data[field])
    if not changes:
        return None
    with transaction.atomic():
        indicator.save()
        return IndicatorChange.objects.create(indicator=indicator, user=user, changes=changes, reason=reason)


def catalogue_version_create(user, name, valid_from_year, valid_from_half=0):
    """A new catalogue version from a period on, copied from the latest; older reports keep theirs."""
    _require(access.is_stat_admin(user))
    latest = CatalogueVersion.objects.order_by("-number").first()
    with transaction.atomic():
        version = CatalogueVersion.objects.create(
            number=(latest.number + 1) if latest else 1,
            name=name,
            valid_from_year=valid_from_year,
            valid_from_half=valid_from_half,
        )
        if latest:
            copies = {}
            old = list(latest.indicators.order_by("order"))
            code_of = {indicator.pk: indicator.code for indicator in old}
            for indicator in old:
                parent_code = code_of.get(indicator.part_of_id)
                indicator.pk = None
                indicator.version = version
                indicator.part_of = copies.get(parent_code)
                indicator.save()
                copies[indicator.code] = indicator
    return version


def period_set_status(period, user, status):
    _require(access.is_stat_admin(user))
    period.status = status
    period.save(update_fields=["status"])


def period_set_deadline(period, user, deadline):
    """Move a deadline; reminders are keyed by deadline, so the new one gets its own reminders."""
    _require(access.is_stat_admin(user))
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
