"""Recommendations drawn from the local processes' results, and the guideline editions that
publish them. A published edition is frozen: its content is a JSON snapshot taken when it was
published, and its files (web page, PDF, DOCX) are rendered from that snapshot once."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from bruecken import fulltext, storage
from bruecken.accounts import roles
from bruecken.fields import acting_user, english_title
from bruecken.models import Timestamped
from bruecken.programs.models import Program

# Files served only through a view that checks the reader's permission: the "private" storage's
# guide/ folder (on this machine `private/guide/` beside MEDIA_ROOT, never under it).
_edition_files = storage.private_area("guide")


def private_storage():
    return _edition_files


class Category(models.Model):
    """A chapter of the recommendations, edited by the program office."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = english_title(_("name (English)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("recommendation category")
        verbose_name_plural = _("recommendation categories")

    def __str__(self):
        return self.name


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class RecommendationQuerySet(fulltext.Searchable, models.QuerySet):
    def public(self):
        """Accepted recommendations: what the guideline publishes, public to everyone."""
        return self.filter(status=RecommendationStatus.ACCEPTED)

    def visible_to(self, user):
        """The list-page mirror of `guide.view_recommendation`: all for the program office, else
        the recommendations of the programs the user's municipalities take part in."""
        if roles.is_program_office(user):
            return self.all()
        if not roles.working_municipality_ids(user):
            return self.none()
        return self.filter(program__in=Program.objects.visible_to(user).values("pk"))


class Recommendation(Timestamped):
    """A recommendation for municipalities and migrant organisations, with its evidence: the
    results, rated goals and workshops of the local processes it was drawn from."""

    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("program"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("category"),
    )
    results = models.ManyToManyField(
        "programs.Result", blank=True, related_name="recommendations", verbose_name=_("results")
    )
    goals = models.ManyToManyField(
        "programs.Goal",
        blank=True,
        related_name="recommendations",
        verbose_name=_("goals and their ratings"),
    )
    workshops = models.ManyToManyField(
        "events.Event", blank=True, related_name="recommendations", verbose_name=_("workshops")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.DRAFT,
    )
    created_by = acting_user(_("proposed by"))

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "category__name", "title", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guide:recommendation_detail", args=[self.pk])


