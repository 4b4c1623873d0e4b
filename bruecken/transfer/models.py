"""An import run: the uploaded file, how its columns map to fields, the dry run's findings and
the outcome. Uploaded files live outside MEDIA_ROOT (never under a public URL) and are deleted
once the run is committed or abandoned (and by `delete_stale_uploads`)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bruecken import storage
from bruecken.accounts import roles
from bruecken.fields import acting_user
from bruecken.models import Timestamped


def upload_dir():
    return getattr(settings, "TRANSFER_UPLOAD_DIR", None) or (settings.VAR_DIR / "imports")


# Uploads have no URL and no web server serves them; the web process stores them and the worker
# reads them, so they are in the "private" storage's imports/ folder (on this machine in
# TRANSFER_UPLOAD_DIR, by default VAR_DIR/imports).
private_storage = storage.private_area("imports", local_dir=upload_dir)


def _private_storage():
    return private_storage


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("organisations")
    PEOPLE = "people", _("people")
    MEMBERSHIPS = "memberships", _("memberships")
    TIES = "ties", _("ties between organisations")
    PARTNERSHIPS = "partnerships", _("municipal partnerships")


class OnDuplicate(models.TextChoices):
    SKIP = "skip", _("skip the row, keep the existing entry")
    UPDATE = "update", _("update the existing entry from the row")


class ImportRun(Timestamped):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKING = "checking", _("checking")
        CHECKED = "checked", _("checked")
        COMMITTING = "committing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")
        ABANDONED = "abandoned", _("abandoned")

    kind = models.CharField(_("what to import"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), storage=_private_storage, upload_to="%Y/%m", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=5, blank=True)
    headers = models.JSONField(_("columns"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    on_duplicate = models.CharField(
        _("existing entries"), max_length=10, choices=OnDuplicate.choices, default="skip"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    # The distinct values of choice columns that are not known, with a proposal each; the run
    # is imported only when every one is mapped or left out.
    unknown_values = models.JSONField(_("unknown values"), default=list, blank=True)
    # {vocabulary: {value key: code or ""}}: what the user chose for this run.
    value_mapping = models.JSONField(_("value mapping"), default=dict, blank=True)
    # The values the dry run translated by a mapping: [{vocabulary, value, target}].
    mapped_values = models.JSONField(_("mapped values"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    in_background = models.BooleanField(_("in the background"), default=False)
    created_by = acting_user(_("by"), blank=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("transfer:run", args=[self.pk])

    @property
    def is_busy(self):
        return self.status in (self.Status.CHECKING, self.Status.COMMITTING)

    @property
    def can_commit(self):
        return (
            self.status == self.Status.CHECKED
            and self.problem_count == 0
            and not self.unknown_values
        )

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.ABANDONED)

    @property
    def percent(self):
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ValueMappingQuerySet(models.QuerySet):
    def for_user(self, user):
        """The mappings that apply to the user's imports: their municipalities' (shared by the
        coordinators of a municipality, who keep the same spreadsheets) and their own."""
        municipality_ids = roles.coordinated_municipality_ids(user)
        return self.filter(
            models.Q(municipality_id__in=municipality_ids)
            | models.Q(user=user, municipality__isnull=True)
        )

    def as_dict(self):
        """{vocabulary: {value key: target}}; where several apply, the latest wins."""
        mapping = {}
        for vocabulary, key, target in self.order_by("updated_at", "pk").values_list(
            "vocabulary", "value_key", "target"
        ):
            mapping.setdefault(vocabulary, {})[key] = target
        return mapping


class ValueMapping(Timestamped):
    """A value of a spreadsheet's choice column ("Kirchengemeinde") and the known value it
    stands for (or "" to leave it out), remembered for the next import. A coordinator's
    mapping belongs to their municipality; the program office's to the person."""

    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    vocabulary = models.CharField(_("list of values"), max_length=30)
    value_key = models.CharField(_("value (normalised)"), max_length=200)
    value = models.CharField(_("value in the file"), max_length=200)
    target = models.CharField(_("known value"), max_length=50, blank=True)
    changed_by = acting_user(_("by"))

    objects = ValueMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("value mapping")
        verbose_name_plural = _("value mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "vocabulary", "value_key"],
                condition=models.Q(municipality__isnull=False),
                name="transfer_valuemapping_unique_municipality",
            ),
            models.UniqueConstraint(
                fields=["user", "vocabulary", "value_key"],
                condition=models.Q(municipality__isnull=True),
                name="transfer_valuemapping_unique_user",
            ),
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=False, user__isnull=True)
                | models.Q(municipality__isnull=True, user__isnull=False),
                name="transfer_valuemapping_one_owner",
            ),
        ]

    def __str__(self):
        return f"{self.value} → {self.target or '–'}"
