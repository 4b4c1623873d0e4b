"""Role assignments: which roles need a municipality, which an organisation."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bruecken.accounts.models import Role, RoleAssignment
from bruecken.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from bruecken.actors.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def clean_errors(**values):
    assignment = RoleAssignment(user=UserFactory(), **values)
    try:
        assignment.clean()
    except ValidationError as error:
        with translation.override("en"):
            return error.message_dict
    return {}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FACILITATOR])
def test_coordinator_and_facilitator_need_a_municipality(role, bonn):
    assert clean_errors(role=role) == {"municipality": ["This role needs a municipality."]}
    assert clean_errors(role=role, organisation=OrganisationFactory(municipality=bonn)) == {
        "municipality": ["This role needs a municipality."]
    }
    assert clean_errors(role=role, municipality=bonn) == {}


def test_representative_needs_an_organisation(bonn):
    assert clean_errors(role=Role.REPRESENTATIVE) == {
        "organisation": ["This role needs an organisation."]
    }
    assert clean_errors(role=Role.REPRESENTATIVE, municipality=bonn) == {
        "organisation": ["This role needs an organisation."]
    }
    organisation = OrganisationFactory(municipality=bonn)
    assert clean_errors(role=Role.REPRESENTATIVE, organisation=organisation) == {}


@pytest.mark.parametrize("role", [Role.PROGRAM_OFFICE, Role.PARTICIPANT])
def test_program_office_and_participant_need_no_scope(role):
    assert clean_errors(role=role) == {}


def test_full_clean_reports_the_missing_municipality():
    assignment = RoleAssignment(user=UserFactory(), role=Role.COORDINATOR)
    with pytest.raises(ValidationError) as excinfo:
        assignment.full_clean()
    assert list(excinfo.value.message_dict) == ["municipality"]


def test_the_error_is_translated():
    assignment = RoleAssignment(user=UserFactory(), role=Role.COORDINATOR)
    with pytest.raises(ValidationError) as excinfo:
        assignment.clean()
    with translation.override("de"):
        german = excinfo.value.message_dict["municipality"]
    assert german != ["This role needs a municipality."]


def test_str_names_role_and_scope(bonn):
    with translation.override("en"):
        assert str(RoleAssignmentFactory(role=Role.COORDINATOR, municipality=bonn)) == (
            "municipal coordinator (Bonn)"
        )
        assert str(RoleAssignmentFactory(role=Role.PROGRAM_OFFICE)) == "program office"


def test_a_user_may_hold_several_roles(bonn, kiel):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, municipality=bonn)
    RoleAssignmentFactory(user=user, role=Role.FACILITATOR, municipality=kiel)
    RoleAssignmentFactory(user=user, role=Role.PARTICIPANT)
    assert sorted(user.roles.values_list("role", flat=True)) == [
        "coordinator",
        "facilitator",
        "participant",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PROGRAM_OFFICE, Role.PARTICIPANT])
def test_an_unscoped_role_is_held_once(role):
    from django.db import IntegrityError, transaction

    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=role)


@pytest.mark.django_db
def test_a_scoped_role_is_held_once_per_scope(bonn, kiel):
    from django.db import IntegrityError, transaction

    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, municipality=bonn)
    RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, municipality=kiel)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, municipality=bonn)
