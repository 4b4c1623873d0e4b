"""A completed local process in Bonn (four workshops held, attendance, rated goals, results,
consenting organisations) and recommendations drawn from it."""

import datetime

import pytest
from django.utils import timezone

from bruecken.actors.models import OrganisationKind
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.guide.models import Category, Recommendation, RecommendationStatus
from bruecken.guide.services import create_edition, load_default_categories
from bruecken.programs.models import (
    Goal,
    GoalRating,
    Rating,
    Result,
    ResultKind,
    ResultStatus,
    WorkshopKind,
)
from bruecken.programs.tests.factories import LocalProcessFactory


def _day(offset):
    day = timezone.localdate() + datetime.timedelta(days=offset)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def categories(db):
    load_default_categories()
    return list(Category.objects.order_by("position"))


@pytest.fixture
def process(program, bonn):
    """Bonn's completed process."""
    from bruecken.actors.models import Membership

    process = LocalProcessFactory(program=program, municipality=bonn)
    kinds = [
        WorkshopKind.INITIATIVE,
        WorkshopKind.EXTENDED,
        WorkshopKind.EXTENDED,
        WorkshopKind.EVALUATION,
    ]
    migrant = OrganisationFactory(
        municipality=bonn,
        name="Ghana Union Bonn",
        kind=OrganisationKind.MIGRANT_ORGANISATION,
        consent_given_at=timezone.now(),
    )
    city = OrganisationFactory(
        municipality=bonn,
        name="Stadt Bonn, Amt für Internationales",
        kind=OrganisationKind.ADMINISTRATION,
        consent_given_at=timezone.now(),
    )
    OrganisationFactory(
        municipality=bonn, name="Verein ohne Einwilligung", kind=OrganisationKind.NGO
    )
    people = [PersonFactory(municipality=bonn) for _ in range(3)]
    Membership.objects.create(person=people[0], organisation=migrant)
    Membership.objects.create(person=people[1], organisation=city)
    workshops = []
    for position, (kind, offset) in enumerate(zip(kinds, [-200, -150, -100, -50], strict=True), 1):
        workshop = EventFactory(
            process=process,
            position=position,
            kind=kind,
            title=f"{kind.label} Bonn",
            starts_at=_day(offset),
        )
        for index, person in enumerate(people):
            RegistrationFactory(event=workshop, person=person, attended=index < 2)
        workshops.append(workshop)
    goal = Goal.objects.create(
        process=process,
        workshop=workshops[0],
        title="Runder Tisch Migration",
        indicator="Vier Treffen im Jahr",
        is_public=True,
    )
    GoalRating.objects.create(goal=goal, workshop=workshops[3], rating=Rating.ACHIEVED)
    result = Result.objects.create(
        workshop=workshops[1],
        kind=ResultKind.AGREEMENT,
        text="Die Stadt lädt Migrantenorganisationen in den Beirat ein.",
        status=ResultStatus.DONE,
        is_public=True,
    )
    result.goals.set([goal])
    result.organisations.set([migrant, city])
    Result.objects.create(
        workshop=workshops[2],
        kind=ResultKind.OPEN_QUESTION,
        text="Interne Frage zu Fahrtkosten.",
        is_public=False,
    )
    process.test_workshops = workshops
    return process


@pytest.fixture
def result(process):
    return Result.objects.filter(workshop__process=process, is_public=True).get()


@pytest.fixture
def goal(process):
    return process.goals.get()


def make_recommendation(program, category, author, status=RecommendationStatus.DRAFT, **evidence):
    recommendation = Recommendation.objects.create(
        program=program,
        title=evidence.pop("title", "Migrantenorganisationen in Gremien einbinden"),
        text="Die Kommune lädt Migrantenorganisationen in den Beirat ein.",
        category=category,
        status=status,
        created_by=author,
    )
    for name, objects in evidence.items():
        getattr(recommendation, name).set(objects)
    return recommendation


@pytest.fixture
def accepted(program, categories, result, goal, bonn_facilitator):
    return make_recommendation(
        program,
        categories[0],
        bonn_facilitator,
        RecommendationStatus.ACCEPTED,
        results=[result],
        goals=[goal],
    )


@pytest.fixture
def edition(office, program):
    return create_edition(office, program, {"title": "Praxisleitfaden", "foreword": "Vorwort."})


@pytest.fixture
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "private" / "guide"
