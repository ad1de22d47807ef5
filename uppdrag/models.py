"""The strategist's assignment: commitments, strategic areas, action points, journal, reports.

Who sees what (applied by ``ActionPointQuerySet.visible_to``; documented in the overview page too):

- the strategist (and the system administrator) sees and edits everything;
- every logged-in user (a plain reader) reads every action point that is *not tied to a
  municipality* — regional work such as a report to Länsstyrelsen or an expected ordinance;
- a point tied to one or more municipalities is read only by users with any municipal role in
  one of them, by its owner and by the strategist;
- the owner (a user) of a point sees it, changes its status and adds journal notes.
"""

import calendar
import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intro_sodertorn import access
from natverk.versioning import VersionedModel


class Health(models.TextChoices):
    NOT_ASSESSED = "unassessed", _("Not assessed")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class HealthFields(models.Model):
    """A health status the strategist sets by hand, with a short explanation."""

    health = models.CharField(_("health"), max_length=10, choices=Health.choices, default=Health.NOT_ASSESSED)
    health_note = models.CharField(_("explanation of the health status"), max_length=500, blank=True)
    health_updated_at = models.DateTimeField(_("health updated"), null=True, blank=True)

    class Meta:
        abstract = True

    def health_set(self, health, note, user=None):
        """Set the health and keep the change (who, when, why) in its history."""
        old = self.health
        self.health = health
        self.health_note = note
        self.health_updated_at = timezone.now()
        self.save(update_fields=["health", "health_note", "health_updated_at"])
        target = {"commitment": self} if isinstance(self, Commitment) else {"area": self}
        HealthChange.objects.create(
            **target, old_health=old, health=health, note=note, changed_by=user, changed_at=self.health_updated_at
        )

    def health_history(self):
        return self.health_changes.select_related("changed_by").order_by("-changed_at", "-pk")


class Assignment(VersionedModel):
    """The regional strategist's assignment for a period."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"), null=True, blank=True)

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=models.F("period_start")),
                name="assignment_period_in_order",
            )
        ]

    def __str__(self):
        return self.title

    @classmethod
    def current(cls):
        """The assignment running today, else the latest one."""
        today = timezone.localdate()
        running = cls.objects.filter(
            Q(period_start__lte=today), Q(period_end__isnull=True) | Q(period_end__gte=today)
        ).first()
        return running or cls.objects.first()


class Commitment(HealthFields, VersionedModel):
    """A standing commitment (åtagande) of the assignment, numbered in order."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="commitments"
    )
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["assignment", "position", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "position"], name="commitment_unique_position"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def number(self):
        return str(self.position)


class StrategicAreaQuerySet(models.QuerySet):
    def in_tree_order(self):
        """The areas depth first, as seed 004 lists them: 1, 1.A, 1.A.1, 1.B, 2 ... (also for a filtered set)."""
        return sorted(self.select_related("parent__parent"), key=lambda area: area.tree_key)


