"""The permissions of the accounts app (bruecken/accounts/rules.py), asked the way views ask."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bruecken.accounts import rules as account_rules
from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.actors.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

STAFF_AREA = "accounts.access_staff_area"
AUDIT = "accounts.view_auditentry"


@pytest.fixture
def representative(bonn):
    return user_with_role(Role.REPRESENTATIVE, organisation=OrganisationFactory(municipality=bonn))


@pytest.fixture
def inactive_coordinator(bonn):
    user = user_with_role(Role.COORDINATOR, municipality=bonn)
    user.is_active = False
    user.save()
    return user


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True)


@pytest.fixture
def users(
    office,
    bonn_coordinator,
    bonn_facilitator,
    representative,
    participant,
    inactive_coordinator,
    superuser,
):
    return {
        "office": office,
        "coordinator": bonn_coordinator,
        "facilitator": bonn_facilitator,
        "representative": representative,
        "participant": participant,
        "no_role": UserFactory(),
        "inactive_coordinator": inactive_coordinator,
        "superuser": superuser,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("office", True),
        ("coordinator", True),
        ("facilitator", True),
        ("representative", True),
        ("superuser", True),
        ("participant", False),
        ("no_role", False),
        ("inactive_coordinator", False),
        ("anonymous", False),
    ],
)
def test_access_staff_area(users, who, allowed):
    assert users[who].has_perm(STAFF_AREA) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("office", True),
        ("superuser", True),
        ("coordinator", False),
        ("facilitator", False),
        ("representative", False),
        ("participant", False),
        ("no_role", False),
        ("inactive_coordinator", False),
        ("anonymous", False),
    ],
)
def test_view_auditentry(users, who, allowed):
    assert users[who].has_perm(AUDIT) is allowed


def test_an_inactive_program_office_may_not_view_the_audit_log():
    user = user_with_role(Role.PROGRAM_OFFICE)
    user.is_active = False
    user.save()
    assert not user.has_perm(AUDIT)
    assert not user.has_perm(STAFF_AREA)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator", True),
        ("office", False),
        ("facilitator", False),
        ("representative", False),
        ("inactive_coordinator", False),
        ("anonymous", False),
    ],
)
def test_is_coordinator(users, who, expected):
    assert account_rules.is_coordinator(users[who]) is expected
