import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from bruecken.fields import acting_user
from bruecken.programs.models import LocalProcess
from bruecken.storage import delete_quietly, private_area

# Served only by `views.build_download`, after its rule: in the "private" storage; on this
# machine under MEDIA_ROOT as before (which nobody serves directly).
_build_files = private_area(local_alias="default")


def build_storage():
    return _build_files


def build_file_path(build, filename):
    """With a random part: a guessed path finds nothing even if a server served the folder."""
    return f"reports/processes/{build.process_id}/{secrets.token_hex(8)}/{filename}"


class ProcessDocumentBuild(models.Model):
    """One PDF build of a local process's documentation: who asked for it, how far it got, and
    the finished file. A failed build has no file; the earlier builds keep theirs."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        # Its file named an organisation that has since withdrawn its consent (services.py).
        REMOVED = "removed", _("removed")

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    process = models.ForeignKey(
        LocalProcess,
        on_delete=models.CASCADE,
        related_name="document_builds",
        verbose_name=_("local process"),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(
        _("file"), upload_to=build_file_path, storage=build_storage, blank=True, max_length=300
    )
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    requested_by = acting_user(_("requested by"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("process documentation build")
        verbose_name_plural = _("process documentation builds")
        indexes = [models.Index(fields=["process", "status"])]

    def __str__(self):
        return f"{self.process} ({self.language}, {self.get_status_display()})"

    @property
    def in_progress(self):
        return self.status in self.IN_PROGRESS

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


@receiver(post_delete, sender=ProcessDocumentBuild)
def _delete_file(sender, instance, **kwargs):
    """A build's file goes with its row (also when its process is deleted), once the deletion
    has committed."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: delete_quietly(storage, name))
