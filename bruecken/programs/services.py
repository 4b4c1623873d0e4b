"""Programs, local processes, goals and results: rule check, transaction, audit entry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken.accounts import audit
from bruecken.permissions import require
from bruecken.places.models import Municipality

from .models import (
    Admission,
    Goal,
    GoalRating,
    LocalProcess,
    ProcessTemplate,
    Program,
    Result,
    ResultStatusChange,
    TemplateStep,
    WorkshopKind,
)
from .signals import process_started

GOAL_FIELDS = [
    "title",
    "title_en",
    "description",
    "description_en",
    "indicator",
    "indicator_en",
    "responsible",
    "target_date",
    "is_public",
]
RESULT_FIELDS = ["kind", "text", "text_en", "status", "goals", "organisations", "is_public"]
RESULT_SCALARS = [name for name in RESULT_FIELDS if name not in ("goals", "organisations")]
RATING_FIELDS = ["rating", "comment"]


def _assign(instance, values, fields):
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


@transaction.atomic
def start_local_process(user, program, municipality):
    """Create the municipality's local process; its draft workshops, one per template step, come
    from events' receiver of `process_started`."""
    require(user, "programs.start_process", municipality)
    if not program.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError(
            _("%(municipality)s does not take part in %(program)s.")
            % {"municipality": municipality, "program": program}
        )
    process = LocalProcess(
        program=program, municipality=municipality, template=program.template, started_by=user
    )
    with audit.changes(user, process, ["template"], subjects=[municipality]):
        try:
            with transaction.atomic():
                process.save(force_insert=True)
        except IntegrityError:
            raise ValidationError(
                _("%(municipality)s's local process has already been started.")
                % {"municipality": municipality}
            ) from None
        process_started.send(sender=LocalProcess, process=process, user=user)
    return process


@transaction.atomic
def add_goal(user, workshop, values):
    """Goals are fixed at the initiative workshop of the process."""
    require(user, "events.facilitate_event", workshop)
    if workshop.kind != WorkshopKind.INITIATIVE or not workshop.process_id:
        raise ValidationError(_("Goals are set at the initiative workshop."))
    goal = Goal(process=workshop.process, workshop=workshop)
    with audit.changes(user, goal, GOAL_FIELDS, subjects=[workshop, workshop.process]):
        _assign(goal, values, GOAL_FIELDS)
        goal.full_clean()
        goal.save()
    return goal


@transaction.atomic
def update_goal(user, goal, values):
    # The stored row is the "before" of the audit entry, whatever the caller changed already.
    goal = (
        Goal.objects.select_for_update(of=("self",))
        .select_related("workshop__process")
        .get(pk=goal.pk)
    )
    if goal.workshop is None:
        raise PermissionDenied
    require(user, "events.facilitate_event", goal.workshop)
    with audit.changes(user, goal, GOAL_FIELDS, subjects=[goal.process]):
        _assign(goal, values, GOAL_FIELDS)
        goal.full_clean()
        goal.save()
    return goal


@transaction.atomic
def rate_goal(user, workshop, goal, rating, comment=""):
    """The evaluation workshop rates the goals of its own process, once it has a date."""
    require(user, "events.rate_goals", workshop)
    if workshop.kind != WorkshopKind.EVALUATION or workshop.process_id != goal.process_id:
        raise ValidationError(_("Goals are rated at the evaluation workshop of their process."))
    goal_rating = GoalRating.objects.filter(goal=goal).first() or GoalRating(goal=goal)
    # The same rating again changes nothing (and is not saved).
    unchanged = goal_rating.pk is not None and (goal_rating.rating, goal_rating.comment) == (
        rating,
        comment,
    )
    with audit.changes(user, goal_rating, RATING_FIELDS, subjects=[goal, workshop, goal.process]):
        goal_rating.workshop = workshop
        goal_rating.rating = rating
        goal_rating.comment = comment
        goal_rating.full_clean()
        if not unchanged:
            goal_rating.save()
    return goal_rating


def _check_result_links(workshop, values):
    goals = values.get("goals") or []
    if any(goal.process_id != workshop.process_id for goal in goals):
        raise ValidationError({"goals": _("Link only goals of this local process.")})


