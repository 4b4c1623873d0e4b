"""A small world for the API tests: Bonn and Kiel, public and non-public organisations and
people, events, goals and results on both sides; tokens for each role."""

import datetime

import pytest

from bruecken.actors.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from bruecken.api import services
from bruecken.events.tests.factories import EventFactory
from bruecken.programs.models import Goal, Result, ResultKind
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory


class Api:
    """The test client with an optional token."""

    def __init__(self, client, token=None):
        self.client = client
        self.token = token

    def get(self, path, data=None, **headers):
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        headers.setdefault("Accept-Language", "en")
        return self.client.get(f"/api/v1{path}", data or {}, headers=headers)


def make_token(user, name="Portal"):
    return services.create_token(user, name)[1]


@pytest.fixture
def anonymous(client):
    return Api(client)


@pytest.fixture
def office_api(client, office):
    return Api(client, make_token(office))


@pytest.fixture
def bonn_api(client, bonn_coordinator):
    return Api(client, make_token(bonn_coordinator))


@pytest.fixture
def kiel_api(client, kiel_coordinator):
    return Api(client, make_token(kiel_coordinator))


@pytest.fixture
def world(bonn, kiel):
    program = ProgramFactory(municipalities=[bonn, kiel])
    bonn_process = LocalProcessFactory(program=program, municipality=bonn)
    kiel_process = LocalProcessFactory(program=program, municipality=kiel)
    w = type("World", (), {})()
    w.program = program
    w.bonn_public = OrganisationFactory(name="Bonn Public e.V.", municipality=bonn, public=True)
    w.bonn_private = OrganisationFactory(name="Bonn Private e.V.", municipality=bonn)
    w.kiel_public = OrganisationFactory(name="Kiel Public e.V.", municipality=kiel, public=True)
    w.kiel_private = OrganisationFactory(name="Kiel Private e.V.", municipality=kiel)
    w.public_person = PersonFactory(name="Amina Public", municipality=bonn, public=True)
    w.private_person = PersonFactory(name="Bert Private", municipality=bonn)
    w.kiel_person = PersonFactory(name="Kai Kiel", municipality=kiel)
    w.public_membership = MembershipFactory(
        person=w.public_person, organisation=w.bonn_public, role="Vorsitz"
    )
    w.hidden_membership = MembershipFactory(
        person=w.public_person, organisation=w.bonn_private, role="Kasse"
    )
    w.ended_membership = MembershipFactory(
        person=w.public_person,
        organisation=w.kiel_public,
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2021, 1, 1),
    )
    MembershipFactory(person=w.private_person, organisation=w.bonn_public)
    MembershipFactory(person=w.kiel_person, organisation=w.kiel_private)
    w.bonn_event = EventFactory(process=bonn_process, title="Bonn published")
    w.bonn_draft = EventFactory(process=bonn_process, title="Bonn draft", is_published=False)
    w.kiel_draft = EventFactory(process=kiel_process, title="Kiel draft", is_published=False)
    w.bonn_goal_public = Goal.objects.create(
        process=bonn_process,
        title="Public goal",
        indicator="10 projects",
        is_public=True,
        responsible=w.bonn_private,
    )
    w.bonn_goal_private = Goal.objects.create(
        process=bonn_process, title="Internal goal", indicator="x"
    )
    w.kiel_goal_private = Goal.objects.create(
        process=kiel_process, title="Kiel internal goal", indicator="y"
    )
    w.bonn_result_public = Result.objects.create(
        workshop=w.bonn_event, kind=ResultKind.AGREEMENT, text="Public result", is_public=True
    )
    w.bonn_result_public.goals.set([w.bonn_goal_public, w.bonn_goal_private])
    w.bonn_result_public.organisations.set([w.bonn_public, w.bonn_private])
    w.bonn_result_private = Result.objects.create(
        workshop=w.bonn_draft, kind=ResultKind.LESSON, text="Internal result"
    )
    w.kiel_result_private = Result.objects.create(
        workshop=w.kiel_draft, kind=ResultKind.LESSON, text="Kiel internal result"
    )
    return w


@pytest.fixture
def page_cache(settings):
    """The website's cache on (as in production), so that tests see what it keeps."""
    settings.WEBSITE_CACHE_SECONDS = 600
