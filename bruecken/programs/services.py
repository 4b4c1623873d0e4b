"""Programs, local processes, goals and results: rule check, transaction, audit entry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts.audit import diff, record, snapshot
from bruecken.accounts.models import AuditEntry

from .models import (
    Goal,
    GoalRating,
    LocalProcess,
    ProcessTemplate,
    Result,
    ResultStatusChange,
    TemplateStep,
    WorkshopKind,
)

GOAL_FIELDS = ["title", "description", "indicator", "responsible", "target_date"]
RESULT_FIELDS = ["kind", "text", "status", "goals", "organisations"]


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
        Event.objects.create(
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
    goal_rating.save()
    record(
        user,
        AuditEntry.Action.UPDATE if existing else AuditEntry.Action.CREATE,
        goal_rating,
        diff(before, snapshot(goal_rating, ["rating", "comment"])),
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
    _assign(result, values, ["kind", "text", "status"])
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
    _workshop_process_permission(user, result.workshop)
    _check_result_links(result.workshop, values)
    before = snapshot(result, RESULT_FIELDS)
    old_status = result.status
    _assign(result, values, ["kind", "text", "status"])
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