@transaction.atomic
def add_result(user, workshop, values):
    require(user, "events.facilitate_event", workshop)
    _check_result_links(workshop, values)
    result = Result(workshop=workshop)
    with audit.changes(user, result, RESULT_FIELDS, subjects=[workshop]):
        _assign(result, values, RESULT_SCALARS)
        result.full_clean()
        result.save()
        result.goals.set(values.get("goals") or [])
        result.organisations.set(values.get("organisations") or [])
        ResultStatusChange.objects.create(
            result=result, status=result.status, changed_on=timezone.localdate(), changed_by=user
        )
    return result


@transaction.atomic
def update_result(user, result, values, note=""):
    result = (
        Result.objects.select_for_update(of=("self",))
        .select_related("workshop__process")
        .get(pk=result.pk)
    )
    require(user, "events.facilitate_event", result.workshop)
    _check_result_links(result.workshop, values)
    old_status = result.status
    with audit.changes(user, result, RESULT_FIELDS, subjects=[result.workshop]):
        _assign(result, values, RESULT_SCALARS)
        result.full_clean()
        result.save()
        if "goals" in values:
            result.goals.set(values["goals"])
        if "organisations" in values:
            result.organisations.set(values["organisations"])
        if result.status != old_status:
            ResultStatusChange.objects.create(
                result=result,
                status=result.status,
                changed_on=timezone.localdate(),
                note=note,
                changed_by=user,
            )
    return result


DEFAULT_TEMPLATE = "Migration und Entwicklung auf lokaler Ebene"
DEFAULT_STEPS = [
    # (kind, title, min, max, admission, purpose) – the flyer's four local workshops.
    (
        WorkshopKind.INITIATIVE,
        "Initiativworkshop",
        12,
        15,
        "invited",
        "Rund 12 bis 15 Verantwortungsträger und Multiplikatoren legen die Ziele und Inhalte "
        "des kommunalen Prozesses gemeinsam mit den kommunalen Akteuren fest.",
    ),
    (
        WorkshopKind.EXTENDED,
        "Erweiterter Workshop I",
        30,
        40,
        "open",
        "Erweiterter Workshop mit ca. 30 bis 40 Teilnehmenden.",
    ),
    (
        WorkshopKind.EXTENDED,
        "Erweiterter Workshop II",
        30,
        40,
        "open",
        "Erweiterter Workshop mit ca. 30 bis 40 Teilnehmenden.",
    ),
    (
        WorkshopKind.EVALUATION,
        "Auswertungsworkshop",
        12,
        15,
        "initiative_circle",
        "Der kleinere Teilnehmerkreis des ersten Workshops kommt zum Schluss zu einem "
        "Auswertungsworkshop zusammen.",
    ),
]


@transaction.atomic
def load_default_template():
    """The flyer's process as a template; safe to run again (existing steps are kept)."""
    template, created = ProcessTemplate.objects.get_or_create(
        name=DEFAULT_TEMPLATE,
        defaults={
            "description": "Vier lokale Workshops je Modellkommune, wie im Pilotprojekt der "
            "Servicestelle Kommunen in der Einen Welt (2007–2010)."
        },
    )
    if created:
        for position, (kind, title, low, high, admission, purpose) in enumerate(
            DEFAULT_STEPS, start=1
        ):
            TemplateStep.objects.create(
                template=template,
                position=position,
                kind=kind,
                title=title,
                capacity_min=low,
                capacity_max=high,
                admission=admission,
                purpose=purpose,
            )
    return template


# Programs and process templates (the program office).

PROGRAM_FIELDS = [
    "name",
    "name_en",
    "description",
    "description_en",
    "office",
    "starts_on",
    "ends_on",
    "template",
]
PROGRAM_M2M = ["municipalities"]
TEMPLATE_FIELDS = ["name", "description"]
STEP_FIELDS = ["kind", "title", "capacity_min", "capacity_max", "admission", "purpose"]


def _save_program(program, values):
    _assign(program, values, PROGRAM_FIELDS)
    program.full_clean(exclude=PROGRAM_M2M)
    program.save()
    if "municipalities" in values:
        program.municipalities.set(values["municipalities"])


@transaction.atomic
def create_program(user, values):
    require(user, "programs.manage_program")
    program = Program()
    with audit.changes(user, program, PROGRAM_FIELDS + PROGRAM_M2M):
        _save_program(program, values)
    return program


