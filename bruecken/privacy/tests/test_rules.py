import pytest

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.actors.tests.factories import PersonFactory


@pytest.fixture
def own(db):
    user = UserFactory()
    return PersonFactory(user=user)


def test_office_may_everything(office, own):
    for permission in (
        "privacy.record_erasure_request",
        "privacy.view_erasure_requests",
        "privacy.view_ledger",
    ):
        assert office.has_perm(permission)
    assert office.has_perm("privacy.erase_person", own)


def test_a_person_erases_only_their_own_record(own):
    assert own.user.has_perm("privacy.erase_person", own)
    assert not own.user.has_perm("privacy.erase_person", PersonFactory())
    assert not own.user.has_perm("privacy.record_erasure_request")
    assert not own.user.has_perm("privacy.view_ledger")


def test_an_inactive_account_erases_nothing(own):
    own.user.is_active = False
    assert not own.user.has_perm("privacy.erase_person", own)
    assert not own.user.has_perm("privacy.delete_own_account")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FACILITATOR, Role.REPRESENTATIVE])
def test_other_roles_may_not_erase_others(role, bonn, own):
    scope = {"municipality": bonn} if role != Role.REPRESENTATIVE else {}
    if role == Role.REPRESENTATIVE:
        from bruecken.actors.tests.factories import OrganisationFactory

        scope = {"organisation": OrganisationFactory(municipality=bonn)}
    user = user_with_role(role, **scope)
    assert not user.has_perm("privacy.erase_person", own)
    assert not user.has_perm("privacy.view_ledger")
    assert not user.has_perm("privacy.record_erasure_request")
    assert user.has_perm("privacy.delete_own_account")


def test_anonymous(db, own):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not anonymous.has_perm("privacy.erase_person", own)
    assert not anonymous.has_perm("privacy.delete_own_account")
