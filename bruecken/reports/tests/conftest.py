"""A local process as the reports see it: Bonn's, with two workshops held (the initiative
workshop with recorded attendance, an extended one with confirmed registrations only), one
planned, goals (one rated), results with a status history, a partnership, ties; and Bonn's
organisations, public and not, for the brochure."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import OrganisationKind
from bruecken.actors.tests.factories import (
    EngagementFormFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TieFactory,
    TopicFactory,
)
from bruecken.events.models import AgendaItem, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.places.models import Country, Language
from bruecken.places.tests.factories import PartnershipFactory
from bruecken.programs.models import (
    Admission,
    Goal,
    GoalRating,
    Rating,
    Result,
    ResultKind,
    ResultStatus,
    ResultStatusChange,
    WorkshopKind,
)
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory


@dataclass
class World:
    process: object
    initiative: object
    extended: object
    planned: object
    migrant: object
    administration: object
    hidden_elsewhere: object
    goal: object
    result: object


def _at(days_ago, hour=10):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def world(bonn, kiel, reference_data):
    program = ProgramFactory(name="Migration und Entwicklung", municipalities=[bonn, kiel])
    process = LocalProcessFactory(program=program, municipality=bonn)
    initiative = EventFactory(
        process=process,
        position=1,
        kind=WorkshopKind.INITIATIVE,
        admission=Admission.INVITED,
        title="Initiativworkshop Bonn",
        starts_at=_at(60),
        ends_at=_at(60, 16),
        minutes="## Ergebnisse\n\nDer Kreis beschloss einen **Runden Tisch**.",
    )
    extended = EventFactory(
        process=process,
        position=2,
        title="Erweiterter Workshop Bonn",
        starts_at=_at(20),
        ends_at=_at(20, 16),
    )
    planned = EventFactory(process=process, position=3, title="Zweiter erweiterter Workshop")
    AgendaItem.objects.create(event=initiative, starts_at=datetime.time(10), title="Begrüßung")
    AgendaItem.objects.create(event=initiative, starts_at=datetime.time(11), title="Ziele setzen")

    migrant = OrganisationFactory(
        name="Ghanaischer Verein Bonn",
        municipality=bonn,
        kind=OrganisationKind.MIGRANT_ORGANISATION,
        public=True,
    )
    administration = OrganisationFactory(
        name="Stadt Bonn Internationales",
        municipality=bonn,
        kind=OrganisationKind.ADMINISTRATION,
    )
    hidden_elsewhere = OrganisationFactory(name="Geheimer Verein Kiel", municipality=kiel)
    TieFactory(source=migrant, target=administration, started_on=_at(40).date())

    # Initiative: three confirmed, attendance recorded for two (one of them a Kiel member).
    people = [PersonFactory(municipality=bonn) for _ in range(3)]
    MembershipFactory(person=people[0], organisation=migrant)
    MembershipFactory(person=people[1], organisation=administration)
    MembershipFactory(person=people[1], organisation=hidden_elsewhere)
    RegistrationFactory(event=initiative, person=people[0], attended=True)
    RegistrationFactory(event=initiative, person=people[1], attended=True)
    RegistrationFactory(event=initiative, person=people[2], attended=False)
    # Extended: attendance not recorded, four confirmed and one waiting.
    for person in people:
        RegistrationFactory(event=extended, person=person)
    RegistrationFactory(event=extended, person=PersonFactory())
    RegistrationFactory(event=extended, person=PersonFactory(), status=Registration.Status.WAITING)

    goal = Goal.objects.create(
        process=process,
        workshop=initiative,
        title="Runder Tisch Migration und Entwicklung",
        indicator="Der Runde Tisch tagt viermal im Jahr",
        responsible=administration,
    )
    GoalRating.objects.create(
        goal=goal, workshop=initiative, rating=Rating.PARTLY, comment="Zweimal getagt"
    )
    Goal.objects.create(
        process=process, workshop=initiative, title="Schulpartnerschaft", indicator="Ein Vertrag"
    )
    result = Result.objects.create(
        workshop=initiative,
        kind=ResultKind.AGREEMENT,
        text="Vereinbarung über einen Runden Tisch",
        status=ResultStatus.IN_PROGRESS,
    )
    result.goals.add(goal)
    result.organisations.add(migrant, administration)
    ResultStatusChange.objects.create(
        result=result, status=ResultStatus.PLANNED, changed_on=_at(60).date()
    )
    ResultStatusChange.objects.create(
        result=result,
        status=ResultStatus.IN_PROGRESS,
        changed_on=_at(30).date(),
        note="Erste Sitzung",
    )
    PartnershipFactory(
        municipality=bonn, partner_name="Cape Coast", country=Country.objects.get(code="GH")
    )
    return World(
        process=process,
        initiative=initiative,
        extended=extended,
        planned=planned,
        migrant=migrant,
        administration=administration,
        hidden_elsewhere=hidden_elsewhere,
        goal=goal,
        result=result,
    )


@pytest.fixture
def directory(world, bonn):
    """Bonn's organisations for the brochure: two public ones in the world fixture's program
    (one of them engaged in two world regions), one without consent."""
    ghana, peru = Country.objects.get(code="GH"), Country.objects.get(code="PE")
    world.migrant.countries.set([ghana, peru])
    world.migrant.topics.set([TopicFactory()])
    world.migrant.engagement_forms.set([EngagementFormFactory()])
    world.migrant.languages.set([Language.objects.get(code="de")])
    world.migrant.website = "https://ghana-bonn.example"
    world.migrant.email = "kontakt@ghana-bonn.example"
    world.migrant.save()
    contact = PersonFactory(name="Ama Mensah", public=True)
    MembershipFactory(person=contact, organisation=world.migrant, is_contact=True, role="Vorsitz")
    private_contact = PersonFactory(name="Kofi Privat")
    MembershipFactory(person=private_contact, organisation=world.migrant, is_contact=True)
    ngo = OrganisationFactory(
        name="Eine Welt Forum Bonn", municipality=bonn, kind=OrganisationKind.NGO, public=True
    )
    ngo.countries.set([peru])
    OrganisationFactory(name="Stiller Verein Bonn", municipality=bonn, public=False)
    return world


@pytest.fixture
def representative(world):
    return user_with_role(Role.REPRESENTATIVE, organisation=world.migrant)
