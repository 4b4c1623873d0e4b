"""No N+1 anywhere: every list needs as many queries for twice the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.guide.models import Category, Recommendation
from bruecken.places.models import Country
from bruecken.places.tests.factories import PartnershipFactory
from bruecken.programs.models import Goal, Result
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory

from .conftest import Api, make_token

LISTS = [
    "/municipalities",
    "/partnerships",
    "/programs",
    "/topics",
    "/organisations",
    "/people",
    "/events",
    "/registrations/mine",
    "/goals",
    "/results",
    "/recommendations",
]


def add_rows(world, person):
    """One more of everything, all public and with their lists filled."""
    country = Country.objects.get(code="GH")
    municipality = world.bonn_public.municipality
    organisation = OrganisationFactory(municipality=municipality, public=True, countries=[country])
    member = PersonFactory(municipality=municipality, public=True)
    MembershipFactory(person=member, organisation=organisation)
    PartnershipFactory(municipality=municipality, country=country)
    program = ProgramFactory(municipalities=[municipality])
    process = LocalProcessFactory(program=program, municipality=municipality)
    event = EventFactory(process=process)
    RegistrationFactory(event=event, person=person)
    goal = Goal.objects.create(process=process, title="G", indicator="i", is_public=True)
    result = Result.objects.create(workshop=event, kind="agreement", text="R", is_public=True)
    result.goals.set([goal])
    result.organisations.set([organisation])
    recommendation = Recommendation.objects.create(
        program=program,
        title="E",
        text="T",
        category=Category.objects.get_or_create(name="K")[0],
        status="accepted",
    )
    recommendation.results.set([result])
    recommendation.goals.set([goal])
    recommendation.workshops.set([event])


def queries(api, path):
    with CaptureQueriesContext(connection) as context:
        response = api.get(path, {"limit": 100})
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


@pytest.mark.parametrize("path", LISTS)
def test_twice_the_rows_take_no_more_queries(client, world, office, path, settings):
    settings.API_RATE_LIMIT_TOKEN = 0
    person = PersonFactory(user=office)
    api = Api(client, make_token(office))
    for _ in range(3):
        add_rows(world, person)
    api.get(path)  # the token's last use is written once
    few = queries(api, path)
    for _ in range(3):
        add_rows(world, person)
    assert queries(api, path) == few
