"""The staff pages for invitations, roles and the person ↔ account link, and accepting an
invitation, in German and English, with hostile input."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.accounts import services
from bruecken.accounts.models import AccountInvitation, AuditEntry, Role, RoleAssignment, User
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Ein langes, gutes Passwort 42"


def url(name, *args, language="de", query=""):
    with translation.override(language):
        return reverse(name, args=args) + query


def token_of(message):
    return re.search(r"/invitations/([^/\s]+)/", message.body).group(1)


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    def run(user, email, role, **scope):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invite(user, email, role, **scope)
        return invitation, token_of(mail.outbox[-1])

    return run


@pytest.mark.parametrize(("language", "heading"), [("de", "Einladungen"), ("en", "Invitations")])
def test_invitation_list(client, office, kiel, language, heading):
    services.invite(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    client.force_login(office)
    response = client.get(url("staff_accounts:invitation_list", language=language))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<h1>{heading}</h1>" in content
    assert "neu@example.org" in content
    for status in ["accepted", "expired", "revoked"]:
        response = client.get(
            url("staff_accounts:invitation_list", language=language, query=f"?status={status}")
        )
        assert response.status_code == 200
        assert "neu@example.org" not in response.content.decode()
    for query in ["?page=zzz", "?status=nonsense", "?status=%00", "?page=99999999999"]:
        response = client.get(url("staff_accounts:invitation_list", query=query))
        assert response.status_code == 200


@pytest.mark.parametrize("name", ["bonn_facilitator", "participant"])
def test_pages_are_for_office_and_coordinators(client, request, name):
    client.force_login(request.getfixturevalue(name))
    for page in ["invitation_list", "invitation_create", "role_list", "role_grant"]:
        assert client.get(url(f"staff_accounts:{page}")).status_code == 403


def test_anonymous_are_sent_to_sign_in(client):
    response = client.get(url("staff_accounts:invitation_list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_office_invites_by_the_form(client, office, kiel):
    client.force_login(office)
    response = client.get(url("staff_accounts:invitation_create"))
    assert 'role="combobox"' in response.content.decode()  # typed and picked
    response = client.post(
        url("staff_accounts:invitation_create"),
        {
            "email": "neu@example.org",
            "role": "coordinator",
            "municipality": kiel.pk,
            "language": "en",
        },
    )
    assert response.status_code == 302
    invitation = AccountInvitation.objects.get()
    assert (invitation.municipality, invitation.language) == (kiel, "en")


@pytest.mark.parametrize(
    ("language", "error"),
    [
        ("de", "Für diese Rolle muss eine Kommune angegeben werden."),
        ("en", "This role needs a municipality."),
    ],
)
def test_form_errors_in_the_users_language(client, office, language, error):
    client.force_login(office)
    response = client.post(
        url("staff_accounts:invitation_create", language=language),
        {"email": "neu@example.org", "role": "coordinator", "municipality": "", "language": "de"},
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not AccountInvitation.objects.exists()


def test_coordinator_cannot_invite_into_another_municipality(client, kiel_coordinator, bonn, kiel):
    bonn_organisation = OrganisationFactory(name="Verein in Bonn", municipality=bonn)
    client.force_login(kiel_coordinator)
    page = client.get(url("staff_accounts:invitation_create")).content.decode()
    assert "Verein in Bonn" not in page and "Bonn (" not in page
    hostile = [
        {"role": "facilitator", "municipality": bonn.ags},
        {"role": "facilitator", "municipality": f"Bonn ({bonn.ags})"},
        {
            "role": "representative",
            "organisation": f"Verein in Bonn, Bonn ({bonn_organisation.pk})",
        },
        {"role": "representative", "organisation": str(bonn_organisation.pk)},
        {"role": "facilitator", "municipality": str(bonn.pk)},
        {"role": "facilitator", "municipality__search": "Bonn"},
        {"role": "coordinator", "municipality": "Kiel"},
        {"role": "program_office"},
        {"role": "representative", "organisation": "x (Oder)"},
        {"role": "representative", "organisation": "x (99999999999999999999)"},
        {"role": "facilitator", "municipality": "\x00" * 10},
    ]
    for data in hostile:
        response = client.post(
            url("staff_accounts:invitation_create"),
            {"email": "x@example.org", "language": "de", **data},
        )
        assert response.status_code == 200, data
    assert not AccountInvitation.objects.exists()


def test_coordinator_invites_a_representative_of_their_organisation(client, kiel_coordinator, kiel):
    organisation = OrganisationFactory(name="Kieler Verein", municipality=kiel)
    client.force_login(kiel_coordinator)
    response = client.post(
        url("staff_accounts:invitation_create", language="en"),
        {
            "email": "rep@example.org",
            "role": "representative",
            "organisation": organisation.pk,
            "language": "de",
        },
    )
    assert response.status_code == 302
    assert AccountInvitation.objects.get().organisation == organisation


def test_resend_and_revoke_with_confirmation(
    client, office, kiel, django_capture_on_commit_callbacks
):
    invitation = services.invite(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    client.force_login(office)
    # Sending again is a POST; a GET changes nothing.
    assert client.get(url("staff_accounts:invitation_resend", invitation.pk)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("staff_accounts:invitation_resend", invitation.pk))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    page = client.get(url("staff_accounts:invitation_revoke", invitation.pk, language="en"))
    assert "The link in the e-mail stops working" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    client.post(url("staff_accounts:invitation_revoke", invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    # Revoking twice: a message, no error page.
    response = client.post(url("staff_accounts:invitation_revoke", invitation.pk), follow=True)
    assert response.status_code == 200


def test_coordinator_cannot_touch_another_municipalitys_invitation(
    client, office, bonn, kiel_coordinator
):
    invitation = services.invite(office, "x@example.org", Role.FACILITATOR, municipality=bonn)
    client.force_login(kiel_coordinator)
    assert client.post(url("staff_accounts:invitation_resend", invitation.pk)).status_code == 404
    assert client.post(url("staff_accounts:invitation_revoke", invitation.pk)).status_code == 404
    assert client.post(url("staff_accounts:invitation_revoke", 10**12)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# Accepting


def test_accept_sets_the_password_signs_in_and_lands_home(client, invite, office, kiel):
    _, token = invite(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    link = url("invitations:accept", token)
    page = client.get(link)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    response = client.post(
        link, {"full_name": "Neue", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    # Where signing in lands (the login view's choice), signed in.
    assert "/invitations/" not in response.url
    assert client.get(response.url).status_code == 200
    assert client.session["_auth_user_id"] == str(User.objects.get(email="neu@example.org").pk)
    account = User.objects.get(email="neu@example.org")
    assert account.roles.get().role == Role.COORDINATOR
    # The link is used up.
    again = client.get(link)
    assert again.status_code == 410


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("de", "Die beiden Passwörter sind verschieden."),
        ("en", "The two passwords differ."),
    ],
)
def test_accept_password_errors_in_the_users_language(
    client, invite, office, kiel, language, message
):
    _, token = invite(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    response = client.post(
        url("invitations:accept", token, language=language),
        {"password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    response = client.post(
        url("invitations:accept", token, language=language),
        {"password1": "neu@example.org", "password2": "neu@example.org"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="neu@example.org").exists()


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"revoked_at": timezone.now()}, 410, "withdrawn"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, 410, "expired"),
    ],
)
def test_revoked_and_expired_links(client, invite, office, kiel, change, status, text):
    _, token = invite(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    AccountInvitation.objects.update(**change)
    link = url("invitations:accept", token, language="en")
    assert client.get(link).status_code == status
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == status
    assert text in response.content.decode()
    assert not User.objects.filter(email="neu@example.org").exists()


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "%00", "..%2F..%2F"])
def test_unknown_links(client, token):
    response = client.get(f"/de/accounts/invitations/{token}/")
    assert response.status_code == 404


def test_forwarded_link_opened_by_someone_signed_in(client, invite, office, kiel):
    _, token = invite(office, "neu@example.org", Role.COORDINATOR, municipality=kiel)
    other = UserFactory(email="other@example.org")
    client.force_login(other)
    link = url("invitations:accept", token, language="en")
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 403
    assert "another e-mail address" in response.content.decode()
    assert not other.roles.exists()
    assert AccountInvitation.objects.pending().count() == 1


def test_existing_account_signs_in_then_accepts(client, invite, office, kiel):
    existing = UserFactory(email="neu@example.org")
    _, token = invite(office, "neu@example.org", Role.FACILITATOR, municipality=kiel)
    link = url("invitations:accept", token)
    page = client.get(link)
    assert "/accounts/login/?next=" in page.content.decode()
    client.force_login(existing)
    assert client.post(link).status_code == 302
    assert existing.roles.get().role == Role.FACILITATOR


# Roles


def test_role_list_and_filters(client, office, kiel_coordinator, bonn_coordinator):
    client.force_login(kiel_coordinator)
    content = client.get(url("staff_accounts:role_list")).content.decode()
    assert kiel_coordinator.email in content and bonn_coordinator.email not in content
    client.force_login(office)
    for query in ["?q=%00", "?role=nonsense", "?q=" + "x" * 1000, "?page=-1"]:
        assert client.get(url("staff_accounts:role_list", query=query)).status_code == 200
    content = client.get(
        url("staff_accounts:role_list", query="?role=coordinator")
    ).content.decode()
    assert bonn_coordinator.email in content and office.email not in content


def test_revoke_is_offered_only_where_allowed(client, office, kiel_coordinator, kiel):
    facilitator = user_with_role(Role.FACILITATOR, municipality=kiel)
    own = RoleAssignment.objects.get(user=kiel_coordinator)
    theirs = RoleAssignment.objects.get(user=facilitator)
    client.force_login(kiel_coordinator)
    content = client.get(url("staff_accounts:role_list")).content.decode()
    # A coordinator may revoke a facilitator's role, not their own coordinator role.
    assert reverse("staff_accounts:role_revoke", args=[theirs.pk]) in content
    assert reverse("staff_accounts:role_revoke", args=[own.pk]) not in content
    client.force_login(office)
    content = client.get(url("staff_accounts:role_list")).content.decode()
    assert reverse("staff_accounts:role_revoke", args=[own.pk]) in content


def test_grant_on_views(client, kiel_coordinator, bonn, kiel):
    account = UserFactory(email="helfer@example.org")
    client.force_login(kiel_coordinator)
    response = client.post(
        url("staff_accounts:role_grant"),
        {"email": "helfer@example.org", "role": "facilitator", "municipality": bonn.pk},
    )
    assert response.status_code == 200
    response = client.post(
        url("staff_accounts:role_grant"),
        {"email": "nobody@example.org", "role": "facilitator", "municipality": kiel.pk},
    )
    assert "Laden Sie die Person stattdessen ein" in response.content.decode()
    assert not account.roles.exists()
    response = client.post(
        url("staff_accounts:role_grant"),
        {"email": "HELFER@example.org", "role": "facilitator", "municipality": kiel.pk},
    )
    assert response.status_code == 302
    assert account.roles.get().municipality == kiel


def test_revoke_role_on_views(client, kiel_coordinator, bonn_coordinator, kiel):
    facilitator = user_with_role(Role.FACILITATOR, municipality=kiel)
    assignment = facilitator.roles.get()
    client.force_login(kiel_coordinator)
    # Another municipality's role: not found; a coordinator's own level: refused.
    other = bonn_coordinator.roles.get()
    assert client.post(url("staff_accounts:role_revoke", other.pk)).status_code == 404
    own = kiel_coordinator.roles.get()
    assert client.post(url("staff_accounts:role_revoke", own.pk)).status_code == 403
    assert client.get(url("staff_accounts:role_revoke", assignment.pk)).status_code == 200
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert client.post(url("staff_accounts:role_revoke", assignment.pk)).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_deactivate_on_views(client, office, kiel_coordinator):
    account = UserFactory()
    client.force_login(kiel_coordinator)
    assert client.post(url("staff_accounts:account_active", account.pk)).status_code == 403
    client.force_login(office)
    assert client.post(url("staff_accounts:account_active", office.pk)).status_code == 403
    assert client.get(url("staff_accounts:account_active", account.pk)).status_code == 200
    assert client.post(url("staff_accounts:account_active", account.pk)).status_code == 302
    account.refresh_from_db()
    assert not account.is_active
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(account.pk))
    assert entry.changes == {"is_active": [True, False]}


# Person ↔ account


def test_link_and_unlink_on_the_person_page(client, kiel_coordinator, kiel, bonn):
    person = PersonFactory(name="Neema", email="neema@example.org", municipality=kiel)
    account = UserFactory(email="neema@example.org")
    client.force_login(kiel_coordinator)
    # The German page, whichever language an earlier test left active.
    page = client.get(url("actors:person_detail", person.pk)).content.decode()
    assert url("staff_accounts:person_link", person.pk) in page
    response = client.post(
        url("staff_accounts:person_link", person.pk), {"email": "neema@example.org"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user == account
    assert client.get(url("staff_accounts:person_unlink", person.pk)).status_code == 200
    client.post(url("staff_accounts:person_unlink", person.pk))
    person.refresh_from_db()
    assert person.user is None
    # Another municipality's person: refused.
    other = PersonFactory(municipality=bonn)
    assert (
        client.post(
            url("staff_accounts:person_link", other.pk), {"email": "neema@example.org"}
        ).status_code
        == 403
    )


def test_link_refusals_are_form_errors(client, office, kiel):
    person = PersonFactory(municipality=kiel)
    taken = UserFactory(email="taken@example.org")
    PersonFactory(user=taken)
    client.force_login(office)
    for email in ["nobody@example.org", "taken@example.org", "not an address", "\x00"]:
        response = client.post(url("staff_accounts:person_link", person.pk), {"email": email})
        assert response.status_code == 200
    person.refresh_from_db()
    assert person.user is None
    assert Person.objects.filter(user=taken).count() == 1


def test_the_whole_way(client, office, kiel, django_capture_on_commit_callbacks):
    """The office invites Kiel's coordinator, who sets a password, invites a representative of
    a Kiel organisation, who accepts and edits the organisation's description."""
    organisation = OrganisationFactory(name="Kieler Verein", municipality=kiel)
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("staff_accounts:invitation_create"),
            {
                "email": "koordination@kiel.example",
                "role": "coordinator",
                "municipality": kiel.pk,
                "language": "de",
            },
        )
    client.logout()
    link = url("invitations:accept", token_of(mail.outbox[-1]))
    client.post(link, {"full_name": "Kim", "password1": PASSWORD, "password2": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("staff_accounts:invitation_create"),
            {
                "email": "vertretung@example.org",
                "role": "representative",
                "organisation": organisation.pk,
                "language": "en",
            },
        )
    assert response.status_code == 302
    client.logout()
    assert "/en/accounts/invitations/" in mail.outbox[-1].body
    link = url("invitations:accept", token_of(mail.outbox[-1]), language="en")
    client.post(link, {"full_name": "Rana", "password1": PASSWORD, "password2": PASSWORD})
    representative = User.objects.get(email="vertretung@example.org")
    assert representative.person.name == "Rana"
    assert client.get(url("actors:organisation_edit", organisation.pk)).status_code == 200
    from bruecken.actors import services as actor_services

    actor_services.update_organisation(
        representative, organisation, {"description": "Neu beschrieben"}
    )
    organisation.refresh_from_db()
    assert organisation.description == "Neu beschrieben"


def test_role_and_invitation_entries_show_in_the_organisations_history(client, office, kiel):
    organisation = OrganisationFactory(name="Kieler Verein", municipality=kiel)
    services.invite(office, "rep@example.org", Role.REPRESENTATIVE, organisation=organisation)
    services.grant_role(office, UserFactory(), Role.REPRESENTATIVE, organisation=organisation)
    client.force_login(office)
    for language in ["de", "en"]:
        response = client.get(url("actors:organisation_detail", organisation.pk, language=language))
        assert response.status_code == 200
        assert "rep@example.org" in response.content.decode()
