import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    file = models.FileField(upload_to="private/exports/", blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")


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
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")


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
