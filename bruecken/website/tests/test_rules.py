"""The website's rule: only the program office edits the website (news, pages, images) and reads
the messages from the public forms."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.actors.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

EDIT = "website.edit_website"


def test_the_program_office_edits_the_website(office):
    assert rules.test_rule(EDIT, office)
    assert office.has_perm(EDIT)


def test_a_superuser_edits_the_website():
    assert UserFactory(is_superuser=True).has_perm(EDIT)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FACILITATOR, Role.PARTICIPANT])
def test_other_roles_do_not(role, bonn):
    scope = {"municipality": bonn} if role != Role.PARTICIPANT else {}
    user = user_with_role(role, **scope)
    assert not rules.test_rule(EDIT, user)
    assert not user.has_perm(EDIT)


def test_a_representative_does_not(bonn):
    user = user_with_role(Role.REPRESENTATIVE, organisation=OrganisationFactory(municipality=bonn))
    assert not user.has_perm(EDIT)


def test_nor_an_inactive_office_account(office):
    office.is_active = False
    office.save()
    assert not rules.test_rule(EDIT, office)


def test_nor_a_visitor():
    assert not rules.test_rule(EDIT, AnonymousUser())
    assert not AnonymousUser().has_perm(EDIT)
