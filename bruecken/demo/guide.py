"""Demo data for the guideline: the default categories and, where the demo has a completed
local process with results, two recommendations proposed by its facilitator or coordinator,
one a draft, one in review. None is accepted, so that accepting them and publishing edition 1
can be tried by hand. The author proposes and submits them through the guide's services."""

from django.db import transaction
from django.utils import timezone

from bruecken.accounts.models import Role, RoleAssignment
from bruecken.events.models import Event
from bruecken.guide.models import Category, Recommendation, RecommendationStatus
from bruecken.guide.services import (
    load_default_categories,
    propose_recommendation,
    submit_recommendation,
)
from bruecken.programs.models import LocalProcess, Result

from .accounts import demo_office

DEMO_RECOMMENDATIONS = [
    (
        "Migrantenorganisationen fest in kommunale Gremien einbinden",
        "Strukturen und Zuständigkeiten",
        "Die Kommune lädt Migrantenorganisationen mit Sitz und Stimme in den Eine-Welt-Beirat "
        "ein und benennt in der Verwaltung eine feste Ansprechperson für sie.",
        RecommendationStatus.IN_REVIEW,
    ),
    (
        "Termine nach den Zeiten der Ehrenamtlichen richten",
        "Vernetzungsformate",
        "Workshops und Treffen finden auch abends und am Wochenende statt, damit ehrenamtlich "
        "Engagierte aus den Migrantenorganisationen teilnehmen können.",
        RecommendationStatus.DRAFT,
    ),
]


def _completed_process():
    """A demo process whose workshops have all been held (the latest such), with results."""
    now = timezone.now()
    for process in LocalProcess.objects.select_related("program", "municipality").order_by(
        "-started_at"
    ):
        workshops = Event.objects.filter(process=process, cancelled_at__isnull=True)
        if (
            workshops.exists()
            and not workshops.filter(starts_at__isnull=True).exists()
            and not workshops.filter(starts_at__gt=now).exists()
            and Result.objects.filter(workshop__process=process).exists()
        ):
            return process
    return None


def _author(process):
    for role in (Role.FACILITATOR, Role.COORDINATOR):
        assignment = (
            RoleAssignment.objects.filter(municipality=process.municipality, role=role)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if assignment is not None:
            return assignment.user
    return demo_office()


@transaction.atomic
def create_demo_guide():
    """Idempotent: creates what is missing."""
    load_default_categories()
    process = _completed_process()
    if process is None:
        return []
    author = _author(process)
    results = list(Result.objects.filter(workshop__process=process).order_by("pk"))
    goals = list(process.goals.order_by("pk"))
    workshops = list(process.workshops.order_by("starts_at", "pk"))
    created = []
    for index, (title, category_name, text, status) in enumerate(DEMO_RECOMMENDATIONS):
        if Recommendation.objects.filter(program=process.program, title=title).exists():
            continue
        category = Category.objects.filter(name=category_name).first() or Category.objects.first()
        recommendation = propose_recommendation(
            author,
            process.program,
            {
                "title": title,
                "text": text,
                "category": category,
                "results": results[index::2][:2],
                "goals": goals[index : index + 1],
                "workshops": workshops[-1:] if index == 0 else workshops[1:2],
            },
        )
        if status == RecommendationStatus.IN_REVIEW:
            recommendation = submit_recommendation(author, recommendation)
        created.append(recommendation)
    return created
