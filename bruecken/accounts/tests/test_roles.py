"""What a user's role assignments amount to (bruecken.accounts.roles)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bruecken.accounts import roles
from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import RoleAssignmentFactory, UserFactory, user_with_role
from bruecken.actors.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_program_office():
    assert roles.is_program_office(user_with_role(Role.PROGRAM_OFFICE))
    assert roles.is_program_office(UserFactory(is_superuser=True))
    assert not roles.is_program_office(user_with_role(Role.PARTICIPANT))
    assert not roles.is_program_office(UserFactory())
    assert not roles.is_program_office(AnonymousUser())
    assert not roles.is_program_office(None)


def test_an_inactive_program_office_is_none():
    user = user_with_role(Role.PROGRAM_OFFICE)
    user.is_active = False
    assert not roles.is_program_office(user)
    assert not roles.is_program_office(UserFactory(is_superuser=True, is_active=False))


def test_municipality_ids_per_role(bonn, kiel):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, municipality=bonn)
    RoleAssignmentFactory(user=user, role=Role.FACILITATOR, municipality=kiel)
    assert roles.coordinated_municipality_ids(user) == {bonn.pk}
    assert roles.facilitated_municipality_ids(user) == {kiel.pk}
    assert roles.municipality_ids(user, Role.REPRESENTATIVE) == set()


def test_several_municipalities(bonn, kiel):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, municipality=bonn)
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, municipality=kiel)
    assert roles.coordinated_municipality_ids(user) == {bonn.pk, kiel.pk}


def test_represented_organisations(bonn):
    first, second = OrganisationFactory(municipality=bonn), OrganisationFactory(municipality=bonn)
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.REPRESENTATIVE, organisation=first)
    RoleAssignmentFactory(user=user, role=Role.REPRESENTATIVE, organisation=second)
    assert roles.represented_organisation_ids(user) == {first.pk, second.pk}
    assert roles.coordinated_municipality_ids(user) == set()


def test_anonymous_and_none_hold_nothing():
    for user in (AnonymousUser(), None):
        assert roles.coordinated_municipality_ids(user) == set()
        assert roles.facilitated_municipality_ids(user) == set()
        assert roles.represented_organisation_ids(user) == set()
        assert not roles.has_staff_role(user)


def test_an_inactive_account_holds_no_role(bonn):
    user = user_with_role(Role.COORDINATOR, municipality=bonn)
    user.is_active = False
    assert roles.coordinated_municipality_ids(user) == set()
    assert not roles.has_staff_role(user)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.PROGRAM_OFFICE, True),
        (Role.COORDINATOR, True),
        (Role.FACILITATOR, True),
        (Role.REPRESENTATIVE, True),
        (Role.PARTICIPANT, False),
    ],
)
def test_has_staff_role(role, expected, bonn):
    scope = {}
    if role in (Role.COORDINATOR, Role.FACILITATOR):
        scope["municipality"] = bonn
    if role == Role.REPRESENTATIVE:
        scope["organisation"] = OrganisationFactory(municipality=bonn)
    assert roles.has_staff_role(user_with_role(role, **scope)) is expected


def test_assignments_are_read_once_per_user_object(bonn, django_assert_num_queries):
    user = user_with_role(Role.COORDINATOR, municipality=bonn)
    with django_assert_num_queries(1):
        roles.has_staff_role(user)
        roles.coordinated_municipality_ids(user)
        roles.facilitated_municipality_ids(user)
        roles.represented_organisation_ids(user)
