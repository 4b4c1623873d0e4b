"""Programs, local processes, goals and results: rule check, transaction, audit entry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bruecken.accounts.audit import diff, record, snapshot
from bruecken.accounts.models import AuditEntry

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

GOAL_FIELDS = ["title", "description", "indicator", "responsible", "target_date", "is_public"]
RESULT_FIELDS = ["kind", "text", "status", "goals", "organisations", "is_public"]


def require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _assign(instance, values, fields):
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


@transaction.atomic
def start_local_process(user, program, municipality):
    """Create the municipality's local process with one draft workshop per template step."""
    from bruecken.events.models import Event

    require(user, "programs.start_process", municipality)
    if not program.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError(
            _("%(municipality)s does not take part in %(program)s.")
            % {"municipality": municipality, "program": program}
        )
    try:
        with transaction.atomic():
            process = LocalProcess.objects.create(
                program=program,
                municipality=municipality,
                template=program.template,
                started_by=user,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(municipality)s's local process has already been started.")
            % {"municipality": municipality}
        ) from None
    for step in program.template.steps.order_by("position"):
        workshop = Event.objects.create(
            program=program,
            process=process,
            position=step.position,
            kind=step.kind,
            title=f"{step.title} {municipality}",
            description=step.purpose,
            capacity_min=step.capacity_min,
            capacity=step.capacity_max,
            admission=step.admission,
        )
        record(
            user,
            AuditEntry.Action.CREATE,
            workshop,
            {"title": [None, workshop.title]},
            subjects=[process],
        )
    record(
        user,
        AuditEntry.Action.CREATE,
        process,
        {"template": [None, str(program.template)]},
        subjects=[municipality],
    )
    return process


def _workshop_process_permission(user, workshop):
    if not user.has_perm("events.facilitate_event", workshop):
        raise PermissionDenied


@transaction.atomic
def add_goal(user, workshop, values):
    """Goals are fixed at the initiative workshop of the process."""
    _workshop_process_permission(user, workshop)
    if workshop.kind != WorkshopKind.INITIATIVE or not workshop.process_id:
        raise ValidationError(_("Goals are set at the initiative workshop."))
    goal = Goal(process=workshop.process, workshop=workshop)
    _assign(goal, values, GOAL_FIELDS)
    goal.full_clean()
    goal.save()
    record(
        user,
        AuditEntry.Action.CREATE,
        goal,
        diff({}, snapshot(goal, GOAL_FIELDS)),
        subjects=[workshop, workshop.process],
    )
    return goal


@transaction.atomic
def update_goal(user, goal, values):
    # The stored row is the "before" of the audit entry, whatever the caller changed already.
    goal = (
        Goal.objects.select_for_update(of=("self",))
        .select_related("workshop__process")
        .get(pk=goal.pk)
    )
    if goal.workshop is None or not user.has_perm("events.facilitate_event", goal.workshop):
        raise PermissionDenied
    before = snapshot(goal, GOAL_FIELDS)
    _assign(goal, values, GOAL_FIELDS)
    goal.full_clean()
    goal.save()
    changes = diff(before, snapshot(goal, GOAL_FIELDS))
    if changes:
        record(user, AuditEntry.Action.UPDATE, goal, changes, subjects=[goal.process])
    return goal


@transaction.atomic
def rate_goal(user, workshop, goal, rating, comment=""):
    """The evaluation workshop rates the goals of its own process."""
    _workshop_process_permission(user, workshop)
    if workshop.kind != WorkshopKind.EVALUATION or workshop.process_id != goal.process_id:
        raise ValidationError(_("Goals are rated at the evaluation workshop of their process."))
    existing = GoalRating.objects.filter(goal=goal).first()
    before = snapshot(existing, ["rating", "comment"]) if existing else {}
    goal_rating = existing or GoalRating(goal=goal)
    goal_rating.workshop = workshop
    goal_rating.rating = rating
    goal_rating.comment = comment
    goal_rating.full_clean()
    changes = diff(before, snapshot(goal_rating, ["rating", "comment"]))
    if changes:
        goal_rating.save()
        record(
            user,
            AuditEntry.Action.UPDATE if existing else AuditEntry.Action.CREATE,
            goal_rating,
            changes,
            subjects=[goal, workshop, goal.process],
        )
    return goal_rating


def _check_result_links(workshop, values):
    goals = values.get("goals") or []
    if any(goal.process_id != workshop.process_id for goal in goals):
        raise ValidationError({"goals": _("Link only goals of this local process.")})


@transaction.atomic
def add_result(user, workshop, values):
    _workshop_process_permission(user, workshop)
    _check_result_links(workshop, values)
    result = Result(workshop=workshop)
    _assign(result, values, ["kind", "text", "status", "is_public"])
    result.full_clean()
    result.save()
    result.goals.set(values.get("goals") or [])
    result.organisations.set(values.get("organisations") or [])
    ResultStatusChange.objects.create(
        result=result, status=result.status, changed_on=timezone.localdate(), changed_by=user
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        result,
        diff({}, snapshot(result, RESULT_FIELDS)),
        subjects=[workshop],
    )
    return result


@transaction.atomic
def update_result(user, result, values, note=""):
    result = (
        Result.objects.select_for_update(of=("self",))
        .select_related("workshop__process")
        .get(pk=result.pk)
    )
    _workshop_process_permission(user, result.workshop)
    _check_result_links(result.workshop, values)
    before = snapshot(result, RESULT_FIELDS)
    old_status = result.status
    _assign(result, values, ["kind", "text", "status", "is_public"])
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
    changes = diff(before, snapshot(result, RESULT_FIELDS))
    if changes:
        record(user, AuditEntry.Action.UPDATE, result, changes, subjects=[result.workshop])
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


def _program_snapshot(program):
    return snapshot(program, PROGRAM_FIELDS + PROGRAM_M2M)


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
    _save_program(program, values)
    record(user, AuditEntry.Action.CREATE, program, diff({}, _program_snapshot(program)))
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
    before = _program_snapshot(program)
    _save_program(program, values)
    changes = diff(before, _program_snapshot(program))
    if changes:
        record(user, AuditEntry.Action.UPDATE, program, changes)
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


def _template_snapshot(template):
    values = snapshot(template, TEMPLATE_FIELDS)
    values["steps"] = _step_lines(template) if template.pk else []
    return values


@transaction.atomic
def create_process_template(user, values, steps):
    require(user, "programs.manage_program")
    template = ProcessTemplate()
    _assign(template, values, TEMPLATE_FIELDS)
    template.full_clean()
    template.save()
    _save_steps(template, steps)
    record(user, AuditEntry.Action.CREATE, template, diff({}, _template_snapshot(template)))
    return template


@transaction.atomic
def update_process_template(user, template, values, steps):
    """Change a template and its ordered steps. Local processes already started keep the
    workshops they were created with; the change applies to processes started from now on."""
    require(user, "programs.manage_program")
    template = ProcessTemplate.objects.select_for_update().get(pk=template.pk)
    before = _template_snapshot(template)
    _assign(template, values, TEMPLATE_FIELDS)
    template.full_clean()
    template.save()
    _save_steps(template, steps)
    changes = diff(before, _template_snapshot(template))
    if changes:
        record(user, AuditEntry.Action.UPDATE, template, changes)
    return template
