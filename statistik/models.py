"""KIS: the indicator catalogue as versioned data, periods, reports and their values.

Indicator names and definitions are data in Swedish (the regional statistics administrator
edits them in the portal), not gettext strings. A catalogue version applies from a period on;
a report keeps the version it was made under, so an old report keeps its definitions.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from intro_sodertorn import access
from natverk.versioning import VersionedModel

TOTAL = "T"

# Breakdown keys per dimension, in display order; the total comes last.
BREAKDOWN_KEYS = {
    "none": [TOTAL],
    "sex": ["K", "M", TOTAL],
    "age": ["a0_15", "a16_19", "a20_64", "a65", TOTAL],
    "arrival": ["kvot", "asyl", "anh", "ovr", TOTAL],
}

KEY_LABELS = {
    TOTAL: _("Total"),
    "K": _("Women"),
    "M": _("Men"),
    "a0_15": _("0–15 years"),
    "a16_19": _("16–19 years"),
    "a20_64": _("20–64 years"),
    "a65": _("65+ years"),
    "kvot": _("Quota refugees"),
    "asyl": _("Former asylum seekers"),
    "anh": _("Relatives"),
    "ovr": pgettext_lazy("arrival category", "Other"),
}


class CatalogueVersionQuerySet(models.QuerySet):
    def for_period(self, period):
        """The version in force for a period: the latest one valid from that period or earlier."""
        return (
            self.filter(
                Q(valid_from_year__lt=period.year)
                | Q(valid_from_year=period.year, valid_from_half__lte=period.half_number)
            )
            .order_by("-valid_from_year", "-valid_from_half", "-number")
            .first()
        )


class CatalogueVersion(models.Model):
    """A version of the indicator catalogue, in force from a period on."""

    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    valid_from_year = models.PositiveSmallIntegerField(_("valid from year"))
    valid_from_half = models.PositiveSmallIntegerField(
        _("valid from half-year"), default=0, help_text=_("0 for the whole year, 1 or 2 for a half-year.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CatalogueVersionQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")

    def __str__(self):
        return f"{self.name} (v{self.number})"


class Form(models.Model):
    """One of the KIS forms: Mottagande, Bestånd, Avslut, SFI, Ekonomi."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100, help_text=_("In Swedish; data, not a translation."))
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("form")
        verbose_name_plural = _("forms")

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The Swedish name, or the English one when the page is in English and one is given."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Indicator(models.Model):
    """An indicator of one catalogue version: typed in by the municipality or derived by a formula."""

    class Kind(models.TextChoices):
        TYPED = "typed", _("Typed in")
        DERIVED = "derived", _("Derived")

    class Unit(models.TextChoices):
        PERSONS = "persons", _("persons")
        PERCENT = "percent", _("percent")
        MONTHS = "months", _("months")
        SEK = "sek", _("kronor")
        SEK_PER_PERSON = "sek_person", _("kronor per person")

    class Breakdown(models.TextChoices):
        NONE = "none", _("No breakdown")
        SEX = "sex", _("Sex (women, men, total)")
        AGE = "age", _("Age band")
        ARRIVAL = "arrival", _("Arrival category")

    version = models.ForeignKey(
        CatalogueVersion, verbose_name=_("catalogue version"), on_delete=models.CASCADE, related_name="indicators"
    )
    form = models.ForeignKey(Form, verbose_name=_("form"), on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200, help_text=_("In Swedish; data, not a translation."))
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    definition = models.TextField(_("definition"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.PERSONS)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TYPED)
    formula = models.CharField(
        _("formula"), max_length=200, blank=True, help_text=_("Only for derived indicators, e.g. (A + B) / C * 100.")
    )
    breakdown = models.CharField(_("breakdown"), max_length=10, choices=Breakdown.choices, default=Breakdown.NONE)
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("A sub-count that may never be above this total."),
    )
    is_key = models.BooleanField(_("key outcome figure"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The lost-update check of the definition form (``version`` is the catalogue version): raised by every
    # change through ``services.indicator_update``, compared there under a row lock.
    edit_version = models.PositiveIntegerField(
        _("edit version"),
        default=1,
        editable=False,
        help_text=_("Raised by every change; a definition form saved from an older one is refused."),
    )

    class Meta:
        ordering = ["form__order", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indicator_unique_code_per_version"),
            models.CheckConstraint(
                condition=Q(kind="typed", formula="") | (Q(kind="derived") & ~Q(formula="")),
                name="indicator_formula_only_when_derived",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def label(self):
        """The Swedish name, or the English one when the page is in English and one is given."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def keys(self):
        return BREAKDOWN_KEYS[self.breakdown]

    @property
    def is_count(self):
        return self.unit == self.Unit.PERSONS

    @property
    def whole_numbers(self):
        return self.unit in (self.Unit.PERSONS, self.Unit.SEK)


class IndicatorRule(models.Model):
    """A rule across two indicators of one catalogue version, checked when a report is saved.

    Data beside the indicator, as the definitions are: the regional statistics administrator
    writes why the rule holds (``description``, Swedish), and the report form shows it.
    """

    class Kind(models.TextChoices):
        SAME_PERSONS = "same_persons", _("Same persons: the totals must be equal")
        NOT_ABOVE = "not_above", _("A subset: the total may not be above the other's")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("rule"), max_length=20, choices=Kind.choices, default=Kind.SAME_PERSONS)
    other = models.ForeignKey(Indicator, verbose_name=_("compared with"), on_delete=models.CASCADE, related_name="+")
    description = models.TextField(
        _("why the rule holds"), help_text=_("In Swedish; shown beside the indicator and in the error message.")
    )

    class Meta:
        ordering = ["indicator", "pk"]
        verbose_name = _("indicator rule")
        verbose_name_plural = _("indicator rules")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "other", "kind"], name="indicatorrule_unique"),
            models.CheckConstraint(condition=~Q(indicator=models.F("other")), name="indicatorrule_two_indicators"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.get_kind_display()} {self.other.code}"

    def clean(self):
        if self.indicator_id and self.other_id and self.indicator.version_id != self.other.version_id:
            raise ValidationError({"other": _("Choose an indicator of the same catalogue version.")})


class IndicatorChange(models.Model):
    """A change of an indicator (made, changed or deleted), from the portal, Django admin or an import."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal")
        ADMIN = "admin", _("Django admin")
        IMPORT = "import", _("Import")

    # Kept when the indicator is deleted: the row then names it in ``subject``.
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.SET_NULL, null=True, related_name="changes"
    )
    subject = models.CharField(_("indicator (as it was)"), max_length=250, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.CHANGED)
    source = models.CharField(_("made in"), max_length=10, choices=Source.choices, default=Source.PORTAL)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    changes = models.JSONField(_("changes"), default=dict, help_text=_("Field → [before, after]."))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("indicator change")
        verbose_name_plural = _("indicator changes")

    def __str__(self):
        return f"{self.subject or self.indicator_id} {self.changed_at:%Y-%m-%d}"


class Period(VersionedModel):
    """A reporting period: a year or a half-year, opened and closed by the statistics administrator."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(
        _("half-year"), null=True, blank=True, choices=[(1, _("First half")), (2, _("Second half"))]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateField(_("deadline"))
    # When the period was last opened for reporting: the reporters are told once (statistik.notifications).
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)

    class Meta:
        ordering = ["year", "half"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="period_unique_year_half"),
            models.UniqueConstraint(fields=["year"], condition=Q(half__isnull=True), name="period_unique_whole_year"),
        ]

    def __str__(self):
        return f"{self.year}" if not self.half else f"{self.year} H{self.half}"

    @property
    def half_number(self):
        return self.half or 0

    @property
    def start(self):
        import datetime

        return datetime.date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def end(self):
        import datetime

        return datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports a user may open: the region's administrator all, a municipality's staff its own."""
        if not user.is_authenticated:
            return self.none()
        if access.is_stat_admin(user) or access.is_system_admin(user):
            return self
        ids = access.municipality_ids(user, access.Kind.STAT_REPORTER, access.Kind.INTRO_MANAGER)
        return self.filter(municipality_id__in=ids)

    def editable_by(self, user):
        """Reports a user may fill in: a reporter those of their own municipality."""
        if not user.is_authenticated:
            return self.none()
        if access.is_system_admin(user):
            return self
        return self.filter(municipality_id__in=access.stat_reporter_municipality_ids(user))

    def reported(self):
        """Reports that count in the dashboards: approved by the region."""
        return self.filter(status=Report.Status.APPROVED)


class Report(models.Model):
    """One municipality's report for one period, under the catalogue version it was made with."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    municipality = models.ForeignKey(
        "natverk.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="kis_reports"
    )
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports")
    version = models.ForeignKey(
        CatalogueVersion, verbose_name=_("catalogue version"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField(_("comment"), blank=True, help_text=_("The region's comment when returned."))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["period__year", "period__half", "municipality__name"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "period"], name="report_unique_per_municipality_period")
        ]
        indexes = [
            # Dashboards: approved reports of a range of periods.
            models.Index(fields=["status", "period"], name="report_status_period_idx"),
        ]

    def __str__(self):
        return f"{self.municipality} {self.period}"

    @property
    def is_locked(self):
        return self.status == self.Status.APPROVED

    @property
    def accepts_changes(self):
        """The municipality may change it: a draft while the period is open, or returned by the region.

        A returned report can be corrected even after the period closed: the region asked for it.
        """
        return self.status == self.Status.RETURNED or (self.status == self.Status.DRAFT and self.period.is_open)


class Value(models.Model):
    """One typed figure of a report; empty (null) means missing, which is not zero."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("breakdown key"), max_length=10, default=TOTAL)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=1, null=True, blank=True)
    # Asked for when the figure differs a lot from last year's approved one; the approver reads it
    # and the dashboards show it as a footnote of the figure.
    explanation = models.CharField(_("explanation of a large change"), max_length=500, blank=True)

    class Meta:
        ordering = ["report", "indicator", "key"]
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator", "key"], name="value_unique_per_report_cell")
        ]

    def __str__(self):
        return f"{self.indicator.code}/{self.key}={self.value}"


class ReportEvent(models.Model):
    """What happened to a report: saved, submitted, approved, returned, reopened, uploaded."""

    class Action(models.TextChoices):
        CREATED = "created", _("Started")
        SAVED = "saved", _("Saved")
        UPLOADED = "uploaded", _("Uploaded from Excel")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        REOPENED = "reopened", _("Reopened")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self):
        return f"{self.report} {self.action}"
