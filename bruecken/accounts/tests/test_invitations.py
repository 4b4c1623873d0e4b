"""Invitations to accounts, role grants and deactivation: the services and their rules."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bruecken.accounts import services
from bruecken.accounts.models import AccountInvitation, AuditEntry, Role, RoleAssignment, User
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Ein langes, gutes Passwort 42"


def token_of(message):
    return re.search(r"/invitations/([^/\s]+)/", message.body).group(1)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Invite and return (invitation, token) from the e-mail sent after the commit."""

    def invite(user, email, role, **scope):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invite(user, email, role, **scope)
        return invitation, token_of(mail.outbox[-1])

    return invite


def test_invite_sends_a_link_in_the_invitees_language(sent, office, kiel):
    invitation, token = sent(
        office, "Neu@Example.org ", Role.COORDINATOR, municipality=kiel, language="en"
    )
    assert invitation.email == "neu@example.org"
    assert mail.outbox[-1].to == ["neu@example.org"]
    assert "invites you to Brücken as municipal coordinator (Kiel)" in mail.outbox[-1].body
    assert "/en/accounts/invitations/" in mail.outbox[-1].body
    # Only the hash is kept.
    assert token not in invitation.token_hash
    assert invitation.token_hash == services.hash_token(token)
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    entry = AuditEntry.objects.get(object_type="accounts.accountinvitation")
    assert entry.user == office and entry.action == "create"


def test_invitation_days_are_a_setting(settings, office, kiel):
    settings.ACCOUNT_INVITATION_DAYS = 2
    invitation = services.invite(office, "a@example.org", Role.COORDINATOR, municipality=kiel)
    assert invitation.expires_at - invitation.sent_at == timedelta(days=2)


def test_german_email(sent, office, kiel):
    sent(office, "b@example.org", Role.FACILITATOR, municipality=kiel, language="de")
    assert "/de/accounts/invitations/" in mail.outbox[-1].body
    assert mail.outbox[-1].subject == "Ihre Einladung zu Brücken als Moderation (Kiel)"


