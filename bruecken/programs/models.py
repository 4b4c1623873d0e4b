from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bruecken import fulltext
from bruecken.accounts import roles
from bruecken.fields import acting_user, english_text, english_title
from bruecken.places.models import Municipality

NOTHING = models.Q(pk__in=[])


def working_in(user, field):
    """Everything for the program office; else the rows whose `field` (a municipality id path)
    names a municipality the user coordinates or facilitates."""
    if roles.is_program_office(user):
        return models.Q()
    ids = roles.working_municipality_ids(user)
    return models.Q(**{f"{field}__in": ids}) if ids else NOTHING


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Programs the user works in: all for the office, else those of their municipalities."""
        if roles.is_program_office(user):
            return self.all()
        ids = roles.working_municipality_ids(user)
        through = Program.municipalities.through.objects.filter(municipality_id__in=ids)
        return self.filter(pk__in=through.values("program_id")) if ids else self.none()


class ProcessQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Processes whose dashboard the user may open (`programs.view_process`)."""
        return self.filter(working_in(user, "municipality_id"))


class PublicOrWorkingQuerySet(fulltext.Searchable, models.QuerySet):
    """Goals and results: the public ones for everyone, all of their municipalities for staff."""

    municipality_path = None

    def public(self):
        return self.filter(is_public=True)

    def visible_to(self, user):
        if roles.is_program_office(user):
            return self.all()
        condition = models.Q(is_public=True)
        ids = roles.working_municipality_ids(user)
        if ids:
            condition |= models.Q(**{f"{self.municipality_path}__in": ids})
        return self.filter(condition)


def public_flag():
    """Whether a goal or result is shown on its municipality's public page."""
    return models.BooleanField(
        _("show on the website"),
        default=False,
        help_text=_("Shown on the municipality's public page."),
    )


class GoalQuerySet(PublicOrWorkingQuerySet):
    municipality_path = "process__municipality_id"


class ResultQuerySet(PublicOrWorkingQuerySet):
    municipality_path = "workshop__process__municipality_id"


class WorkshopKind(models.TextChoices):
    INITIATIVE = "initiative", _("initiative workshop")
    EXTENDED = "extended", _("extended workshop")
    EVALUATION = "evaluation", _("evaluation workshop")
    EXCHANGE = "exchange", _("exchange workshop")
    SEMINAR = "seminar", _("advisory seminar")


class Admission(models.TextChoices):
    INVITED = "invited", _("by invitation")
    OPEN = "open", _("open registration")
    INITIATIVE_CIRCLE = "initiative_circle", _("initiative circle only")
    DELEGATES = "delegates", _("delegates of the municipalities")


class Program(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_en = english_title(_("name (English)"))
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    office = models.CharField(
        _("program office"),
        max_length=200,
        help_text=_("Who runs the program, e.g. Servicestelle Kommunen in der Einen Welt."),
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="programs",
        verbose_name=_("participating municipalities"),
    )
    template = models.ForeignKey(
        "ProcessTemplate",
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("process template"),
        help_text=_("The steps each local process of this program starts with."),
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="program_period"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end lies before the start.")})


class ProcessTemplate(models.Model):
    """The steps of a local process, as data: the flyer's four workshops are the default."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("process template")
        verbose_name_plural = _("process templates")

    def __str__(self):
        return self.name


class TemplateStep(models.Model):
    template = models.ForeignKey(
        ProcessTemplate, on_delete=models.CASCADE, related_name="steps", verbose_name=_("template")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=WorkshopKind.choices)
    title = models.CharField(_("title"), max_length=200)
    capacity_min = models.PositiveSmallIntegerField(_("minimum participants"), default=0)
    capacity_max = models.PositiveSmallIntegerField(
        _("maximum participants"), validators=[MinValueValidator(1)]
    )
    admission = models.CharField(_("who may attend"), max_length=20, choices=Admission.choices)
    purpose = models.TextField(_("purpose"), blank=True)

    class Meta:
        ordering = ["template", "position"]
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="unique_step_position"),
            models.CheckConstraint(
                condition=models.Q(capacity_max__gte=models.F("capacity_min")),
                name="step_capacity",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def clean(self):
        if self.capacity_max is not None and self.capacity_min > self.capacity_max:
            raise ValidationError({"capacity_min": _("The minimum is larger than the maximum.")})


class LocalProcess(models.Model):
    """One municipality's process within a program, created from the program's template."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="processes", verbose_name=_("program")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="processes",
        verbose_name=_("municipality"),
    )
    template = models.ForeignKey(
        ProcessTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("template")
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_by = acting_user(_("started by"))

    objects = ProcessQuerySet.as_manager()

    class Meta:
        ordering = ["program", "municipality__name"]
        verbose_name = _("local process")
        verbose_name_plural = _("local processes")
        constraints = [
            models.UniqueConstraint(fields=["program", "municipality"], name="one_process")
        ]

    def __str__(self):
        return f"{self.municipality} – {self.program}"


class Goal(models.Model):
    """A goal the initiative workshop fixes for the local process."""

    process = models.ForeignKey(
        LocalProcess, on_delete=models.CASCADE, related_name="goals", verbose_name=_("process")
    )
    workshop = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals_set",
        verbose_name=_("set at workshop"),
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = english_title(_("title (English)"))
    description = models.TextField(_("description"), blank=True)
    description_en = english_text(_("description (English)"))
    indicator = models.CharField(
        _("indicator"), max_length=300, help_text=_("How we will know the goal is reached.")
    )
    indicator_en = english_title(_("indicator (English)"), max_length=300)
    responsible = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("responsible organisation"),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    is_public = public_flag()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["process", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.title


class Rating(models.TextChoices):
    ACHIEVED = "achieved", _("achieved")
    PARTLY = "partly", _("partly achieved")
    NOT_ACHIEVED = "not_achieved", _("not achieved")


class GoalRating(models.Model):
    """The evaluation workshop's judgement of a goal."""

    goal = models.OneToOneField(
        Goal, on_delete=models.CASCADE, related_name="rating", verbose_name=_("goal")
    )
    workshop = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="goal_ratings",
        verbose_name=_("evaluation workshop"),
    )
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), auto_now=True)

    class Meta:
        verbose_name = _("goal rating")
        verbose_name_plural = _("goal ratings")

    def __str__(self):
        return f"{self.goal}: {self.get_rating_display()}"


class ResultKind(models.TextChoices):
    AGREEMENT = "agreement", _("agreement")
    PROJECT_IDEA = "project_idea", _("project idea")
    LESSON = "lesson", _("lesson learned")
    COOPERATION = "cooperation", _("new cooperation")
    OPEN_QUESTION = "open_question", _("open question")


class ResultStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class Result(models.Model):
    workshop = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="results", verbose_name=_("workshop")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResultKind.choices)
    text = models.TextField(_("text"))
    text_en = english_text(_("text (English)"))
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="results", verbose_name=_("goals")
    )
    organisations = models.ManyToManyField(
        "actors.Organisation",
        blank=True,
        related_name="results",
        verbose_name=_("responsible organisations"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ResultStatus.choices, default=ResultStatus.PLANNED
    )
    is_public = public_flag()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return self.text[:80]


class ResultStatusChange(models.Model):
    result = models.ForeignKey(
        Result, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("result")
    )
    status = models.CharField(_("status"), max_length=20, choices=ResultStatus.choices)
    changed_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    changed_by = acting_user(_("by"))

    class Meta:
        ordering = ["result", "changed_on", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.changed_on}: {self.get_status_display()}"
