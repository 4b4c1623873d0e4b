"""The demo: a fictional dataset for the five model municipalities and one account per role, only
with DEBUG on."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from bruecken.accounts.models import Role, RoleAssignment, User
from bruecken.actors.models import Membership, Organisation, OrganisationKind, Person, Tie
from bruecken.demo.accounts import DEMO_PASSWORD, create_demo_accounts
from bruecken.demo.registry import create_demo_data
from bruecken.places.models import Municipality

pytestmark = pytest.mark.django_db

MODEL_MUNICIPALITIES = ["05314000", "01002000", "14713000", "09162000", "05358"]
COORDINATORS = {
    "coordinator.bonn@demo.bruecken.de": "05314000",
    "coordinator.kiel@demo.bruecken.de": "01002000",
    "coordinator.leipzig@demo.bruecken.de": "14713000",
    "coordinator.muenchen@demo.bruecken.de": "09162000",
    "coordinator.dueren@demo.bruecken.de": "05358",
}
DEMO_EMAILS = {
    "office@demo.bruecken.de",
    *COORDINATORS,
    "facilitator@demo.bruecken.de",
    "representative@demo.bruecken.de",
    "participant@demo.bruecken.de",
}


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Person, Membership, Tie, User, RoleAssignment, Municipality)
    }


@pytest.fixture
def demo_accounts():
    create_demo_data()
    return create_demo_accounts()


def roles_of(email):
    return list(
        RoleAssignment.objects.filter(user__email=email).values_list(
            "role", "municipality__ags", "organisation_id"
        )
    )


def test_the_accounts_named_in_the_issue_log_in_with_demo(demo_accounts):
    assert {email for email, _role in demo_accounts} == DEMO_EMAILS
    assert set(User.objects.values_list("email", flat=True)) == DEMO_EMAILS
    assert DEMO_PASSWORD == "demo"
    for email in DEMO_EMAILS:
        user = authenticate(username=email, password="demo")
        assert user is not None, email
        assert user.is_active
        assert user.full_name.endswith("(Demo)")


def test_each_account_has_its_role_and_scope(demo_accounts):
    office = User.objects.get(email="office@demo.bruecken.de")
    assert roles_of(office.email) == [(Role.PROGRAM_OFFICE, None, None)]
    assert office.is_staff
    assert office.has_perm("accounts.view_auditentry")

    # One coordinator per model municipality.
    for email, ags in COORDINATORS.items():
        assert roles_of(email) == [(Role.COORDINATOR, ags, None)]
        user = User.objects.get(email=email)
        assert not user.is_staff
        assert not user.is_superuser
        assert not user.has_perm("accounts.view_auditentry")
        assert user.has_perm("accounts.access_staff_area")

    assert roles_of("facilitator@demo.bruecken.de") == [(Role.FACILITATOR, "05314000", None)]

    # The representative speaks for a migrant organisation in Bonn.
    assignment = RoleAssignment.objects.get(user__email="representative@demo.bruecken.de")
    assert assignment.role == Role.REPRESENTATIVE
    assert assignment.municipality is None
    organisation = assignment.organisation
    assert organisation.municipality.ags == "05314000"
    assert organisation.kind == OrganisationKind.MIGRANT_ORGANISATION
    assert organisation.is_demo

    # The participant is one of the demo people.
    participant = User.objects.get(email="participant@demo.bruecken.de")
    assert roles_of(participant.email) == [(Role.PARTICIPANT, None, None)]
    assert not participant.has_perm("accounts.access_staff_area")
    assert participant.person.is_demo


def test_creating_the_accounts_twice_duplicates_nothing(demo_accounts):
    before = counts()
    pairs = sorted(User.objects.values_list("email", "roles__role", "roles__municipality_id"))
    participant_person = Person.objects.get(user__email="participant@demo.bruecken.de").pk

    again = create_demo_accounts()

    assert counts() == before
    assert (
        sorted(User.objects.values_list("email", "roles__role", "roles__municipality_id")) == pairs
    )
    assert {email for email, _role in again} == DEMO_EMAILS
    assert Person.objects.get(user__email="participant@demo.bruecken.de").pk == participant_person


def test_running_again_restores_a_changed_password(demo_accounts):
    user = User.objects.get(email="coordinator.kiel@demo.bruecken.de")
    user.set_password("something else")
    user.is_active = False
    user.save()

    create_demo_accounts()

    assert authenticate(username=user.email, password="demo") == user


def test_the_command_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo")
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_the_command_creates_the_demo_and_runs_again_without_duplicates(settings, capsys):
    settings.DEBUG = True

    call_command("demo")

    organisations = Organisation.objects.filter(is_demo=True)
    assert organisations.count() >= 60
    assert organisations.count() == Organisation.objects.count()
    assert Person.objects.filter(is_demo=True).count() >= 150
    for ags in MODEL_MUNICIPALITIES:
        assert organisations.filter(municipality__ags=ags).exists(), ags
        assert organisations.filter(
            municipality__ags=ags, kind=OrganisationKind.MIGRANT_ORGANISATION
        ).exists(), ags
    assert Membership.objects.exists()
    assert Tie.objects.exists()
    assert set(User.objects.values_list("email", flat=True)) == DEMO_EMAILS
    output = capsys.readouterr().out
    assert "office@demo.bruecken.de" in output
    assert "(password: demo)" in output

    before = counts()
    names = set(Organisation.objects.values_list("name", "municipality__ags"))

    call_command("demo")

    assert counts() == before
    assert set(Organisation.objects.values_list("name", "municipality__ags")) == names
    assert "already present" in capsys.readouterr().out