def test_accept_creates_the_account_grants_the_role_and_links_the_person(sent, office, kiel):
    person = PersonFactory(email="neu@example.org", municipality=kiel)
    invitation, token = sent(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    account = services.accept(token, PASSWORD, "Neue Koordinatorin")
    assert account.email == "neu@example.org"
    assert account.check_password(PASSWORD)
    assert account.roles.get().municipality == kiel
    person.refresh_from_db()
    assert person.user == account
    invitation.refresh_from_db()
    assert invitation.status() == AccountInvitation.Status.ACCEPTED
    assert invitation.accepted_by == account
    types = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert {"accounts.user", "accounts.roleassignment", "actors.person"} <= types


def test_accept_creates_the_person_when_the_registry_has_none(sent, office, kiel):
    organisation = OrganisationFactory(municipality=kiel)
    _, token = sent(office, "rep@example.org", Role.REPRESENTATIVE, organisation=organisation)
    account = services.accept(token, PASSWORD, "Rita Rep")
    person = Person.objects.get(user=account)
    assert (person.name, person.email, person.municipality) == ("Rita Rep", account.email, kiel)
    assert account.roles.get().organisation == organisation


def test_a_weak_password_is_refused_and_nothing_changes(sent, office, kiel):
    _, token = sent(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    with pytest.raises(ValidationError):
        services.accept(token, "1234", "")
    assert not User.objects.filter(email="neu@example.org").exists()
    assert AccountInvitation.objects.pending().count() == 1


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        (lambda inv, token: services.accept(token, PASSWORD), "accepted"),
        (lambda inv, token: AccountInvitation.objects.update(revoked_at=timezone.now()), "revoked"),
        (
            lambda inv, token: AccountInvitation.objects.update(
                expires_at=timezone.now() - timedelta(seconds=1)
            ),
            "expired",
        ),
    ],
)
def test_used_revoked_or_expired_links_change_nothing(sent, office, kiel, prepare, reason):
    invitation, token = sent(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    prepare(invitation, token)
    users, roles, entries = (
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(services.InvitationUnusable) as caught:
        services.accept(token, "Ein anderes Passwort 43")
    assert caught.value.reason == reason
    assert (User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count()) == (
        users,
        roles,
        entries,
    )


@pytest.mark.parametrize("token", ["", "x", "a" * 500, "\x00", None])
def test_unknown_tokens(token):
    with pytest.raises(services.InvitationUnusable) as caught:
        services.accept(token, PASSWORD)
    assert caught.value.reason == "unknown"


def test_a_forwarded_link_is_refused_to_someone_else_signed_in(sent, office, kiel):
    _, token = sent(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    other = UserFactory(email="other@example.org")
    with pytest.raises(services.InvitationUnusable) as caught:
        services.accept(token, PASSWORD, signed_in=other)
    assert caught.value.reason == "other_account"
    assert not other.roles.exists()
    assert not User.objects.filter(email="neu@example.org").exists()


def test_an_existing_account_must_sign_in_and_keeps_its_password(sent, office, kiel):
    existing = UserFactory(email="neu@example.org")
    _, token = sent(office, "neu@example.org", Role.FACILITATOR, municipality=kiel)
    with pytest.raises(services.InvitationUnusable) as caught:
        services.accept(token, PASSWORD)
    assert caught.value.reason == "sign_in"
    account = services.accept(token, signed_in=existing)
    assert account == existing
    assert not account.check_password(PASSWORD)
    assert account.roles.get().role == Role.FACILITATOR


def test_resend_replaces_the_link(sent, office, kiel, django_capture_on_commit_callbacks):
    invitation, old = sent(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    AccountInvitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(office, invitation)
    new = token_of(mail.outbox[-1])
    assert new != old
    with pytest.raises(services.InvitationUnusable):
        services.accept(old, PASSWORD)
    services.accept(new, PASSWORD)


def test_revoke_and_nothing_more_on_a_used_invitation(sent, office, kiel):
    invitation, _token = sent(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    services.revoke(office, invitation)
    with pytest.raises(ValidationError):
        services.revoke(office, invitation)
    with pytest.raises(ValidationError):
        services.resend(office, invitation)


def test_no_second_pending_invitation_nor_one_to_a_role_held(office, kiel):
    services.invite(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    with pytest.raises(ValidationError):
        services.invite(office, "NEU@example.org", Role.COORDINATOR, municipality=kiel)
    holder = user_with_role(Role.COORDINATOR, municipality=kiel)
    with pytest.raises(ValidationError):
        services.invite(office, holder.email, Role.COORDINATOR, municipality=kiel)


def test_scope_is_required_and_cleared(office, kiel):
    with pytest.raises(ValidationError):
        services.invite(office, "a@example.org", Role.COORDINATOR)
    with pytest.raises(ValidationError):
        services.invite(office, "a@example.org", Role.REPRESENTATIVE, municipality=kiel)
    invitation = services.invite(office, "a@example.org", Role.PROGRAM_OFFICE, municipality=kiel)
    assert invitation.municipality is None
    with pytest.raises(ValidationError):
        services.invite(office, "a@example.org", Role.PARTICIPANT)


# Who may invite and grant what where


def test_coordinator_invites_facilitators_and_representatives_at_home(kiel_coordinator, kiel):
    organisation = OrganisationFactory(municipality=kiel)
    services.invite(kiel_coordinator, "f@example.org", Role.FACILITATOR, municipality=kiel)
    services.invite(
        kiel_coordinator, "r@example.org", Role.REPRESENTATIVE, organisation=organisation
    )


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PROGRAM_OFFICE])
def test_coordinator_cannot_invite_to_higher_roles(kiel_coordinator, kiel, role):
    with pytest.raises(PermissionDenied):
        services.invite(kiel_coordinator, "x@example.org", role, municipality=kiel)


def test_coordinator_cannot_invite_or_grant_in_another_municipality(kiel_coordinator, bonn):
    organisation = OrganisationFactory(municipality=bonn)
    with pytest.raises(PermissionDenied):
        services.invite(kiel_coordinator, "x@example.org", Role.FACILITATOR, municipality=bonn)
    with pytest.raises(PermissionDenied):
        services.invite(
            kiel_coordinator, "x@example.org", Role.REPRESENTATIVE, organisation=organisation
        )
    with pytest.raises(PermissionDenied):
        services.grant_role(kiel_coordinator, UserFactory(), Role.FACILITATOR, municipality=bonn)
    assert not AccountInvitation.objects.exists()


@pytest.mark.parametrize("name", ["bonn_facilitator", "participant"])
def test_other_roles_invite_nobody(request, name, bonn):
    user = request.getfixturevalue(name)
    with pytest.raises(PermissionDenied):
        services.invite(user, "x@example.org", Role.FACILITATOR, municipality=bonn)


def test_coordinator_cannot_resend_or_revoke_another_municipalitys(office, bonn, kiel_coordinator):
    invitation = services.invite(office, "x@example.org", Role.FACILITATOR, municipality=bonn)
    with pytest.raises(PermissionDenied):
        services.resend(kiel_coordinator, invitation)
    with pytest.raises(PermissionDenied):
        services.revoke(kiel_coordinator, invitation)


def test_grant_and_revoke_roles_are_audited(office, kiel):
    account = UserFactory()
    assignment = services.grant_role(office, account, Role.FACILITATOR, municipality=kiel)
    with pytest.raises(ValidationError):
        services.grant_role(office, account, Role.FACILITATOR, municipality=kiel)
    services.revoke_role(office, assignment)
    actions = list(
        AuditEntry.objects.filter(object_type="accounts.roleassignment")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete"]
    assert not account.roles.exists()


def test_the_last_program_office_keeps_its_role(office):
    with pytest.raises(ValidationError):
        services.revoke_role(office, office.roles.get())


def test_deactivate_is_for_the_office_and_not_oneself(office, kiel_coordinator):
    account = UserFactory()
    services.set_active(office, account, False)
    account.refresh_from_db()
    assert not account.is_active
    with pytest.raises(PermissionDenied):
        services.set_active(office, office, False)
    with pytest.raises(PermissionDenied):
        services.set_active(kiel_coordinator, account, True)


def test_an_invitation_to_a_deactivated_account_is_refused(office, kiel):
    account = UserFactory(email="old@example.org")
    services.set_active(office, account, False)
    with pytest.raises(ValidationError):
        services.invite(office, "old@example.org", Role.FACILITATOR, municipality=kiel)


def test_invitations_and_roles_visible_to(office, kiel, bonn, kiel_coordinator, bonn_coordinator):
    organisation = OrganisationFactory(municipality=kiel)
    services.invite(office, "f@example.org", Role.FACILITATOR, municipality=kiel)
    services.invite(office, "r@example.org", Role.REPRESENTATIVE, organisation=organisation)
    services.invite(office, "o@example.org", Role.PROGRAM_OFFICE)
    assert AccountInvitation.objects.visible_to(office).count() == 3
    assert AccountInvitation.objects.visible_to(kiel_coordinator).count() == 2
    assert AccountInvitation.objects.visible_to(bonn_coordinator).count() == 0
    assert set(RoleAssignment.objects.visible_to(bonn_coordinator)) == {
        bonn_coordinator.roles.get()
    }


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_make_one_account(office, kiel):
    """Two submits of the same link at the same moment: the invitation's row lock lets one
    through; the other finds it used."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    mail.outbox = []
    services.invite(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    token = token_of(mail.outbox[-1])
    barrier = threading.Barrier(2)
    results = []

    def attempt():
        from django.db import connection as own

        barrier.wait()
        try:
            results.append(services.accept(token, PASSWORD).pk)
        except services.InvitationUnusable as error:
            results.append(error.reason)
        finally:
            own.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == sorted(
        [User.objects.get(email="neu@example.org").pk, "accepted"], key=str
    )
    assert RoleAssignment.objects.filter(user__email="neu@example.org").count() == 1
