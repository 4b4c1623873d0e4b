import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bruecken import storage


def _export_dir():
    return getattr(settings, "DATA_EXPORT_DIR", None)


# Data exports have no URL: only the owner's download view reads them. They are in the
# "private" storage's exports/ folder; on this machine in DATA_EXPORT_DIR if set, by default
# `private/exports/` beside MEDIA_ROOT (never under it).
export_storage = storage.private_area("exports", local_dir=_export_dir)


def _export_storage():
    return export_storage


class DataExportQuerySet(models.QuerySet):
    def owned_by(self, *, user=None, person=None):
        """The exports of the account `user`, or (without an account) of `person`: the one
        rule of whose export it is, used by the download views."""
        if user is not None and user.is_authenticated:
            return self.filter(user=user)
        if person is not None and person.pk is not None:
            return self.filter(person=person)
        return self.none()

    def available(self, now=None):
        """Ready and not expired: what may be downloaded."""
        return self.filter(status=DataExport.Status.READY, expires_at__gt=now or timezone.now())

    def expired(self, now=None):
        """Past their time, or unfinished for that long: for the housekeeping to delete."""
        now = now or timezone.now()
        stuck = now - timedelta(hours=settings.DATA_EXPORT_HOURS)
        return self.filter(
            Q(expires_at__lte=now) | Q(expires_at__isnull=True, requested_at__lte=stuck)
        )


class DataExport(models.Model):
    """A person's download of their own data (JSON and CSV in one zip), built in the
    background; only its owner may fetch it, and only until it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_exports",
    )
    # For people without an account (reached through an e-mail link).
    person = models.ForeignKey(
        "actors.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(storage=_export_storage, upload_to="", blank=True)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self):
        return str(_("data export"))


class ErasureRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ErasureRequest.Status.PENDING)

    def overdue(self, on=None):
        """Pending requests past their deadline (one month, Art. 12 (3) GDPR) on the day `on`."""
        return self.pending().filter(due_on__lt=on or timezone.localdate())

    def done(self):
        return self.filter(status=ErasureRequest.Status.DONE)


class ErasureRequest(models.Model):
    """A request to erase a person's data (GDPR Art. 17): made by the person themselves or
    recorded by the program office for someone without an account; due within one month."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("carried out")
        REJECTED = "rejected", _("rejected")

    person = models.ForeignKey(
        "actors.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What stands for the person once erased, in audit entries, attendance and registrations.
    pseudonym = models.CharField(_("pseudonym"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    due_on = models.DateField(_("due on"))
    by_the_person = models.BooleanField(_("requested by the person themselves"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    completed_at = models.DateTimeField(_("carried out on"), null=True, blank=True)
    # Never the person's name or address: the note outlives the erasure.
    note = models.TextField(_("note"), blank=True, max_length=2000)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        # Names no one: the audit keeps this text after the erasure.
        return _("Erasure request %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("privacy:erasure_request", args=[self.pk])

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def is_overdue(self, on=None):
        return self.is_pending and self.due_on < (on or timezone.localdate())


class LedgerEntry(models.Model):
    """What was deleted or anonymised, when and why: counts and kinds, never content."""

    class Reason(models.TextChoices):
        ERASURE = "erasure", _("erasure request")
        RETENTION = "retention", _("retention period")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    kind = models.CharField(_("kind of data"), max_length=60)
    count = models.PositiveIntegerField(_("count"))
    erasure_request = models.ForeignKey(
        ErasureRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("privacy ledger entry")
        verbose_name_plural = _("privacy ledger entries")

    def __str__(self):
        return f"{self.kind}: {self.count}"


class GuestLink(models.Model):
    """The personal link in an e-mail to someone without an account: see, export and delete
    their data, or unsubscribe. The URL carries a random token only; its hash is kept here, so
    whoever reads the database cannot use it. Expires after GUEST_DATA_LINK_DAYS."""

    person = models.ForeignKey("actors.Person", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("personal data link")
        verbose_name_plural = _("personal data links")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"
