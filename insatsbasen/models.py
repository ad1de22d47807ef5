"""Insatsbasen: the shared catalogue of measures (insatser) for newcomers, kept correct by each municipality."""

import datetime
import uuid

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intro_sodertorn import access
from intro_sodertorn.models import Role
from intro_sodertorn.storage import export_storage

from .public_i18n import PUBLIC_LANGUAGES

# ISO 639-1 codes (639-3 where no two-letter code exists) of the languages insatser are offered in,
# with their Swedish names. A constant table: the list changes seldom and must not depend on data.
LANGUAGES = [
    ("sv", pgettext_lazy("language name", "Swedish")),
    ("en", pgettext_lazy("language name", "English")),
    ("ar", pgettext_lazy("language name", "Arabic")),
    ("fa", pgettext_lazy("language name", "Persian")),
    ("prs", pgettext_lazy("language name", "Dari")),
    ("ps", pgettext_lazy("language name", "Pashto")),
    ("so", pgettext_lazy("language name", "Somali")),
    ("ti", pgettext_lazy("language name", "Tigrinya")),
    ("am", pgettext_lazy("language name", "Amharic")),
    ("ku", pgettext_lazy("language name", "Kurdish")),
    ("tr", pgettext_lazy("language name", "Turkish")),
    ("ru", pgettext_lazy("language name", "Russian")),
    ("uk", pgettext_lazy("language name", "Ukrainian")),
    ("bs", pgettext_lazy("language name", "Bosnian")),
    ("sr", pgettext_lazy("language name", "Serbian")),
    ("sq", pgettext_lazy("language name", "Albanian")),
    ("es", pgettext_lazy("language name", "Spanish")),
    ("fr", pgettext_lazy("language name", "French")),
    ("th", pgettext_lazy("language name", "Thai")),
    ("syr", pgettext_lazy("language name", "Syriac")),
]
LANGUAGE_NAMES = dict(LANGUAGES)
_LANGUAGE_ORDER = {code: index for index, (code, _name) in enumerate(LANGUAGES)}


def ordered_languages(codes):
    """Language codes in the table's order, so the same set is always stored (and compared) the same way."""
    return sorted(set(codes), key=lambda code: (_LANGUAGE_ORDER.get(code, len(_LANGUAGE_ORDER)), code))


def localized_name(name, name_en):
    """A taxonomy name as the page's language wants it: the English name on English pages when one is given (the
    Swedish name is the data and what search and Excel use)."""
    from django.utils.translation import get_language

    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class Funding(models.TextChoices):
    """Who pays for an insats (several may)."""

    MUNICIPALITY = "kommun", _("Municipality")
    EMPLOYMENT_SERVICE = "af", _("Arbetsförmedlingen")
    ESF = "esf", _("ESF")
    COUNTY_BOARD = "lst", _("Länsstyrelsen")
    FLAT_RATE = "schablon", _("Flat-rate compensation (schablonersättning)")


class Category(models.Model):
    """A category of insatser (editable taxonomy), with its review interval."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(
        _("name in English"), max_length=100, blank=True, help_text=_("Shown on English pages; empty: the name.")
    )
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"), default=6, help_text=_("How often insatser of this category must be verified.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    admin_side = models.CharField(
        _("administered on the side"),
        max_length=10,
        choices=Role.Side.choices,
        default=Role.Side.INTRO,
        help_text=_(
            "Where a municipality's insats administrators are split between the intro and the SFI side, "
            "review reminders for insatser of this category go to this side."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.label

    @property
    def label(self):
        return localized_name(self.name, self.name_en)


class TargetGroup(models.Model):
    """A target group (målgrupp) of insatser (editable taxonomy)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(
        _("name in English"), max_length=100, blank=True, help_text=_("Shown on English pages; empty: the name.")
    )
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self):
        return self.label

    @property
    def label(self):
        return localized_name(self.name, self.name_en)


class InsatsQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every logged-in user reads what is not archived; editors also see their archived insatser."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if access.is_system_admin(user) or access.is_strategist(user):
            return self.all()
        admin_ids = access.insats_admin_municipality_ids(user)
        return self.filter(~Q(status=Insats.Status.ARCHIVED) | Q(owner_municipality_id__in=admin_ids))

    def editable_by(self, user):
        """Administrators of the owning municipality (either side), the strategist and system admins."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if access.is_system_admin(user) or access.is_strategist(user):
            return self.all()
        return self.filter(owner_municipality_id__in=access.insats_admin_municipality_ids(user))

    def published(self):
        return self.filter(status=Insats.Status.PUBLISHED)

    def active(self):
        """What is still maintained: drafts, published and paused insatser need review."""
        return self.filter(status__in=[Insats.Status.DRAFT, Insats.Status.PUBLISHED, Insats.Status.PAUSED])

    def for_municipality(self, municipality):
        """Owned by or run together with the municipality. EXISTS, not a join with DISTINCT: the page's sort and
        LIMIT then need no de-duplication of every matching row first (the municipality page, the list's filter)."""
        municipality_id = getattr(municipality, "pk", municipality)
        shared = Insats.participating_municipalities.through.objects.filter(
            insats_id=OuterRef("pk"), municipality_id=municipality_id
        )
        return self.filter(Q(owner_municipality_id=municipality_id) | Q(Exists(shared)))

    def offering_language(self, code):
        """Offered in the language (ISO 639 code). On PostgreSQL jsonb containment, answered from the GIN index on
        ``languages`` (migration 0008, the list's language filter); elsewhere a text match on the quoted code."""
        if connection.vendor == "postgresql":
            return self.filter(languages__contains=[code])
        return self.filter(languages__icontains=f'"{code}"')

    def due_for_review(self, today):
        """Maintained insatser whose review date (last verification + interval) has come."""
        return self.active().filter(review_due_on__lte=today)

    def answered_by(self, user):
        """The insatser whose reviews this administrator answers for: of the municipalities they administer, those
        of their side (by the category's ``admin_side``), and every insats of a side that has no administrator."""
        roles = [role for role in access.roles_of(user) if role.kind == Role.Kind.INSATS_ADMIN]
        if not roles:
            return self.none()
        municipality_ids = {role.municipality_id for role in roles}
        staffed = set(
            Role.objects.filter(
                kind=Role.Kind.INSATS_ADMIN, municipality_id__in=municipality_ids, user__is_active=True
            ).values_list("municipality_id", "side")
        )
        condition = Q(pk__in=[])
        for municipality_id in municipality_ids:
            own_sides = {role.side for role in roles if role.municipality_id == municipality_id}
            for side in Role.Side.values:
                if side in own_sides or (municipality_id, side) not in staffed:
                    condition |= Q(owner_municipality_id=municipality_id, category__admin_side=side)
        return self.filter(condition)

    def failing_publish_gate(self):
        """Published insatser a newcomer could not act on: the SQL form of ``publish_gaps`` (same rules)."""
        return self.published().exclude(publish_gate_q())

    def in_public_catalogue(self, today):
        """What /katalog/ shows: published insatser; those overdue for review beyond the escalation limit are left
        out when the region chose ``INSATSBASEN_OVERDUE_PUBLIC=hide`` (else they are shown with a mark)."""
        qs = self.published()
        if settings.INSATSBASEN_OVERDUE_PUBLIC == "hide":
            qs = qs.exclude(review_due_on__lte=today - UNVERIFIED_AFTER)
        return qs

    def open_during(self, start, end):
        """Insatser running at some point in [start, end] (open ends count as open)."""
        qs = self
        if end:
            qs = qs.filter(Q(start_date__isnull=True) | Q(start_date__lte=end))
        if start:
            qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        return qs


class Insats(models.Model):
    """A measure or activity offered to newcomers, owned by one municipality."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")
        ARCHIVED = "archived", _("Archived")

    class PlanPart(models.TextChoices):
        SFI = "sfi", _("Swedish for immigrants (SFI)")
        CIVIC = "samhallsorientering", _("Civic orientation")
        WORK = "arbetsforberedande", _("Work-preparing activities")
        NONE = "", _("Not part of the establishment plan")

    class ProviderType(models.TextChoices):
        MUNICIPALITY = "kommun", _("Municipality")
        AUTHORITY = "myndighet", _("Government authority")
        COUNTY_COUNCIL = "landsting", pgettext_lazy("provider type", "County council")
        PRIVATE = "privat", _("Private company")
        NON_PROFIT = "ideell", _("Non-profit organisation")
        GUIDE = "lots", _("Establishment guide (etableringslots)")
        PROJECT = "projekt", _("Project (e.g. ESF)")

    class Intake(models.TextChoices):
        CONTINUOUS = "continuous", _("Continuous intake")
        FIXED = "fixed", _("Fixed dates")

    name = models.CharField(_("name"), max_length=200)
    short_description = models.CharField(_("short description"), max_length=300)
    description = models.TextField(_("full description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="insatser"
    )
    plan_part = models.CharField(
        _("part of the establishment plan"), max_length=30, choices=PlanPart.choices, blank=True
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="insatser"
    )
    age_min = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("age to"), null=True, blank=True)
    eligibility = models.TextField(_("who can take part"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("ISO 639 codes."))
    provider = models.ForeignKey(
        "natverk.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="insatser",
    )
    provider_type = models.CharField(_("provider type"), max_length=20, choices=ProviderType.choices, blank=True)
    owner_municipality = models.ForeignKey(
        "natverk.Municipality",
        verbose_name=_("owning municipality"),
        on_delete=models.PROTECT,
        related_name="owned_insatser",
    )
    participating_municipalities = models.ManyToManyField(
        "natverk.Municipality",
        verbose_name=_("participating municipalities"),
        blank=True,
        related_name="participating_insatser",
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    intake = models.CharField(_("intake"), max_length=20, choices=Intake.choices, default=Intake.CONTINUOUS)
    intake_dates = models.CharField(_("intake dates"), max_length=300, blank=True)
    hours = models.CharField(_("schedule"), max_length=300, blank=True, help_text=_("E.g. Mon–Thu 9–12."))
    capacity = models.PositiveIntegerField(_("capacity (places)"), null=True, blank=True)
    participant_cost = models.CharField(_("cost for the participant"), max_length=200, blank=True)
    funding = models.JSONField(_("funding"), default=list, blank=True)
    contact = models.ForeignKey(
        "natverk.Contact",
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="insatser",
    )
    contact_is_public = models.BooleanField(
        _("show contact person publicly"), default=False, help_text=_("Only then is the person shown in the catalogue.")
    )
    function_email = models.EmailField(_("function e-mail address"), blank=True)
    function_phone = models.CharField(_("function phone"), max_length=40, blank=True)
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    is_remote = models.BooleanField(
        _("remote or at home"),
        default=False,
        help_text=_("Taken part in at a distance or at home: no place needs to be given."),
    )
    web_link = models.URLField(_("web link"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shown in the catalogue."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the interval of the category."),
    )
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_due_on = models.DateField(
        _("review due"), null=True, blank=True, editable=False, help_text=_("Last verification plus the interval.")
    )
    review_notice_for = models.DateField(
        _("review notices sent for"), null=True, blank=True, editable=False, help_text=_("The review date they named.")
    )
    review_notices = models.PositiveSmallIntegerField(
        _("review notices sent"), default=0, editable=False, help_text=_("1: digest, 2: reminder, 3: escalated.")
    )
    review_notified_on = models.DateField(
        _("owner last told on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The day the last review notice was sent; the next one follows two weeks after it."),
    )
    unverified_since = models.DateField(
        _("marked unverified"), null=True, blank=True, help_text=_("Set when a review is more than four weeks late.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    search_document = models.TextField(_("search text"), blank=True, editable=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InsatsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        indexes = [
            # The list filtered by municipality and status, and the review job per municipality.
            models.Index(fields=["owner_municipality", "status"], name="insats_owner_status_idx"),
            # The review job and the home panel: what is due by a date.
            models.Index(fields=["review_due_on"], name="insats_review_due_idx"),
            # views.index and views_public.index: the list sorted by name (the default), a page at a time.
            models.Index(fields=["name"], name="insats_name_idx"),
            # views.index filtered by category, sorted by name: without it the name index was walked past every
            # other category's insatser (10,000 rows for one page at 20,000 insatser, bench/list_throughput.py).
            models.Index(fields=["category", "name"], name="insats_category_name_idx"),
            # The home page's recently updated insatser: the latest six walked from the top instead of sorting every
            # published insats (27 ms at 20,000).
            models.Index(fields=["updated_at"], name="insats_updated_idx"),
            # An administrator's own insatser by name (the home page's incomplete ones, the list filtered by
            # municipality): without it the name index is walked past every other municipality's (20,000 rows).
            models.Index(fields=["owner_municipality", "name"], name="insats_owner_name_idx"),
            # The statistics page's "most viewed": the top 25 walked from the top of the few viewed insatser
            # instead of sorting every insats by its views (15 ms at 20,000).
            models.Index(
                models.F("view_count").desc(), "name", name="insats_viewed_idx", condition=Q(view_count__gt=0)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_min__lte=models.F("age_max")),
                name="insats_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=(
                    Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(start_date__lte=models.F("end_date"))
                ),
                name="insats_period_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def effective_review_interval(self):
        return self.review_interval_months or self.category.review_interval_months

    def compute_review_due_on(self):
        """The date the next verification is due (from the last verification, else from creation)."""
        base = self.last_confirmed_on
        if base is None:
            return None
        return base + relativedelta(months=self.effective_review_interval)

    def notices_sent(self):
        """How many review notices were sent for the current review date."""
        return self.review_notices if self.review_notice_for == self.review_due_on else 0

    def is_due_for_review(self, today):
        return self.review_due_on is not None and self.review_due_on <= today

    def is_overdue_beyond_escalation(self, today):
        """Past its review date by more than the escalation limit: the public catalogue marks or hides it."""
        return self.review_due_on is not None and self.review_due_on <= today - UNVERIFIED_AFTER

    @property
    def public_overdue(self):
        """Overdue beyond the escalation limit today (the public catalogue marks it)."""
        return self.is_overdue_beyond_escalation(timezone.localdate())

    @property
    def last_confirmed_on(self):
        """When a person last confirmed the entry (verified it, else created it)."""
        moment = self.last_verified_at or self.created_at
        # The day in Stockholm, not in UTC (late evening is already the next day there).
        return timezone.localtime(moment).date() if moment else None

    @property
    def admin_side(self):
        """The administrators' side that answers for this insats where a municipality splits its roles."""
        return self.category.admin_side

    def publish_gaps(self, place_count=None):
        """What a newcomer would miss to act on the insats (empty when it may be published): see ``publish_gaps``."""
        return publish_gaps(self, place_count)

    @property
    def own_text(self):
        """The texts in the public page's language, when the view fetched them (``views_public.public_insatser``)
        and they exist; else None (the page shows the Swedish texts)."""
        texts = getattr(self, "own_texts", None)
        return texts[0] if texts else None

    def language_names(self):
        return [str(LANGUAGE_NAMES.get(code, code)) for code in self.languages]

    def funding_names(self):
        labels = dict(Funding.choices)
        return [str(labels.get(code, code)) for code in self.funding]


class Place(models.Model):
    """Where an insats takes place: an address in a municipality."""

    insats = models.ForeignKey(Insats, verbose_name=_("insats"), on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("name of the place"), max_length=200, blank=True)
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100)
    municipality = models.ForeignKey(
        "natverk.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["insats", "pk"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self):
        return ", ".join(part for part in [self.name, self.street_address, self.city] if part)


class InsatsChange(models.Model):
    """One changed field of an insats: who, when, old and new value, and why."""

    insats = models.ForeignKey(Insats, verbose_name=_("insats"), on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    field = models.CharField(_("field"), max_length=100)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("change history")

    def __str__(self):
        return f"{self.insats}: {self.field}"

    @property
    def shown_old(self):
        return history_value_shown(self.field, self.old_value)

    @property
    def shown_new(self):
        return history_value_shown(self.field, self.new_value)

    @property
    def field_label(self):
        """The field's name as the user knows it (or the event: created, verified)."""
        events = {"created": _("Created"), "verified": _("Verified as still correct"), "places": _("Places")}
        if self.field in events:
            return events[self.field]
        if self.field.startswith("text:"):  # text:<language>:<field> (InsatsText)
            _prefix, language, name = (self.field.split(":") + ["", ""])[:3]
            try:
                label = InsatsText._meta.get_field(name).verbose_name
            except Exception:
                label = name
            return f"{capfirst(label)} ({dict(TEXT_LANGUAGES).get(language, language)})"
        try:
            return Insats._meta.get_field(self.field).verbose_name
        except Exception:
            return self.field


def history_value_shown(field, value):
    """A history value (stored in Swedish) in the reader's language, where the portal knows the words: choices,
    yes/no, languages, funding, categories and target groups, the "verified" event. Free text stays as written."""
    from django.utils.translation import get_language, override

    if not value or (get_language() or "sv").startswith("sv"):
        return value
    if field == "verified":
        return str(_("Still correct"))
    choices = {"languages": LANGUAGES, "funding": Funding.choices}
    try:
        model_field = Insats._meta.get_field(field)
    except Exception:
        model_field = None
    if model_field is not None and model_field.choices:
        choices[field] = model_field.choices
    if field in choices:
        with override("sv"):
            codes = {str(label): code for code, label in choices[field]}
        labels = dict(choices[field])
        parts = [part.strip() for part in value.split(",")] if field in ("languages", "funding") else [value]
        return ", ".join(str(labels[codes[part]]) if part in codes else part for part in parts)
    if model_field is not None and isinstance(model_field, models.BooleanField):
        return {"Ja": str(_("Yes")), "Nej": str(_("No"))}.get(value, value)
    if field in ("category", "target_groups"):
        model = Category if field == "category" else TargetGroup
        english = dict(model.objects.exclude(name_en="").values_list("name", "name_en"))
        parts = [part.strip() for part in value.split(",")] if field == "target_groups" else [value]
        return ", ".join(english.get(part, part) for part in parts)
    return value


class SearchLog(models.Model):
    """A search without result, counted per query and week: only the text, nothing about who searched."""

    query = models.CharField(_("query"), max_length=200)
    week = models.DateField(_("week (Monday)"))
    count = models.PositiveIntegerField(_("times"), default=1)

    class Meta:
        ordering = ["-week", "-count"]
        verbose_name = _("search without result")
        verbose_name_plural = _("searches without result")
        constraints = [
            models.UniqueConstraint(fields=["query", "week"], name="searchlog_unique_query_week"),
        ]

    def __str__(self):
        return self.query


# The public catalogue's languages other than Swedish, by their code in the URL and named in themselves: the
# languages an insats's texts can be written in.
TEXT_LANGUAGES = [(language.url_code, language.native_name) for language in PUBLIC_LANGUAGES if language.url_code]


class InsatsText(models.Model):
    """An insats's texts for newcomers in one public language, written by its administrators (optional): a short
    summary, who it is for and how to apply. The public pages show them where they exist, else the Swedish texts
    with a note. Saved only through ``services.insats_text_save`` (history, version check)."""

    insats = models.ForeignKey(Insats, verbose_name=_("insats"), on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10, choices=TEXT_LANGUAGES)
    summary = models.CharField(_("short description"), max_length=300, blank=True)
    for_whom = models.CharField(_("for whom"), max_length=300, blank=True)
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["insats", "language"]
        verbose_name = _("translated text")
        verbose_name_plural = _("translated texts")
        constraints = [models.UniqueConstraint(fields=["insats", "language"], name="insatstext_unique_language")]

    def __str__(self):
        return f"{self.insats_id} {self.language}"

    @property
    def is_empty(self):
        return not (self.summary or self.for_whom or self.how_to_apply)


class ReferralCount(models.Model):
    """How many referral sheets were made of an insats in a public language in a week (a counter, nothing about the
    newcomer or the case officer)."""

    insats = models.ForeignKey(Insats, verbose_name=_("insats"), on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=10, help_text=_("The public language's code in the URL."))
    week = models.DateField(_("week (Monday)"))
    count = models.PositiveIntegerField(_("sheets"), default=0)

    class Meta:
        ordering = ["-week", "-count"]
        verbose_name = _("referral sheets")
        verbose_name_plural = _("referral sheets")
        constraints = [
            models.UniqueConstraint(fields=["insats", "language", "week"], name="referralcount_unique_week"),
        ]

    def __str__(self):
        return f"{self.insats_id} {self.language} {self.week}"


class SearchWeek(models.Model):
    """How many searches were made in a week (a counter, no queries, no people)."""

    week = models.DateField(_("week (Monday)"), unique=True)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    zero_results = models.PositiveIntegerField(_("searches without result"), default=0)

    class Meta:
        ordering = ["-week"]
        verbose_name = _("searches per week")
        verbose_name_plural = _("searches per week")

    def __str__(self):
        return str(self.week)


class FreshnessSnapshot(models.Model):
    """How fresh one municipality's maintained insatser were on one day (written by the nightly review job)."""

    day = models.DateField(_("day"))
    municipality = models.ForeignKey(
        "natverk.Municipality", verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    maintained = models.PositiveIntegerField(_("maintained insatser"), default=0)
    fresh = models.PositiveIntegerField(_("verified within interval"), default=0)
    unverified = models.PositiveIntegerField(_("marked unverified"), default=0)

    class Meta:
        ordering = ["day", "municipality__name"]
        verbose_name = _("freshness snapshot")
        verbose_name_plural = _("freshness snapshots")
        constraints = [
            # One row per municipality and day: the job can run twice a day and still write one.
            models.UniqueConstraint(fields=["day", "municipality"], name="freshness_unique_day_municipality"),
        ]

    def __str__(self):
        return f"{self.municipality} {self.day}"

    @property
    def share(self):
        """Per cent verified within the interval, or None when nothing is maintained."""
        return round(100 * self.fresh / self.maintained) if self.maintained else None


# The escalation limit: a review this late is escalated to the strategist, marked unverified, and marked (or
# hidden) in the public catalogue.
UNVERIFIED_AFTER = datetime.timedelta(weeks=4)


# --- The publishing gate ------------------------------------------------------------------------
# What a newcomer needs to act on an insats. ``publish_gaps`` is the definition: the form, the import, Django admin
# and the status actions all ask it before anything is written. ``publish_gate_q`` says the same in SQL for lists of
# existing entries (home panel, scoreboard); tests/insatsbasen/test_publish_gate.py holds the two to the same cases.
PUBLISH_GAPS = {
    "reach": (
        "function_email",
        _(
            "a way to reach someone: a function e-mail address or phone, a public contact person with e-mail or phone, "
            "or a provider with a website"
        ),
    ),
    "where": ("is_remote", _("where it takes place: at least one place, or “remote or at home”")),
    "languages": ("languages", _("at least one language of instruction")),
    "how_to_apply": ("how_to_apply", _("how to apply")),
    "intake_dates": ("intake_dates", _("the intake dates (the intake is “Fixed dates”)")),
}


# What to do about each gap, said at the field on the form.
PUBLISH_INSTRUCTIONS = {
    "reach": _(
        "Give a way to reach someone: a function e-mail address or phone, a contact person shown publicly, "
        "or a provider with a website."
    ),
    "where": _("Add at least one place below, or tick “remote or at home”."),
    "languages": _("Choose at least one language of instruction."),
    "how_to_apply": _("Write how to apply."),
    "intake_dates": _("The intake is “Fixed dates”: write the dates."),
}


def publish_gaps(insats, place_count=None):
    """The gate: ``(key, field name, message)`` for each thing missing before the insats may be published.

    Reads the insats's own values (a form's unsaved instance works); ``place_count`` is the number of places it
    will have (counted from the database when not given).
    """
    if place_count is None:
        place_count = insats.places.count() if insats.pk else 0
    contact, provider = insats.contact, insats.provider
    # Exact emptiness, as the SQL form compares (forms strip whitespace before anything is stored).
    reachable = bool(
        insats.function_email
        or insats.function_phone
        or (contact is not None and insats.contact_is_public and (contact.email or contact.phone))
        or (provider is not None and provider.website)
    )
    missing = {
        "reach": not reachable,
        "where": not (insats.is_remote or place_count),
        "languages": not insats.languages,
        "how_to_apply": not insats.how_to_apply,
        "intake_dates": insats.intake == Insats.Intake.FIXED and not insats.intake_dates,
    }
    return [(key, *PUBLISH_GAPS[key]) for key, gap in missing.items() if gap]


def publish_gate_q():
    """``publish_gaps`` as a condition: the insatser that pass the gate."""
    # The related rows are tested for existence first: a negated lookup across a missing (NULL) relation is true.
    public_contact = Q(contact_is_public=True, contact__isnull=False) & (~Q(contact__email="") | ~Q(contact__phone=""))
    provider_site = Q(provider__isnull=False) & ~Q(provider__website="")
    reach = ~Q(function_email="") | ~Q(function_phone="") | public_contact | provider_site
    where = Q(is_remote=True) | models.Exists(Place.objects.filter(insats=models.OuterRef("pk")))
    return (
        reach & where & ~Q(languages=[]) & ~Q(how_to_apply="") & (~Q(intake=Insats.Intake.FIXED) | ~Q(intake_dates=""))
    )


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


class ImportJobQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A user's own import jobs: nobody else sees them, not even the strategist."""
        return self.filter(user=user)


class ImportJob(models.Model):
    """An Excel import of insatser: the dry run, then the commit, each a background job (insatsbasen/imports.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked, waiting for your confirmation")
        COMMITTING = "committing", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    municipality = models.ForeignKey(
        "natverk.Municipality", verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, default="sv")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # The upload, kept only until the check has read it (the rows are then in ``result``).
    # In the export files' storage (intro_sodertorn/storage.py): the web process stores it and a worker, perhaps on
    # another host, reads it; with EXPORT_STORAGE_BUCKET both share the bucket.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", storage=export_storage, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    # The dry run: every row with its action, errors, warnings, changes and form data (what the commit reads).
    result = models.JSONField(_("dry run"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    # What the user reads when the job failed, in their language.
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [
            # "Mina importer": a user's own jobs, newest first.
            models.Index(fields=["user", "-created_at"], name="importjob_user_created_idx"),
        ]

    def __str__(self):
        return self.file_name or str(self.pk)

    @property
    def is_working(self):
        """Whether a background job is busy with it (the page asks again until it is not)."""
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.COMMITTING)
