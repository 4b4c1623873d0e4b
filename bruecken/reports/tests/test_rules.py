"""One test per rule: who may open and who may build the process documentation."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.programs.tests.factories import LocalProcessFactory

pytestmark = pytest.mark.django_db

VIEW = "reports.view_process_document"
BUILD = "reports.build_process_document"


@pytest.fixture
def process(bonn):
    return LocalProcessFactory(municipality=bonn)


@pytest.fixture
def users(office, bonn_coordinator, kiel_coordinator, bonn_facilitator, participant, bonn, kiel):
    return {
        "office": office,
        "coordinator": bonn_coordinator,
        "facilitator": bonn_facilitator,
        "other coordinator": kiel_coordinator,
        "other facilitator": user_with_role(Role.FACILITATOR, municipality=kiel),
        "participant": participant,
        "representative": user_with_role(
            Role.REPRESENTATIVE, organisation=OrganisationFactory(municipality=bonn)
        ),
        "anonymous": AnonymousUser(),
    }


ALLOWED = {"office", "coordinator", "facilitator"}


@pytest.mark.parametrize("permission", [VIEW, BUILD])
def test_program_office_coordinator_and_facilitator_only(users, process, permission):
    allowed = {name for name, user in users.items() if user.has_perm(permission, process)}
    assert allowed == ALLOWED


def test_view_process_document(office, bonn_coordinator, kiel_coordinator, process):
    assert office.has_perm(VIEW, process)
    assert bonn_coordinator.has_perm(VIEW, process)
    assert not kiel_coordinator.has_perm(VIEW, process)


def test_build_process_document(bonn_facilitator, kiel_coordinator, participant, process):
    assert bonn_facilitator.has_perm(BUILD, process)
    assert not kiel_coordinator.has_perm(BUILD, process)
    assert not participant.has_perm(BUILD, process)


def test_inactive_coordinator_holds_no_role(bonn_coordinator, process):
    bonn_coordinator.is_active = False
    bonn_coordinator.save()
    assert not bonn_coordinator.has_perm(VIEW, process)
