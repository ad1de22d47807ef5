"""The network register: municipalities, organisations, contacts, networks and meetings."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intro_sodertorn.choices import choice_label

from .versioning import VersionedModel


class MunicipalityQuerySet(models.QuerySet):
    def members_on(self, day):
        """Municipalities in the collaboration on a given day."""
        return self.filter(Q(member_from__lte=day), Q(member_to__isnull=True) | Q(member_to__gte=day))

    def current_members(self):
        return self.members_on(timezone.localdate())

    def members_during(self, start, end):
        """Municipalities that were members at some point between start and end."""
        return self.filter(Q(member_from__lte=end), Q(member_to__isnull=True) | Q(member_to__gte=start))


class Municipality(models.Model):
    """A municipality, with its membership of the collaboration."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("municipality code"), max_length=4, unique=True, help_text=_("The official four-digit code (SCB).")
    )
    member_from = models.DateField(_("member from"))
    member_to = models.DateField(_("member to"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(member_to__isnull=True) | Q(member_to__gte=models.F("member_from")),
                name="municipality_membership_dates_in_order",
            )
        ]

    def __str__(self):
        return self.name

    def is_member_on(self, day: datetime.date) -> bool:
        return self.member_from <= day and (self.member_to is None or self.member_to >= day)


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every logged-in user reads the register; notes are hidden in the templates and forms."""
        return self.all() if user.is_authenticated and user.is_active else self.none()

    def editable_by(self, user):
        """The strategist changes every organisation; municipal users those of their own municipality."""
        from intro_sodertorn import access

        if access.is_strategist(user) or access.is_system_admin(user):
            return self.all()
        return self.filter(municipality_id__in=access.any_municipality_ids(user))


class Organisation(VersionedModel):
    """An organisation the collaboration works with: authority, municipal unit, provider, project."""

    class Kind(models.TextChoices):
        MUNICIPAL_UNIT = "municipal_unit", _("Municipal unit")
        EMPLOYMENT_SERVICE = "arbetsformedlingen", _("Arbetsförmedlingen")
        COUNTY_BOARD = "lansstyrelsen", _("Länsstyrelsen")
        MIGRATION_AGENCY = "migrationsverket", _("Migrationsverket")
        SKL = "skl", _("SKL")
        KSL = "ksl", _("KSL")
        COUNTY_COUNCIL = "landsting", _("County council (landsting)")
        SOCIAL_INSURANCE = "forsakringskassan", _("Försäkringskassan")
        COORDINATION_ASSOCIATION = "samordningsforbund", _("Coordination association (samordningsförbund)")
        SFI_PROVIDER = "sfi_provider", _("SFI provider")
        FOLK_HIGH_SCHOOL = "folkhogskola", _("Folk high school or study association")
        NON_PROFIT = "ideell", _("Non-profit association")
        ESF_PROJECT = "esf_project", _("ESF project")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "municipality"], name="organisation_unique_name_per_municipality")
        ]

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return choice_label(self.Kind, self.kind)


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every logged-in user sees names, organisations, roles and work e-mail/phone."""
        return self.all() if user.is_authenticated and user.is_active else self.none()

    def editable_by(self, user):
        """The strategist changes every contact; municipal users (any municipal role) their municipality's."""
        from intro_sodertorn import access

        if access.is_strategist(user) or access.is_system_admin(user):
            return self.all()
        return self.filter(municipality_id__in=access.any_municipality_ids(user))

    def active(self):
        return self.filter(is_active=True)

    def not_anonymised(self):
        return self.filter(anonymised_at__isnull=True)

    def with_latest_activity(self):
        """Annotate ``latest_activity``: the latest of last activity, change and meeting attended."""
        from django.db.models import Max
        from django.db.models.functions import Cast, Coalesce, Greatest

        latest_meeting = Cast(Max("attendances__meeting__date"), models.DateTimeField())
        return self.annotate(
            latest_meeting=Max("attendances__meeting__date"),
            latest_activity=Greatest(
                Coalesce("last_activity_at", "updated_at"),
                Coalesce(latest_meeting, "updated_at"),
                "updated_at",
            ),
        )

    def due_for_retention_review(self, now=None, months=24):
        """Contacts not anonymised with no activity for ``months`` months (about 30.4 days each)."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(days=round(months * 30.44))
        # Each part of latest_activity is before the cutoff: the contact's own dates pick the candidates first (in
        # WHERE, by contact_retention_idx), and only those are joined with their meetings, not the whole register.
        own_dates = Q(updated_at__lt=cutoff) & (Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=cutoff))
        return self.not_anonymised().filter(own_dates).with_latest_activity().filter(latest_activity__lt=cutoff)


class Contact(VersionedModel):
    """A person the collaboration works with. Work data only."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title or role"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    email = models.EmailField(_("work e-mail"), blank=True)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    last_activity_at = models.DateTimeField(
        _("last activity"), null=True, blank=True, help_text=_("Latest meeting, membership or change.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # Duplicate warning: same e-mail.
            models.Index(fields=["email"], name="contact_email_idx"),
            # views.contact_list: the register sorted by name, fifty a page.
            models.Index(fields=["name"], name="contact_name_idx"),
            # The organisation list's active contacts per organisation, counted from the index alone.
            models.Index(fields=["organisation"], condition=Q(is_active=True), name="contact_active_org_idx"),
            # The contacts a municipality has now (active, not anonymised): counted per municipality from the index
            # alone (views.municipality_list), the first by name on the municipality page.
            models.Index(
                fields=["municipality", "name"],
                condition=Q(is_active=True, anonymised_at__isnull=True),
                name="contact_municipality_now_idx",
            ),
            # The retention review's candidates: not anonymised, unchanged since the cutoff.
            models.Index(fields=["updated_at"], condition=Q(anonymised_at__isnull=True), name="contact_retention_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_anonymised(self):
        return self.anonymised_at is not None


class NetworkQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all() if user.is_authenticated and user.is_active else self.none()

    def editable_by(self, user):
        """Only the strategist changes networks and their memberships."""
        from intro_sodertorn import access

        return self.all() if access.is_strategist(user) or access.is_system_admin(user) else self.none()


class Network(VersionedModel):
    """A network or group: SFI network, steering group, coordination group, reference group."""

    class Kind(models.TextChoices):
        NETWORK = "natverk", _("Network")
        STEERING_GROUP = "styrgrupp", _("Steering group")
        COORDINATION_GROUP = "samordningsgrupp", _("Coordination group")
        REFERENCE_GROUP = "referensgrupp", _("Reference group")
        WORKING_GROUP = "arbetsgrupp", _("Working group")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.NETWORK)
    purpose = models.TextField(_("purpose"), blank=True)
    convenor = models.ForeignKey(
        Contact,
        verbose_name=_("convenor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="convened_networks",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return choice_label(self.Kind, self.kind)


class MembershipQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def upcoming(self, day=None):
        """Memberships that start after the day: not yet representation."""
        return self.filter(valid_from__gt=day or timezone.localdate())

    def past(self, day=None):
        """Memberships that ended before the day."""
        return self.filter(valid_to__lt=day or timezone.localdate())


class Membership(VersionedModel):
    """A contact's membership of a network, with role, municipality represented and dates."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("For example representative for SFI, chair.")
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality represented"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("to"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["network", "contact__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [
            # A network's current members counted from the index alone (views.with_member_count: the network
            # list, the start page), and a network's memberships by date.
            models.Index(fields=["network", "valid_from", "valid_to"], name="membership_network_dates_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="membership_dates_in_order",
            )
        ]

    def __str__(self):
        return f"{self.contact} – {self.network}"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings, their attendees and decisions are read by every logged-in user."""
        return self.all() if user.is_authenticated and user.is_active else self.none()

    def editable_by(self, user):
        """Only the strategist records and changes meetings."""
        from intro_sodertorn import access

        return self.all() if access.is_strategist(user) or access.is_system_admin(user) else self.none()


class Meeting(VersionedModel):
    """A meeting of a network: date, place, agenda, attendees, notes and decisions."""

    network = models.ForeignKey(Network, verbose_name=_("network"), on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        indexes = [
            # views.network_detail and views.contact_detail: a network's meetings, newest first.
            models.Index(fields=["network", "-date"], name="meeting_network_date_idx"),
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.network} {self.date:%Y-%m-%d}"


class Attendance(models.Model):
    """Whether a contact was present at or excused from a meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PRESENT)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "contact"], name="attendance_once_per_meeting")]

    def __str__(self):
        return f"{self.contact} ({self.get_status_display()})"


class Decision(models.Model):
    """A decision taken at a meeting. It can become an action point in uppdrag."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    position = models.PositiveIntegerField(_("number"), default=1)

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.text[:80]


class AnonymisationLog(models.Model):
    """That a contact was anonymised, by whom and when. Holds no personal data of the contact."""

    class Reason(models.TextChoices):
        # Fixed choices, never free text, so the log can hold no personal data.
        REQUEST = "request", _("At the person's request")
        RETENTION = "retention", _("Retention review: inactive for a long time")
        LEFT = "left", _("The person has left the role")

    contact_id_anonymised = models.PositiveIntegerField(_("contact number"))
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("performed by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    performed_at = models.DateTimeField(_("performed at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, default=Reason.REQUEST)
    generalised = models.TextField(
        _("also cleared"),
        blank=True,
        help_text=_(
            "Which details that together could point out the person were cleared, and why (never their values)."
        ),
    )

    class Meta:
        ordering = ["-performed_at"]
        verbose_name = _("anonymisation log entry")
        verbose_name_plural = _("anonymisation log")

    def __str__(self):
        return f"#{self.contact_id_anonymised} {self.performed_at:%Y-%m-%d}"