class StrategicArea(HealthFields, VersionedModel):
    """A strategic area: main area → sub-area → point, agreed by the steering group."""

    MAX_DEPTH = 3

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="areas"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    objects = StrategicAreaQuerySet.as_manager()

    class Meta:
        ordering = ["assignment", "parent_id", "position", "pk"]
        verbose_name = _("strategic area")
        verbose_name_plural = _("strategic areas")
        indexes = [
            # The tree is read level by level: children of a parent in position order.
            models.Index(fields=["parent", "position"], name="area_parent_position_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def tree_key(self):
        """(position, pk) pairs from the main area down: sorting by it gives the tree order."""
        key, node = [], self
        while node is not None:
            key.append((node.position, node.pk))
            node = node.parent
        return tuple(reversed(key))

    @property
    def depth(self):
        """0 for a main area, 1 for a sub-area, 2 for a point."""
        depth, node = 0, self
        while node.parent_id is not None:
            depth += 1
            node = node.parent
        return depth

    @property
    def label(self):
        """The number as seed 004 writes it on this level: "1.", "A.", "1" (points are bullets there)."""
        if self.parent_id is None:
            return str(self.position)
        if self.parent.parent_id is None:
            return _letter(self.position)
        return str(self.position)

    @property
    def number(self):
        """The full number: "1", "1.A", "1.A.1"."""
        parts, node = [], self
        while node is not None:
            parts.append(node.label)
            node = node.parent
        return ".".join(reversed(parts))

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent.depth + 1 >= self.MAX_DEPTH:
            raise ValidationError({"parent": _("An area can have at most three levels: main area, sub-area, point.")})
        if self.parent_id and self.parent.assignment_id != self.assignment_id:
            raise ValidationError({"parent": _("The parent belongs to another assignment.")})

    def descendant_ids(self):
        """Own id and every id below, for "everything under 1." filters."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(StrategicArea.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids


def _letter(position):
    """1 → A, 2 → B ... 27 → AA."""
    letters = ""
    while position > 0:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


class ActionPointQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What the user may read (see the module docstring)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if access.is_strategist(user) or access.is_system_admin(user):
            return self.all()
        own_municipalities = access.any_municipality_ids(user)
        # EXISTS rather than a join with DISTINCT: each point once, so the set can be counted and grouped.
        links = ActionPoint.municipalities.through.objects.filter(actionpoint_id=OuterRef("pk"))
        return self.filter(
            ~Exists(links) | Exists(links.filter(municipality_id__in=own_municipalities)) | Q(owner_user=user)
        )

    def editable_by(self, user):
        """What the user may change in full: the strategist and the system administrator."""
        if access.is_strategist(user) or access.is_system_admin(user):
            return self.all()
        return self.none()

    def status_updatable_by(self, user):
        """What the user may change status of and write notes on: everything editable, plus own points."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if access.is_strategist(user) or access.is_system_admin(user):
            return self.all()
        return self.filter(owner_user=user)

    def open(self):
        return self.filter(status__in=ActionPoint.OPEN_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)

    def due_between(self, start, end):
        return self.open().filter(due_date__gte=start, due_date__lte=end)

    def owned_by(self, user):
        return self.filter(owner_user=user)

    def for_municipalities(self, municipality_ids):
        links = ActionPoint.municipalities.through.objects.filter(actionpoint_id=OuterRef("pk"))
        return self.filter(Exists(links.filter(municipality_id__in=municipality_ids)))


def when_text(due_date, expected_month, expected_text):
    """An action point's "when" (``ActionPoint.when_text``) from its three fields."""
    if due_date:
        return due_date.isoformat()
    if expected_month:
        text = expected_month.strftime("%Y-%m")
        return f"{text} ({expected_text})" if expected_text else text
    return expected_text


class ActionPoint(VersionedModel):
    """Something the strategist (or someone else) is to do or watch, with status and journal."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        WAITING = "waiting", _("Waiting")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        NORMAL = 2, _("Normal")
        LOW = 3, _("Low")

    class Kind(models.TextChoices):
        ACTION = "action", pgettext_lazy("action point kind", "Action")
        WATCH = "watch", _("Watch item")
        INFORMATION = "information", _("Information effort")
        MEETING_FOLLOW_UP = "meeting_follow_up", _("Meeting follow-up")

    OPEN_STATUSES = (Status.PLANNED, Status.ONGOING, Status.WAITING)
    CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
    )
    area = models.ForeignKey(
        StrategicArea,
        verbose_name=_("strategic area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (user)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_action_points",
    )
    owner_contact = models.ForeignKey(
        "natverk.Contact",
        verbose_name=_("owner (contact)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_action_points",
        help_text=_("A person from the contact register who has no account in the portal."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    expected_month = models.DateField(
        _("expected month"),
        null=True,
        blank=True,
        help_text=_("For a watch item: the month something is expected (stored as the first day of the month)."),
    )
    expected_text = models.CharField(
        _("expected (free text)"), max_length=100, blank=True, help_text=_("For example “aug–sep”.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ACTION)
    municipalities = models.ManyToManyField(
        "natverk.Municipality",
        verbose_name=_("related municipalities"),
        blank=True,
        related_name="action_points",
        help_text=_("A point tied to municipalities is shown only to users of those municipalities."),
    )
    organisations = models.ManyToManyField(
        "natverk.Organisation", verbose_name=_("related organisations"), blank=True, related_name="action_points"
    )
    networks = models.ManyToManyField(
        "natverk.Network", verbose_name=_("related networks"), blank=True, related_name="action_points"
    )
    insatser = models.ManyToManyField(
        "insatsbasen.Insats", verbose_name=_("related insatser"), blank=True, related_name="action_points"
    )
    completion_note = models.TextField(_("completion note"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    source_decision = models.OneToOneField(
        "natverk.Decision",
        verbose_name=_("from meeting decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_point",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActionPointQuerySet.as_manager()

    class Meta:
        ordering = [models.F("due_date").asc(nulls_last=True), "expected_month", "priority", "pk"]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=True) | Q(owner_contact__isnull=True),
                name="actionpoint_one_owner_at_most",
            ),
            models.CheckConstraint(
                condition=Q(expected_month__isnull=True) | Q(expected_month__day=1),
                name="actionpoint_expected_month_first_day",
            ),
        ]
        indexes = [
            # Reminders and the "overdue" filter: open points by due date.
            models.Index(fields=["status", "due_date"], name="actionpoint_status_due_idx"),
            # views.actionpoint_list: the default order (due date, nulls last, then expected month, priority).
            models.Index(fields=["due_date", "expected_month", "priority", "id"], name="actionpoint_order_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today

    @property
    def owner_name(self):
        if self.owner_user_id:
            return self.owner_user.get_full_name() or self.owner_user.username
        if self.owner_contact_id:
            return self.owner_contact.name
        return ""

    @property
    def owner_email(self):
        if self.owner_user_id:
            return self.owner_user.email
        if self.owner_contact_id:
            return self.owner_contact.email
        return ""

    @property
    def expected_month_end(self):
        if not self.expected_month:
            return None
        last = calendar.monthrange(self.expected_month.year, self.expected_month.month)[1]
        return self.expected_month.replace(day=last)

    @property
    def when_text(self):
        """The due date, or the expected month with its free text ("2026-08 (aug–sep)")."""
        return when_text(self.due_date, self.expected_month, self.expected_text)

    def status_set(self, status, note=""):
        """Change the status; closing stamps the completion time, reopening clears it."""
        self.status = status
        if status in self.CLOSED_STATUSES:
            self.completed_at = self.completed_at or timezone.now()
            if note:
                self.completion_note = note
        else:
            self.completed_at = None
        self.save(update_fields=["status", "completed_at", "completion_note", "updated_at"])

    def can_edit(self, user):
        return access.is_strategist(user) or access.is_system_admin(user)

    def can_update_status(self, user):
        return self.can_edit(user) or (user.is_authenticated and self.owner_user_id == user.pk)


class JournalNote(models.Model):
    """A dated note in an action point's journal."""

    action_point = models.ForeignKey(
        ActionPoint, verbose_name=_("action point"), on_delete=models.CASCADE, related_name="journal"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("journal note")
        verbose_name_plural = _("journal notes")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.text[:60]}"


class ReminderSetting(models.Model):
    """A user's own choice of how many days before the due date a reminder comes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="action_point_reminder_setting",
    )
    days_before = models.PositiveSmallIntegerField(
        _("days before the due date"), default=7, help_text=_("Between 0 and 60 days.")
    )

    DEFAULT_DAYS = 7

    class Meta:
        verbose_name = _("reminder setting")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(condition=Q(days_before__lte=60), name="remindersetting_days_at_most_60"),
        ]

    def __str__(self):
        return f"{self.user}: {self.days_before}"

    @classmethod
    def days_for(cls, user):
        setting = cls.objects.filter(user=user).first()
        return setting.days_before if setting else cls.DEFAULT_DAYS


class ReportSnapshot(models.Model):
    """A steering-group report frozen when saved: later edits of action points never change it."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="reports"
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    introduction = models.TextField(_("introduction"), blank=True)
    data = models.JSONField(_("content"), default=dict, editable=False)
    # The digest of ``data`` as saved: the document's rendering is kept under it (``report_rendering``), so the page
    # need not read the content (hundreds of kB over five years) to know it has it rendered already.
    data_digest = models.CharField(_("content digest"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("steering-group report")
        verbose_name_plural = _("steering-group reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="reportsnapshot_period_in_order"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "data" in update_fields:
            self.data_digest = self.digest_of(self.data)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "data_digest"}
        super().save(*args, **kwargs)

    @staticmethod
    def digest_of(data):
        """The digest ``data_digest`` holds: of the content as JSON with its keys in order."""
        return hashlib.sha256(json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()


class HealthChange(models.Model):
    """One change of a commitment's or area's health: who, when, from what to what, and why."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="health_changes"
    )
    area = models.ForeignKey(
        StrategicArea, on_delete=models.CASCADE, null=True, blank=True, related_name="health_changes"
    )
    old_health = models.CharField(_("from"), max_length=10, choices=Health.choices)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices)
    note = models.CharField(_("explanation"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("health change")
        verbose_name_plural = _("health changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(commitment__isnull=False, area__isnull=True)
                | Q(commitment__isnull=True, area__isnull=False),
                name="healthchange_one_target",
            )
        ]

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d} {self.old_health} → {self.health}"