@transaction.atomic
def update_program(user, program, values):
    """Change a program. A municipality whose local process has started stays in it."""
    require(user, "programs.manage_program")
    program = Program.objects.select_for_update().get(pk=program.pk)
    if "municipalities" in values:
        kept = {municipality.pk for municipality in values["municipalities"]}
        started = (
            LocalProcess.objects.filter(program=program)
            .exclude(municipality_id__in=kept)
            .select_related("municipality")
        )
        names = sorted(str(process.municipality) for process in started)
        if names:
            raise ValidationError(
                {
                    "municipalities": ngettext(
                        "The local process of %(names)s has started; the municipality stays "
                        "in the program.",
                        "The local processes of %(names)s have started; the municipalities "
                        "stay in the program.",
                        len(names),
                    )
                    % {"names": ", ".join(names)}
                }
            )
    with audit.changes(user, program, PROGRAM_FIELDS + PROGRAM_M2M):
        _save_program(program, values)
    return program


def _step_lines(template):
    return [
        f"{step.position}. {step.get_kind_display()}: {step.title} "
        f"({step.capacity_min}–{step.capacity_max}, {step.get_admission_display()})"
        for step in template.steps.order_by("position")
    ]


def _check_step(step):
    if step.kind == WorkshopKind.EVALUATION and step.admission != Admission.INITIATIVE_CIRCLE:
        raise ValidationError(
            {"admission": _("The evaluation workshop admits the initiative circle only.")}
        )


def _save_steps(template, steps):
    """Replace the template's steps by `steps` (dicts of STEP_FIELDS), numbered in order."""
    if not steps:
        raise ValidationError(_("A process template needs at least one step."))
    built = []
    errors = []
    for position, values in enumerate(steps, start=1):
        step = TemplateStep(template=template, position=position)
        _assign(step, values, STEP_FIELDS)
        try:
            _check_step(step)
            step.full_clean(exclude=["template"], validate_unique=False)
        except ValidationError as error:
            for message in error.messages:
                errors.append(
                    _("Step %(position)s: %(message)s") % {"position": position, "message": message}
                )
        built.append(step)
    if errors:
        raise ValidationError(errors)
    template.steps.all().delete()
    TemplateStep.objects.bulk_create(built)


def _save_template(user, template, values, steps):
    """Save the template and its steps; the audit entry lists the steps as lines of text."""
    before = _step_lines(template) if template.pk else None
    with audit.changes(user, template, TEMPLATE_FIELDS) as extra:
        _assign(template, values, TEMPLATE_FIELDS)
        template.full_clean()
        template.save()
        _save_steps(template, steps)
        after = _step_lines(template)
        if after != (before or []):
            extra["steps"] = [before, after]
    return template


@transaction.atomic
def create_process_template(user, values, steps):
    require(user, "programs.manage_program")
    return _save_template(user, ProcessTemplate(), values, steps)


@transaction.atomic
def update_process_template(user, template, values, steps):
    """Change a template and its ordered steps. Local processes already started keep the
    workshops they were created with; the change applies to processes started from now on."""
    require(user, "programs.manage_program")
    template = ProcessTemplate.objects.select_for_update().get(pk=template.pk)
    return _save_template(user, template, values, steps)


# The municipalities of a program (their partnerships abroad: bruecken.partnerships.services).

MUNICIPALITY_FIELDS = ["name", "kind", "ags", "federal_state"]


@transaction.atomic
def add_municipality(user, program, values):
    """Add a municipality to a program: `values["municipality"]`, a known one, or a new one
    from `name`, `kind` and `ags`. With `start_process`, its local process starts too (and
    with it its draft workshops). Returns (municipality, process or None)."""
    require(user, "programs.manage_program")
    program = Program.objects.select_for_update().get(pk=program.pk)
    municipality = values.get("municipality")
    if municipality is None:
        municipality = Municipality(
            name=(values.get("name") or "").strip(),
            kind=values.get("kind") or "",
            ags=(values.get("ags") or "").strip(),
        )
        with audit.changes(user, municipality, MUNICIPALITY_FIELDS):
            municipality.full_clean()
            municipality.save()
    elif program.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError(
            {
                "municipality": _("%(municipality)s already takes part in %(program)s.")
                % {"municipality": municipality, "program": program}
            }
        )
    with audit.changes(user, program, PROGRAM_M2M, subjects=[municipality]):
        program.municipalities.add(municipality)
    process = None
    if values.get("start_process"):
        process = start_local_process(user, program, municipality)
    return municipality, process
