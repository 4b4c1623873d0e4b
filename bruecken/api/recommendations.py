"""Recommendations (`bruecken.guide`): anonymously the accepted ones; with a token also those
the user's role may see in the guide (`guide.view_recommendation`), whatever their status."""

from typing import Annotated

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Query

from bruecken.accounts import roles
from bruecken.events.models import Event
from bruecken.guide.models import Recommendation, RecommendationStatus
from bruecken.programs.models import Goal, Program, Result
from bruecken.translation import localized

from . import schemas, visibility
from .api import api
from .endpoints import (
    DEFAULT_LIMIT,
    DETAIL_ERRORS,
    Id,
    Labels,
    Limit,
    Offset,
    OptionalId,
    UpdatedSince,
    _aware,
    _enum,
    paginate,
    program_ref,
    reader,
    responses,
)

RecommendationStatusParam = _enum("RecommendationStatus", RecommendationStatus)


def recommendations_q(user):
    if roles.is_program_office(user):
        return Q()
    condition = Q(status=RecommendationStatus.ACCEPTED)
    ids = visibility._municipality_ids(user)
    if ids:
        condition |= Q(
            program_id__in=Program.municipalities.through.objects.filter(
                municipality_id__in=ids
            ).values("program_id")
        )
    return condition


def recommendation_queryset(user):
    return (
        Recommendation.objects.filter(recommendations_q(user))
        .select_related("category", "program")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=Result.objects.filter(visibility.results_q(user))
                .only("id")
                .order_by("pk"),
            ),
            Prefetch(
                "goals",
                queryset=Goal.objects.filter(visibility.goals_q(user)).only("id").order_by("pk"),
            ),
            Prefetch(
                "workshops",
                queryset=Event.objects.filter(visibility.events_q(user)).only("id").order_by("pk"),
            ),
        )
    )


def recommendation_serializer():
    statuses = Labels(RecommendationStatus.choices)

    def serialize(r):
        return {
            "id": r.pk,
            "title": r.title,
            "text": r.text,
            "category": {"id": r.category_id, "name": localized(r.category, "name")},
            "program": program_ref(r.program),
            "status": r.status,
            "status_label": statuses[r.status],
            "evidence": {
                "results": [result.pk for result in r.results.all()],
                "goals": [goal.pk for goal in r.goals.all()],
                "events": [event.pk for event in r.workshops.all()],
            },
            "updated_at": r.updated_at,
        }

    return serialize


RecommendationPage = schemas.page_of(schemas.RecommendationOut, "RecommendationPage")


@api.get(
    "/recommendations",
    response=responses(RecommendationPage),
    tags=["guide"],
    operation_id="list_recommendations",
    summary="Recommendations",
)
def list_recommendations(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    program: OptionalId = None,
    category: OptionalId = None,
    status: Annotated[RecommendationStatusParam | None, Query(None)] = None,
    updated_since: UpdatedSince = None,
):
    """Anonymously the accepted recommendations of the guideline, with the evidence they were
    drawn from (as far as it is public); with a token also drafts and those in review of the
    programs the user works in."""
    queryset = recommendation_queryset(reader(request))
    if program:
        queryset = queryset.filter(program_id=program)
    if category:
        queryset = queryset.filter(category_id=category)
    if status:
        queryset = queryset.filter(status=status.value)
    if updated_since:
        queryset = queryset.filter(updated_at__gte=_aware(updated_since))
    queryset = queryset.order_by("category__position", "category__name", "title", "pk")
    return paginate(request, queryset, limit, offset, recommendation_serializer())


@api.get(
    "/recommendations/{recommendation_id}",
    response={200: schemas.RecommendationOut, **DETAIL_ERRORS},
    tags=["guide"],
    operation_id="get_recommendation",
    summary="One recommendation",
)
def get_recommendation(request, recommendation_id: Id):
    recommendation = get_object_or_404(
        recommendation_queryset(reader(request)), pk=recommendation_id
    )
    return recommendation_serializer()(recommendation)
