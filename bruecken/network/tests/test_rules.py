import pytest

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

PROGRAM = "network.view_program_network"
MUNICIPALITY = "network.view_municipality_network"


@pytest.fixture
def program(bonn, kiel):
    return ProgramFactory(municipalities=[bonn, kiel])


@pytest.fixture
def other_program(db):
    return ProgramFactory(municipalities=[MunicipalityFactory(name="Köln")])


def test_program_office_sees_every_program_network(office, program, other_program):
    assert office.has_perm(PROGRAM, program)
    assert office.has_perm(PROGRAM, other_program)


def test_coordinator_sees_the_networks_of_their_municipalitys_programs(
    kiel_coordinator, program, other_program
):
    assert kiel_coordinator.has_perm(PROGRAM, program)
    assert not kiel_coordinator.has_perm(PROGRAM, other_program)


def test_facilitator_sees_the_networks_of_their_municipalitys_programs(
    bonn_facilitator, program, other_program
):
    assert bonn_facilitator.has_perm(PROGRAM, program)
    assert not bonn_facilitator.has_perm(PROGRAM, other_program)


def test_representative_sees_no_program_network(bonn, program):
    representative = user_with_role(
        Role.REPRESENTATIVE, organisation=OrganisationFactory(municipality=bonn)
    )
    assert not representative.has_perm(PROGRAM, program)


def test_participant_sees_no_program_network(participant, program):
    assert not participant.has_perm(PROGRAM, program)


def test_inactive_coordinator_sees_no_program_network(kiel_coordinator, program):
    kiel_coordinator.is_active = False
    assert not kiel_coordinator.has_perm(PROGRAM, program)


def test_program_office_sees_every_municipality_network(office, bonn, kiel):
    assert office.has_perm(MUNICIPALITY, bonn)
    assert office.has_perm(MUNICIPALITY, kiel)


def test_coordinator_sees_only_their_municipalitys_network(kiel_coordinator, bonn, kiel):
    assert kiel_coordinator.has_perm(MUNICIPALITY, kiel)
    assert not kiel_coordinator.has_perm(MUNICIPALITY, bonn)


def test_facilitator_sees_only_their_municipalitys_network(bonn_facilitator, bonn, kiel):
    assert bonn_facilitator.has_perm(MUNICIPALITY, bonn)
    assert not bonn_facilitator.has_perm(MUNICIPALITY, kiel)


def test_representative_sees_no_municipality_network(bonn):
    representative = user_with_role(
        Role.REPRESENTATIVE, organisation=OrganisationFactory(municipality=bonn)
    )
    assert not representative.has_perm(MUNICIPALITY, bonn)


def test_participant_sees_no_municipality_network(participant, bonn):
    assert not participant.has_perm(MUNICIPALITY, bonn)
