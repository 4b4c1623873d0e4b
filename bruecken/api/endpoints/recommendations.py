"""Recommendations (`bruecken.guide`): anonymously the accepted ones; with a token also those
the user's role may see in the guide (`guide.view_recommendation`), whatever their status."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from bruecken.events.models import Event
from bruecken.guide.models import Recommendation, RecommendationStatus
from bruecken.programs.models import Goal, Result
from bruecken.translation import localized

from .. import schemas
from .base import (
    DEFAULT_LIMIT,
    Area,
    Id,
    Labels,
    Limit,
    Offset,
    OptionalId,
    UpdatedSince,
    aware,
    choice,
    page,
    program_ref,
    reader,
)

router = Area("guide")

RecommendationStatusParam = choice("RecommendationStatus", RecommendationStatus)


def visible_recommendations(user):
    """The accepted recommendations (the public guideline), and those the user's role may see
    in the guide whatever their status."""
    return Recommendation.objects.visible_to(user) | Recommendation.objects.public()


def recommendation_queryset(user):
    return (
        visible_recommendations(user)
        .select_related("category", "program")
        .prefetch_related(
            Prefetch("results", queryset=Result.objects.visible_to(user).only("id").order_by("pk")),
            Prefetch("goals", queryset=Goal.objects.visible_to(user).only("id").order_by("pk")),
            Prefetch(
                "workshops", queryset=Event.objects.visible_to(user).only("id").order_by("pk")
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


@router.list("/recommendations", schemas.RecommendationOut, summary="Recommendations")
def list_recommendations(
    request,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    program: OptionalId = None,
    category: OptionalId = None,
    status: RecommendationStatusParam = None,
    updated_since: UpdatedSince = None,
):
    """Anonymously the accepted recommendations of the guideline, with the evidence they were
    drawn from (as far as it is public); with a token also drafts and those in review of the
    programs the user works in."""
    return page(
        request,
        recommendation_queryset(reader(request)),
        recommendation_serializer(),
        limit,
        offset,
        filters={
            "program_id": program,
            "category_id": category,
            "status": status,
            "updated_at__gte": aware(updated_since),
        },
        order=["category__position", "category__name", "title", "pk"],
    )


@router.detail(
    "/recommendations/{recommendation_id}",
    schemas.RecommendationOut,
    summary="One recommendation",
)
def get_recommendation(request, recommendation_id: Id):
    recommendation = get_object_or_404(
        recommendation_queryset(reader(request)), pk=recommendation_id
    )
    return recommendation_serializer()(recommendation)
