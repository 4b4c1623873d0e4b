"""Deleting, removing and withdrawing consent ask first (bruecken.web.confirm_first): without
the confirmation field nothing changes and the page names the consequence."""

import pytest

from bruecken.actors.models import Membership, Organisation, Person, Tie
from bruecken.actors.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TieFactory,
)
from bruecken.tests.helpers import url_maker

pytestmark = pytest.mark.usefixtures("language_reset")

url = url_maker("actors", language="en")

CONFIRM = {"confirm": "yes"}


def asks(response, *texts):
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="confirm" value="yes"' in content
    for text in texts:
        assert text in content, text
    return content


@pytest.mark.parametrize("method", ["get", "post"])
def test_delete_organisation(client, bonn, bonn_coordinator, method):
    organisation = OrganisationFactory(municipality=bonn, name="Afrika-Forum")
    client.force_login(bonn_coordinator)
    response = getattr(client, method)(url("organisation_delete", organisation.pk))
    content = asks(response, "Delete Afrika-Forum?", "memberships and ties")
    assert f'href="{organisation.get_absolute_url()}"' in content
    assert Organisation.objects.exists()
    client.post(url("organisation_delete", organisation.pk), CONFIRM)
    assert not Organisation.objects.exists()


def test_delete_person(client, bonn, bonn_coordinator):
    person = PersonFactory(municipality=bonn, name="Kwame Owusu")
    client.force_login(bonn_coordinator)
    asks(client.post(url("person_delete", person.pk)), "Delete Kwame Owusu?")
    assert Person.objects.exists()
    client.post(url("person_delete", person.pk), CONFIRM)
    assert not Person.objects.exists()


def test_withdraw_consent(client, bonn, bonn_coordinator):
    organisation = OrganisationFactory(municipality=bonn, public=True, name="Afrika-Forum")
    client.force_login(bonn_coordinator)
    consent_url = url("organisation_consent", organisation.pk)
    content = asks(
        client.post(consent_url, {"action": "withdraw"}),
        "Withdraw the consent to publish Afrika-Forum?",
        "consent has to be recorded anew",
    )
    assert 'name="action" value="withdraw"' in content
    assert Organisation.objects.get().is_public
    client.post(consent_url, {"action": "withdraw", **CONFIRM})
    assert not Organisation.objects.get().is_public


def test_person_withdraws_own_consent(client, participant):
    person = PersonFactory(user=participant, public=True)
    client.force_login(participant)
    consent_url = url("person_consent", person.pk)
    asks(client.post(consent_url, {"action": "withdraw"}))
    assert Person.objects.get().is_public
    client.post(consent_url, {"action": "withdraw", **CONFIRM})
    assert not Person.objects.get().is_public


def test_remove_membership(client, bonn, bonn_coordinator):
    membership = MembershipFactory(
        organisation__municipality=bonn,
        organisation__name="Afrika-Forum",
        person__name="Kwame Owusu",
    )
    client.force_login(bonn_coordinator)
    edit_url = url("membership_edit", membership.pk)
    asks(
        client.post(edit_url, {"delete": "1"}),
        "Remove the membership of Kwame Owusu in Afrika-Forum?",
        "set its end date instead",
    )
    assert Membership.objects.exists()
    client.post(edit_url, {"delete": "1", **CONFIRM})
    assert not Membership.objects.exists()


def test_remove_tie_names_only_the_side_one_may_see(client, bonn, kiel, kiel_coordinator):
    ours = OrganisationFactory(municipality=kiel, name="Kieler Kreis")
    theirs = OrganisationFactory(municipality=bonn, name="Geheimer Verein")
    tie = TieFactory(source=ours, target=theirs)
    client.force_login(kiel_coordinator)
    edit_url = url("tie_edit", ours.pk, tie.pk)
    content = asks(client.post(edit_url, {"delete": "1"}), "Remove this tie of Kieler Kreis?")
    assert "Geheimer Verein" not in content
    assert Tie.objects.exists()
    client.post(edit_url, {"delete": "1", **CONFIRM})
    assert not Tie.objects.exists()


def test_confirmation_in_german(client, bonn, bonn_coordinator):
    organisation = OrganisationFactory(municipality=bonn, public=True, name="Afrika-Forum")
    client.force_login(bonn_coordinator)
    german = url_maker("actors", language="de")
    content = asks(
        client.post(german("organisation_consent", organisation.pk), {"action": "withdraw"})
    )
    assert "Einwilligung" in content
    assert ">Zurück</a>" in content
