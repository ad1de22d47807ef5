"""E-mail about KIS reports: a period opens, a report is submitted, returned, reopened or approved.

Every message goes through the reminder log (``intro_sodertorn.reminders.send_reminder_once``)
under a key naming exactly what it is about (``statistik:event:<event id>``,
``statistik:opened:<period>:<municipality>:<opened at>``), so a job that runs twice, or the
sweep after the immediate send, never sends it twice. The services queue the immediate send
when their transaction commits; the sweep (``notifications_sweep``, in the beat schedule) sends
what a queue that was down missed. Links use ``settings.SITE_URL``, the portal's real address.
"""

import datetime
import functools
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intro_sodertorn.reminders import send_reminder_once
from natverk.models import Municipality

from .models import Period, Report, ReportEvent

logger = logging.getLogger(__name__)

# Events that tell someone something; "saved", "uploaded" and "started" tell no one.
NOTIFIED_ACTIONS = (
    ReportEvent.Action.SUBMITTED,
    ReportEvent.Action.RETURNED,
    ReportEvent.Action.REOPENED,
    ReportEvent.Action.APPROVED,
)
# The sweep looks this far back: older events and openings were either sent or are stale news.
SWEEP_DAYS = 7


def _link(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def _addresses(**role_filter):
    User = get_user_model()
    users = User.objects.filter(is_active=True, **{f"roles__{k}": v for k, v in role_filter.items()}).distinct()
    return [user.email for user in users if user.email]


def reporter_addresses(municipality):
    return _addresses(kind="stat_reporter", municipality=municipality)


def stat_admin_addresses():
    return _addresses(kind="stat_admin")


def event_message(event):
    """(recipients, subject, body) of a report event, or None when it tells no one."""
    report = event.report
    params = {
        "municipality": report.municipality,
        "period": report.period,
        "link": _link("statistik:report", report.pk),
        "comment": event.comment or report.comment,
        "deadline": report.period.deadline,
    }
    if event.action == ReportEvent.Action.SUBMITTED:
        subject = _("KIS: %(municipality)s has submitted its report for %(period)s") % params
        body = _(
            "%(municipality)s has submitted its KIS report for %(period)s. Review it and approve it or return it "
            "with a comment:\n%(link)s"
        )
        return stat_admin_addresses(), subject, body % params
    if event.action in (ReportEvent.Action.RETURNED, ReportEvent.Action.REOPENED):
        subject = _("KIS: the report for %(period)s is returned to %(municipality)s") % params
        body = _(
            "The region has returned the KIS report of %(municipality)s for %(period)s for correction.\n\n"
            "The region's comment:\n%(comment)s\n\nCorrect the report and submit it again:\n%(link)s"
        )
        return reporter_addresses(report.municipality), subject, body % params
    if event.action == ReportEvent.Action.APPROVED:
        subject = _("KIS: the report for %(period)s of %(municipality)s is approved") % params
        body = _(
            "The region has approved the KIS report of %(municipality)s for %(period)s. Its figures now count "
            "in the dashboards.\n%(link)s"
        )
        return reporter_addresses(report.municipality), subject, body % params
    return None


def event_notify(event_id):
    """Send the e-mail of one report event, once. Returns True if it was sent now."""
    event = ReportEvent.objects.select_related("report__municipality", "report__period").filter(pk=event_id).first()
    if event is None or event.action not in NOTIFIED_ACTIONS:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        message = event_message(event)
        if message is None:
            return False
        recipients, subject, body = message
        return send_reminder_once(f"statistik:event:{event.pk}", f"statistik.{event.action}", recipients, subject, body)


def period_opened_notify(period_id):
    """Tell the reporters of every member municipality that a period is open. Returns e-mails sent."""
    period = Period.objects.filter(pk=period_id, status=Period.Status.OPEN).first()
    if period is None or period.opened_at is None:
        return 0
    sent = 0
    without_reporter = []
    with translation.override(settings.LANGUAGE_CODE):
        for municipality in Municipality.objects.members_during(period.start, period.end):
            addresses = reporter_addresses(municipality)
            if not addresses:
                without_reporter.append(municipality)
                continue
            params = {
                "period": period,
                "municipality": municipality,
                "deadline": period.deadline,
                "link": _link("statistik:report_start", municipality.pk, period.pk),
            }
            subject = _("KIS: the period %(period)s is open for reporting, due %(deadline)s") % params
            body = _(
                "The KIS period %(period)s is open. Fill in and submit the report of %(municipality)s by "
                "%(deadline)s:\n%(link)s"
            )
            key = f"statistik:opened:{period.pk}:{municipality.pk}:{period.opened_at:%Y%m%d%H%M%S}"
            if send_reminder_once(key, "statistik.opened", addresses, subject, body % params):
                sent += 1
        if without_reporter:
            # Nobody there would hear of it: the regional administrators are told who to reach.
            params = {"period": period, "names": ", ".join(str(m) for m in without_reporter)}
            subject = _("KIS: %(period)s is open, but some municipalities have no reporter") % params
            body = _(
                "The KIS period %(period)s is open. These member municipalities have no statistics reporter in "
                "the portal, so nobody there was told: %(names)s.\n\nGive someone the role of statistics reporter, "
                "or tell them another way."
            )
            key = f"statistik:opened:{period.pk}:no-reporter:{period.opened_at:%Y%m%d%H%M%S}"
            if send_reminder_once(key, "statistik.opened", stat_admin_addresses(), subject, body % params):
                sent += 1
    return sent


def notifications_sweep(now=None):
    """Send what the immediate send missed (a queue that was down): recent events and openings."""
    since = (now or timezone.now()) - datetime.timedelta(days=SWEEP_DAYS)
    sent = 0
    for event_id in ReportEvent.objects.filter(action__in=NOTIFIED_ACTIONS, created_at__gte=since).values_list(
        "pk", flat=True
    ):
        sent += event_notify(event_id)
    for period_id in Period.objects.filter(status=Period.Status.OPEN, opened_at__gte=since).values_list(
        "pk", flat=True
    ):
        sent += period_opened_notify(period_id)
    return sent


def queue_on_commit(task, object_id):
    """Queue ``task(object_id)`` when the transaction commits; a queue that is down is left to the sweep."""
    transaction.on_commit(functools.partial(_queue, task, object_id))


def _queue(task, object_id):
    from kombu.exceptions import OperationalError

    from intro_sodertorn.celery import app, publish

    if app.conf.task_always_eager:
        try:
            task.delay(object_id)
        except Exception:  # a mail server that is down must not turn a saved submission into an error page
            logger.exception("KIS notification %s(%s) failed, the sweep sends it", task.name, object_id)
        return
    try:
        publish(task, object_id)
    except (OperationalError, OSError) as error:
        logger.warning("KIS notification %s(%s) not queued, the sweep sends it: %s", task.name, object_id, error)


def returned_reports(municipality_ids):
    """Returned reports of these municipalities, with the region's comment, for the home page."""
    return Report.objects.filter(municipality_id__in=municipality_ids, status=Report.Status.RETURNED).select_related(
        "municipality", "period"
    )