class ReviewComment(models.Model):
    """A reviewer's comment, with the decision it came with (if any)."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("recommendation"),
    )
    author = acting_user(_("by"))
    status = models.CharField(
        _("status afterwards"), max_length=20, choices=RecommendationStatus.choices
    )
    text = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["recommendation", "created_at", "id"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self):
        return f"{self.recommendation}: {self.get_status_display()}"


class BuildStatus(models.TextChoices):
    IDLE = "idle", _("not built")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


BUILDING = (BuildStatus.QUEUED, BuildStatus.RUNNING)
# A build that has not reported progress for this long is taken to have died with its worker.
STALLED_AFTER = timedelta(minutes=15)


def edition_file_path(edition, filename):
    return f"{edition.program_id}/{edition.pk}/{Path(filename).name}"


class EditionQuerySet(models.QuerySet):
    def published(self):
        """Numbered and built: the public documents (`Edition.is_published`)."""
        return self.filter(number__isnull=False, build_status=BuildStatus.DONE)

    def building(self):
        """Editions whose files are queued or being built (`Edition.is_building`)."""
        return self.filter(build_status__in=BUILDING)

    def visible_to(self, user):
        """The list-page mirror of `guide.view_edition`: the published editions; all for the
        program office."""
        return self.all() if roles.is_program_office(user) else self.published()


class Edition(Timestamped):
    """A guideline edition. A draft is composed of chapters; publishing takes a snapshot of
    everything it shows, builds the files from it in the background and, once they are built,
    gives the edition the next number of its program. From then on it never changes."""

    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        related_name="guide_editions",
        verbose_name=_("program"),
    )
    title = models.CharField(_("title"), max_length=200)
    foreword = models.TextField(_("foreword"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="de",
        help_text=_("The language of the generated chapters' headings and labels."),
    )
    number = models.PositiveIntegerField(_("edition number"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = acting_user(_("published by"))
    # The frozen content of a publication in progress or done (see compose.py).
    snapshot = models.JSONField(_("content"), null=True, blank=True, editable=False)
    html_file = models.FileField(
        _("web edition"), upload_to=edition_file_path, storage=private_storage, blank=True
    )
    pdf_file = models.FileField(
        "PDF", upload_to=edition_file_path, storage=private_storage, blank=True
    )
    docx_file = models.FileField(
        "DOCX", upload_to=edition_file_path, storage=private_storage, blank=True
    )
    build_status = models.CharField(
        _("build"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.IDLE
    )
    build_percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    build_step = models.CharField(_("step"), max_length=200, blank=True)
    build_error = models.TextField(_("why the build failed"), blank=True)
    build_seconds = models.FloatField(_("build time in seconds"), null=True, blank=True)
    # After an organisation or person named in a published edition withdrew its consent (see
    # redaction.py): the public content without them and the files rebuilt from it. `snapshot`
    # and the files above stay the frozen edition, which only the program office sees.
    redacted_at = models.DateTimeField(_("redacted"), null=True, blank=True)
    public_snapshot = models.JSONField(_("public content"), null=True, blank=True, editable=False)
    public_html_file = models.FileField(
        _("redacted web edition"),
        upload_to=edition_file_path,
        storage=private_storage,
        blank=True,
    )
    public_pdf_file = models.FileField(
        _("redacted PDF"), upload_to=edition_file_path, storage=private_storage, blank=True
    )
    public_docx_file = models.FileField(
        _("redacted DOCX"), upload_to=edition_file_path, storage=private_storage, blank=True
    )
    redaction_status = models.CharField(
        _("rebuild after redaction"),
        max_length=10,
        choices=BuildStatus.choices,
        default=BuildStatus.IDLE,
    )
    redaction_error = models.TextField(_("why the rebuild failed"), blank=True)
    # An erasure took a name out of the frozen snapshot too: its files are rebuilt with the
    # public ones.
    frozen_files_outdated = models.BooleanField(default=False, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["program", "-number", "-created_at"]
        verbose_name = _("guideline edition")
        verbose_name_plural = _("guideline editions")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="unique_edition_number"),
            models.CheckConstraint(
                condition=models.Q(number__isnull=True) | models.Q(published_at__isnull=False),
                name="numbered_editions_published",
            ),
        ]

    def __str__(self):
        if self.number:
            return _("%(title)s, edition %(number)s") % {"title": self.title, "number": self.number}
        return self.title

    def get_absolute_url(self):
        return reverse("guide:edition_detail", args=[self.pk])

    @property
    def is_published(self):
        """Numbered and built: a public document."""
        return self.number is not None and self.build_status == BuildStatus.DONE

    @property
    def is_building(self):
        return self.build_status in BUILDING

    @property
    def is_redacted(self):
        return self.redacted_at is not None

    @property
    def public_content(self):
        """What everyone reads: the redacted content once a name was taken out, else the frozen
        snapshot."""
        return self.public_snapshot if self.is_redacted else self.snapshot

    @cached_property
    def public_files(self):
        """The files everyone downloads: after a redaction only the rebuilt ones (none while
        they are being rebuilt), never the frozen ones."""
        if not self.is_redacted:
            return self.files
        return [
            (kind, field)
            for kind, field in (
                ("pdf", self.public_pdf_file),
                ("docx", self.public_docx_file),
                ("html", self.public_html_file),
            )
            if field
        ]

    @property
    def public_kinds(self):
        return {kind for kind, _field in self.public_files}

    @cached_property
    def files(self):
        return [
            (kind, field)
            for kind, field in (
                ("pdf", self.pdf_file),
                ("docx", self.docx_file),
                ("html", self.html_file),
            )
            if field
        ]


class ChapterKind(models.TextChoices):
    TEXT = "text", _("free text")
    PROGRAM = "program", _("the program's design and goals")
    MUNICIPALITIES = "municipalities", _("activities in each municipality")
    RECOMMENDATIONS = "recommendations", _("recommendations by category")
    ANNEX = "annex", _("annex: participating organisations and method")


class Chapter(models.Model):
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("edition")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=ChapterKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Markdown. For generated chapters: an introduction before the generated part."),
    )
    # The municipalities chapter may show the figures the apps contribute per municipality
    # (bruecken/figures.py: partnerships linked, introductions, follow-ups due, ...).
    with_figures = models.BooleanField(
        _("include the figures per municipality"),
        default=False,
        help_text=_(
            "Only for the chapter on the municipalities: partnerships, introductions, advice "
            "and follow-ups, as counted when the edition is published."
        ),
    )

    class Meta:
        ordering = ["edition", "position", "id"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")

    def __str__(self):
        return self.title
