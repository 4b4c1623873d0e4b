import pytest
from django.contrib.auth.models import AnonymousUser

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory


@pytest.fixture
def world(bonn, kiel, bonn_coordinator, kiel_coordinator, bonn_facilitator, office, participant):
    """A small registry with one of each case the rules distinguish."""
    bonn_private = OrganisationFactory(name="Ghanaischer Verein Bonn", municipality=bonn)
    bonn_public = OrganisationFactory(name="Weltladen Bonn", municipality=bonn, public=True)
    kiel_private = OrganisationFactory(name="Tansania-Verein Kiel", municipality=kiel)
    kiel_public = OrganisationFactory(
        name="Eine-Welt-Netzwerk Kiel", municipality=kiel, public=True
    )
    representative = user_with_role(Role.REPRESENTATIVE, organisation=bonn_private)
    bonn_person = PersonFactory(name="Abena Mensah", municipality=bonn)
    kiel_person = PersonFactory(name="Neema Mwangi", municipality=kiel)
    kiel_public_person = PersonFactory(name="Baraka Otieno", municipality=kiel, public=True)
    # Lives in Kiel, active in a Bonn organisation: Bonn's coordinator stewards her too.
    commuter = PersonFactory(name="Selam Tesfaye", municipality=kiel)
    MembershipFactory(person=commuter, organisation=bonn_private)
    member = PersonFactory(name="Kwame Owusu", municipality=None)
    MembershipFactory(person=member, organisation=bonn_private)
    own_person = PersonFactory(name="Lina Al-Khatib", municipality=None, user=participant)
    inactive = user_with_role(Role.COORDINATOR, municipality=bonn)
    inactive.is_active = False
    inactive.save()
    return {
        "users": {
            "office": office,
            "bonn_coordinator": bonn_coordinator,
            "kiel_coordinator": kiel_coordinator,
            "bonn_facilitator": bonn_facilitator,
            "representative": representative,
            "participant": participant,
            "no_role": UserFactory(),
            "inactive_coordinator": inactive,
            "anonymous": AnonymousUser(),
        },
        "organisations": {
            "bonn_private": bonn_private,
            "bonn_public": bonn_public,
            "kiel_private": kiel_private,
            "kiel_public": kiel_public,
        },
        "people": {
            "bonn_person": bonn_person,
            "kiel_person": kiel_person,
            "kiel_public_person": kiel_public_person,
            "commuter": commuter,
            "member": member,
            "own_person": own_person,
        },
    }
