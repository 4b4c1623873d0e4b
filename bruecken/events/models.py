import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bruecken import fulltext, storage
from bruecken.accounts import roles
from bruecken.actors.models import Person
from bruecken.fields import acting_user, english_title, period_constraint
from bruecken.models import Timestamped
from bruecken.places.models import Language
from bruecken.programs.models import Admission, LocalProcess, Program, WorkshopKind

DOCUMENT_EXTENSIONS = ["pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "txt", "png", "jpg"]
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


class EventQuerySet(fulltext.Searchable, models.QuerySet):
    def public(self):
        """Published events with a date: what the website and the open API list."""
        return self.filter(is_published=True, starts_at__isnull=False)

    def visible_to(self, user):
        """The public events; staff also their municipalities' events (`events.view_event`)."""
        if roles.is_program_office(user):
            return self.all()
        condition = Q(is_published=True, starts_at__isnull=False)
        ids = roles.working_municipality_ids(user)
        if ids:
            condition |= Q(process__municipality_id__in=ids)
        return self.filter(condition)

    def facilitated_by(self, user):
        """The list mirror of `events.facilitate_event`: every event for the program office,
        else the workshops of the municipalities the user coordinates or facilitates."""
        if roles.is_program_office(user):
            return self.all()
        return self.filter(process__municipality_id__in=roles.working_municipality_ids(user))


class Event(Timestamped):
    """A workshop of a local process, or a program-level exchange workshop or seminar."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="events", verbose_name=_("program")
    )
    process = models.ForeignKey(
        LocalProcess,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("local process"),
    )
    position = models.PositiveSmallIntegerField(_("step"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=WorkshopKind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = english_title(_("title (English)"))
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("start"), null=True, blank=True)
    ends_at = models.DateTimeField(_("end"), null=True, blank=True)
    venue = models.TextField(_("venue address"), blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity_min = models.PositiveSmallIntegerField(_("minimum participants"), default=0)
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    places_per_municipality = models.PositiveSmallIntegerField(
        _("places per municipality"),
        null=True,
        blank=True,
        help_text=_("For exchange workshops: how many delegates each municipality may send."),
    )
    admission = models.CharField(_("who may attend"), max_length=20, choices=Admission.choices)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days before the deadline"), default=3
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="events", verbose_name=_("languages")
    )
    is_published = models.BooleanField(_("published"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The start the confirmed participants were last reminded of: the reminder goes out once,
    # and again only if the event moves.
    reminder_sent_for = models.DateTimeField(
        _("participants reminded of the start"), null=True, blank=True, editable=False
    )
    minutes = models.TextField(_("minutes"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "position", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["program", "starts_at"])]
        constraints = [
            period_constraint("event_period", start="starts_at", end="ends_at"),
            models.CheckConstraint(
                condition=Q(capacity__gte=models.F("capacity_min")), name="event_capacity"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event_detail", args=[self.pk])

    def participants(self):
        """The registrations of those who took part (`Registration.objects.participants`)."""
        return self.registrations.participants()

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The end lies before the start.")
        if self.capacity is not None and self.capacity_min > self.capacity:
            errors["capacity_min"] = _("The minimum is larger than the number of places.")
        if self.is_published and not self.starts_at:
            errors["starts_at"] = _("A published event needs a date.")
        if self.is_published and not (self.venue or self.online_url):
            errors["venue"] = _("Give a venue address, an online link or both.")
        if self.process_id and self.program_id and self.process.program_id != self.program_id:
            errors["process"] = _("The local process belongs to another program.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    @property
    def municipality(self):
        return self.process.municipality if self.process_id else None

    def registration_open(self, now=None):
        now = now or timezone.now()
        if self.is_cancelled or not self.is_published:
            return False
        if self.registration_deadline and now > self.registration_deadline:
            return False
        return not (self.starts_at and now > self.starts_at)


class AgendaItem(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("event")
    )
    starts_at = models.TimeField(_("time"))
    title = models.CharField(_("title"), max_length=200)
    title_en = english_title(_("title (English)"))
    responsible = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )

    class Meta:
        ordering = ["event", "starts_at", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return f"{self.starts_at:%H:%M} {self.title}"


def validate_document_size(upload):
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB.") % {"size": DOCUMENT_MAX_BYTES // 2**20},
            code="size",
        )


# Event documents are for the event's facilitators (`views.document_download`): in the
# "private" storage; on this machine under MEDIA_ROOT as before (which nobody serves directly).
_document_files = storage.private_area(local_alias="default")


def document_storage():
    return _document_files


def document_path(document, filename):
    return f"events/{document.event_id}/{Path(filename).name}"


class Document(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="documents", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=document_path,
        storage=document_storage,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS), validate_document_size],
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = acting_user(_("uploaded by"))

    class Meta:
        ordering = ["event", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title


def new_invitation_key():
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A personal invitation. Its link carries the key signed with the site's secret key, so a
    copy of the database alone cannot produce working links."""

    class Status(models.TextChoices):
        PENDING = "pending", _("not answered")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("person")
    )
    key = models.CharField(max_length=40, default=new_invitation_key, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    invited_by = acting_user(_("invited by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        ordering = ["event", "person__name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="one_invitation")]

    def __str__(self):
        return f"{self.person} – {self.event}"


class RegistrationQuerySet(models.QuerySet):
    def participants(self):
        """Who took part: at an event where the organisers recorded attendance (any registration
        with `attended` set), those marked attended; elsewhere the confirmed registrations."""
        recorded = Registration.objects.filter(event=OuterRef("event"), attended__isnull=False)
        return self.filter(
            Q(attended=True)
            | Q(status=Registration.Status.CONFIRMED, attended__isnull=True) & ~Exists(recorded)
        )


class Registration(models.Model):
    """A person's place at an event, or their place on its waiting list.

    Confirmed places and open offers count against capacity; they are recounted from these
    rows under a lock whenever a place is taken, never kept as a counter."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        OFFERED = "offered", _("place offered")
        WAITING = "waiting", _("waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "cancelled")
        EXPIRED = "expired", _("offer expired")

    class Source(models.TextChoices):
        SELF = "self", _("self-registration")
        INVITATION = "invitation", _("accepted invitation")
        ORGANISER = "organiser", _("added by the organisers")
        NOMINATED = "nominated", _("signed up by their organisation or municipality")

    HOLDS_PLACE = (Status.CONFIRMED, Status.OFFERED)
    ACTIVE = (Status.CONFIRMED, Status.OFFERED, Status.WAITING)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    source = models.CharField(_("how"), max_length=20, choices=Source.choices)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    # The waiting list is ordered by this; it is set anew when someone rejoins the list.
    queued_at = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer valid until"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "registered_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="one_registration")]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.person} – {self.event} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    def waiting_position(self):
        """1 for the first on the waiting list; None when not waiting."""
        if self.status != self.Status.WAITING:
            return None
        waiting = Registration.objects.filter(event_id=self.event_id, status=self.Status.WAITING)
        ahead = waiting.filter(queued_at__lt=self.queued_at).count()
        same_time = waiting.filter(queued_at=self.queued_at, id__lt=self.id).count()
        return ahead + same_time + 1


class PendingRegistrationQuerySet(models.QuerySet):
    def past_retention(self, now=None):
        """Requests older than RETENTION_UNCONFIRMED_REGISTRATION_DAYS: the housekeeping deletes
        them (a confirmed one holds no details any more, only its link to the registration)."""
        days = settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS
        return self.filter(created_at__lt=(now or timezone.now()) - timedelta(days=days))


class PendingRegistration(models.Model):
    """A registration without an account waiting for its confirmation: what the visitor entered,
    kept on the server so that the link in the e-mail carries nothing but a random token (only
    its hash is stored). Confirming it empties the details (they now live in the registry) and
    the housekeeping deletes the row after RETENTION_UNCONFIRMED_REGISTRATION_DAYS."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="de")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PendingRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("unconfirmed registration")
        verbose_name_plural = _("unconfirmed registrations")

    def __str__(self):
        # Never the name or address: this shows in logs and the admin's lists.
        return f"{self._meta.verbose_name} {self.pk}"
