"""Representatives sign their organisation's people up for advisory seminars; coordinators
nominate their municipality's delegates for the exchange workshop."""

import pytest
from django.core.exceptions import PermissionDenied

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from bruecken.events import services
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.programs.tests.factories import ProgramFactory


@pytest.fixture
def program(bonn, kiel):
    return ProgramFactory(municipalities=[bonn, kiel])


@pytest.fixture
def seminar(program):
    return EventFactory(
        process=None, program=program, kind=WorkshopKind.SEMINAR, admission=Admission.OPEN
    )


@pytest.fixture
def exchange(program):
    return EventFactory(
        process=None,
        program=program,
        kind=WorkshopKind.EXCHANGE,
        admission=Admission.DELEGATES,
        capacity=10,
        places_per_municipality=2,
    )


@pytest.fixture
def organisation(bonn):
    return OrganisationFactory(municipality=bonn)


@pytest.fixture
def representative(organisation):
    return user_with_role(Role.REPRESENTATIVE, organisation=organisation)


def test_representative_signs_up_own_members_only(seminar, organisation, representative):
    members = [MembershipFactory(organisation=organisation).person for _ in range(2)]
    former = MembershipFactory(organisation=organisation, ended_on="2020-01-01").person
    outsider = PersonFactory()
    assert set(services.nominable_people(representative, seminar)) == set(members)
    registrations = services.sign_up(representative, seminar, members)
    assert {r.source for r in registrations} == {Registration.Source.NOMINATED}
    for person in (former, outsider):
        with pytest.raises(PermissionDenied):
            services.sign_up(representative, seminar, [person])


def test_all_or_nothing(seminar, organisation, representative):
    first, second = (MembershipFactory(organisation=organisation).person for _ in range(2))
    services.take_place(seminar, second, source=Registration.Source.SELF)
    with pytest.raises(services.Refused):
        services.sign_up(representative, seminar, [first, second])
    assert not Registration.objects.filter(person=first).exists()


def test_representatives_do_not_nominate_delegates(exchange, organisation, representative):
    MembershipFactory(organisation=organisation)
    assert not services.nominable_people(representative, exchange).exists()


def test_coordinator_nominates_delegates_within_the_places(exchange, bonn, bonn_coordinator):
    delegates = PersonFactory.create_batch(3, municipality=bonn)
    services.sign_up(bonn_coordinator, exchange, delegates[:2])
    with pytest.raises(services.Refused) as refusal:
        services.sign_up(bonn_coordinator, exchange, delegates[2:])
    assert refusal.value.code == "delegate_places"


def test_coordinator_of_another_program_cannot(exchange, kiel_coordinator, bonn):
    with pytest.raises(PermissionDenied):
        services.sign_up(kiel_coordinator, exchange, [PersonFactory(municipality=bonn)])


def test_local_workshops_have_no_nominations(bonn, bonn_coordinator):
    workshop = EventFactory(process__municipality=bonn)
    assert not services.nominable_people(bonn_coordinator, workshop).exists()


def test_sign_up_view(client, seminar, organisation, representative):
    member = MembershipFactory(organisation=organisation).person
    client.force_login(representative)
    page = client.get(f"/en/participate/events/{seminar.pk}/")
    assert member.name in page.content.decode()
    response = client.post(f"/en/participate/events/{seminar.pk}/sign-up/", {"people": [member.pk]})
    assert response.status_code == 302
    assert Registration.objects.filter(event=seminar, person=member).exists()
    bad = client.post(f"/en/participate/events/{seminar.pk}/sign-up/", {"people": ["x", "999999"]})
    assert bad.status_code == 302
    assert Registration.objects.filter(event=seminar).count() == 1
