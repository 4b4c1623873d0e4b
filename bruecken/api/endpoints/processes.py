"""The goals and results of the local processes: anonymously those marked public; with a token
also those of the user's municipalities."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from bruecken.actors.models import Organisation
from bruecken.programs.models import Goal, Result, ResultKind, ResultStatus

from .. import schemas
from .base import (
    DEFAULT_LIMIT,
    Area,
    Id,
    Limit,
    Offset,
    OptionalId,
    choice,
    label,
    page,
    program_ref,
    reader,
    ref,
)

# Goals and results were listed under the programs from the start.
router = Area("programs")

ResultKindParam = choice("ResultKind", ResultKind)
ResultStatusParam = choice("ResultStatus", ResultStatus)


def goal_queryset(user):
    return Goal.objects.visible_to(user).select_related(
        "process__program", "process__municipality", "responsible", "rating"
    )


def _rating(goal):
    try:
        return goal.rating
    except Goal.rating.RelatedObjectDoesNotExist:
        return None


def goal_out(g, user):
    rating = _rating(g)
    responsible = g.responsible
    # The row-level rule, without queries: the responsible organisation is already loaded.
    sees_responsible = responsible is not None and user.has_perm(
        "actors.view_organisation", responsible
    )
    return {
        "id": g.pk,
        "title": g.title,
        "title_en": g.title_en,
        "description": g.description,
        "description_en": g.description_en,
        "indicator": g.indicator,
        "indicator_en": g.indicator_en,
        "program": program_ref(g.process.program),
        "municipality": ref(g.process.municipality),
        "target_date": g.target_date,
        "responsible": ref(responsible) if sees_responsible else None,
        "rating": rating.rating if rating else None,
        "rating_label": label(rating, "rating") if rating else None,
        "is_public": g.is_public,
        "created_at": g.created_at,
    }


@router.list("/goals", schemas.GoalOut, summary="Goals of the local processes")
def list_goals(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    municipality: OptionalId = None,
    program: OptionalId = None,
):
    """Anonymously the goals marked public (as on the municipality pages); with a token also
    those of the user's municipalities."""
    user = reader(request)
    return page(
        request,
        goal_queryset(user),
        lambda g: goal_out(g, user),
        limit,
        offset,
        filters={"process__municipality_id": municipality, "process__program_id": program},
        order=["process__program_id", "process__municipality__name", "pk"],
    )


@router.detail("/goals/{goal_id}", schemas.GoalOut, summary="One goal")
def get_goal(request, goal_id: Id):
    user = reader(request)
    return goal_out(get_object_or_404(goal_queryset(user), pk=goal_id), user)


def result_queryset(user):
    return (
        Result.objects.visible_to(user)
        .select_related("workshop__program", "workshop__process__municipality")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.visible_to(user).only("id").order_by("pk")),
            Prefetch(
                "organisations",
                queryset=Organisation.objects.visible_to(user)
                .only("id", "name")
                .order_by("name_key", "pk"),
            ),
        )
    )


def result_out(r):
    workshop = r.workshop
    municipality = workshop.process.municipality if workshop.process_id else None
    return {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": label(r, "kind"),
        "text": r.text,
        "text_en": r.text_en,
        "status": r.status,
        "status_label": label(r, "status"),
        "event_id": r.workshop_id,
        "program": program_ref(workshop.program),
        "municipality": ref(municipality) if municipality else None,
        "goals": [goal.pk for goal in r.goals.all()],
        "organisations": [ref(o) for o in r.organisations.all()],
        "is_public": r.is_public,
        "created_at": r.created_at,
    }


@router.list("/results", schemas.ResultOut, summary="Results of the workshops")
def list_results(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    municipality: OptionalId = None,
    program: OptionalId = None,
    kind: ResultKindParam = None,
    status: ResultStatusParam = None,
):
    """Anonymously the results marked public; with a token also those of the user's
    municipalities."""
    return page(
        request,
        result_queryset(reader(request)),
        result_out,
        limit,
        offset,
        filters={
            "workshop__process__municipality_id": municipality,
            "workshop__program_id": program,
            "kind": kind,
            "status": status,
        },
        order=["workshop__program_id", "workshop_id", "pk"],
    )


@router.detail("/results/{result_id}", schemas.ResultOut, summary="One result")
def get_result(request, result_id: Id):
    return result_out(get_object_or_404(result_queryset(reader(request)), pk=result_id))
