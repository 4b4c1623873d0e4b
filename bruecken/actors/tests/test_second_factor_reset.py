"""Resetting a lost second factor from the staff role list: offered to the program office for
accounts that have one, after a confirmation page; refused to others; hostile ids are a 404."""

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from bruecken.accounts import mfa
from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.accounts.tests.test_mfa_reset import with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_reset")]


def reset_url(pk, language="de"):
    return f"/{language}/staff/accounts/users/{pk}/second-factor/reset/"


@pytest.fixture
def kiel_facilitator(kiel):
    return with_second_factor(
        user_with_role(Role.FACILITATOR, municipality=kiel, user__email="fa@example.org")
    )


def test_the_role_list_offers_the_reset_for_accounts_with_a_second_factor(
    client, office, kiel_facilitator, kiel_coordinator
):
    client.force_login(office)
    content = client.get("/de/staff/accounts/roles/").content.decode()
    assert reset_url(kiel_facilitator.pk) in content
    assert "Zweiten Faktor zurücksetzen" in content
    # The coordinator has none.
    assert reset_url(kiel_coordinator.pk) not in content


def test_coordinators_are_not_offered_the_reset(client, kiel_coordinator, kiel_facilitator):
    client.force_login(kiel_coordinator)
    content = client.get("/de/staff/accounts/roles/").content.decode()
    assert "second-factor" not in content


@pytest.mark.parametrize("language", ["de", "en"])
def test_office_resets_after_a_confirmation(
    client, office, kiel_facilitator, language, django_capture_on_commit_callbacks
):
    client.force_login(office)
    page = client.get(reset_url(kiel_facilitator.pk, language))
    assert page.status_code == 200
    assert "fa@example.org" in page.content.decode()
    # A POST without the confirmation (a one-click form) only asks.
    assert client.post(reset_url(kiel_facilitator.pk, language)).status_code == 200
    assert mfa.has_second_factor(kiel_facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reset_url(kiel_facilitator.pk, language), {"confirm": "yes"})
    assert response.status_code == 302
    assert response.url == f"/{language}/staff/accounts/roles/"
    assert not TOTPDevice.objects.filter(user=kiel_facilitator).exists()
    assert AuditEntry.objects.filter(
        object_type="accounts.user",
        object_id=str(kiel_facilitator.pk),
        changes={"second factor": ["on", "reset"]},
    ).exists()
    assert [message.to for message in mail.outbox] == [["fa@example.org"]]


def test_resetting_twice_says_why_and_changes_nothing(client, office, kiel_facilitator):
    client.force_login(office)
    client.post(reset_url(kiel_facilitator.pk), {"confirm": "yes"})
    response = client.post(reset_url(kiel_facilitator.pk), {"confirm": "yes"}, follow=True)
    assert response.status_code == 200
    assert "keinen zweiten Faktor" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_coordinator_is_refused(client, kiel_coordinator, kiel_facilitator, method):
    client.force_login(kiel_coordinator)
    response = getattr(client, method)(reset_url(kiel_facilitator.pk), {"confirm": "yes"})
    assert response.status_code in (403, 404)
    assert mfa.has_second_factor(kiel_facilitator)


def test_others_are_refused(client, kiel_facilitator, participant):
    other = with_second_factor(UserFactory())
    client.force_login(kiel_facilitator)
    assert client.post(reset_url(other.pk), {"confirm": "yes"}).status_code in (403, 404)
    client.force_login(participant)
    assert client.post(reset_url(other.pk), {"confirm": "yes"}).status_code in (403, 404)
    assert mfa.has_second_factor(other)


def test_anonymous_are_sent_to_sign_in(client, kiel_facilitator):
    response = client.post(reset_url(kiel_facilitator.pk), {"confirm": "yes"})
    assert response.status_code == 302
    assert mfa.has_second_factor(kiel_facilitator)


@pytest.mark.parametrize("pk", ["0", "999999", "99999999999999999999999", "-1", "abc", "1%00"])
def test_hostile_ids_are_a_404(client, office, pk):
    client.force_login(office)
    for method in (client.get, client.post):
        response = method(f"/de/staff/accounts/users/{pk}/second-factor/reset/", {"confirm": "yes"})
        assert response.status_code == 404, (method, pk)
