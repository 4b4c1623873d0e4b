import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bruecken.accounts.models import AuditEntry
from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.models import Membership, Person
from bruecken.actors.signals import consent_withdrawn
from bruecken.events.emails import build_messages
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.privacy.consents import set_consent

from .my_data_fixtures import held_fixture, in_german_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("in_german", "language_reset")


@pytest.fixture
def withdrawals():
    received = []

    def receiver(sender, instance, **kwargs):
        received.append(instance.pk)

    consent_withdrawn.connect(receiver, dispatch_uid="test-privacy-withdrawals")
    yield received
    consent_withdrawn.disconnect(dispatch_uid="test-privacy-withdrawals")


def api_people(client):
    response = client.get("/api/v1/people", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return {row["name"]: row for row in response.json()["results"]}


def open_data_memberships(client):
    data = client.get("/api/v1/open-data/popolo.json").json()
    return [(m["person_id"], m.get("role")) for m in data["memberships"]]


def profile(client, organisation):
    response = client.get(reverse("website:organisation", args=[organisation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_withdrawing_membership_hides_the_person_everywhere_at_once(
    client, participant, held, withdrawals, django_capture_on_commit_callbacks
):
    organisation = held.memberships.get().organisation
    assert "Amara Diallo" in profile(client, organisation)
    assert api_people(client)["Amara Diallo"]["memberships"]
    assert (f"person-{held.pk}", "Kassenwartin") in open_data_memberships(client)

    with django_capture_on_commit_callbacks(execute=True):
        set_consent(held, "membership", False, by_user=participant)

    assert "Amara Diallo" not in profile(client, organisation)
    # Still in the directory (that consent stands), without the membership.
    assert api_people(client)["Amara Diallo"]["memberships"] == []
    assert not [m for m in open_data_memberships(client) if m[0] == f"person-{held.pk}"]
    assert not Membership.objects.public().filter(person=held).exists()
    assert withdrawals == [held.pk]
    # Given again, shown again.
    set_consent(held, "membership", True, by_user=participant)
    assert "Amara Diallo" in profile(client, organisation)


def test_withdrawing_the_directory_consent(
    client, participant, held, withdrawals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_consent(held, "directory", False, by_user=participant)
    held.refresh_from_db()
    assert held.consent_given_at is None and held.consent_given_by == ""
    assert not Person.objects.public().filter(pk=held.pk).exists()
    assert "Amara Diallo" not in api_people(client)
    assert "Amara Diallo" not in profile(client, held.memberships.get().organisation)
    assert withdrawals == [held.pk]
    entry = AuditEntry.objects.filter(object_type="actors.person", object_id=str(held.pk)).first()
    assert entry.user == participant and entry.changes["consent_given_at"][1] == ""


def test_giving_the_directory_consent_records_who_and_when(participant, held):
    set_consent(held, "directory", False, by_user=participant)
    set_consent(held, "directory", True, by_user=participant)
    held.refresh_from_db()
    assert held.is_public
    assert held.consent_given_by == "Amara Diallo"
    assert held.consent_recorded_by == participant


def test_no_change_writes_nothing(
    participant, held, withdrawals, django_capture_on_commit_callbacks
):
    count = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        set_consent(held, "emails", True, by_user=participant)
    assert AuditEntry.objects.count() == count and withdrawals == []


def test_emails_do_not_announce_a_withdrawal(
    participant, held, withdrawals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_consent(held, "emails", False, by_user=participant)
    assert withdrawals == []
    assert not Person.objects.accepting_emails().filter(pk=held.pk).exists()


def test_only_the_person_or_who_keeps_their_record(held, bonn_coordinator, kiel_coordinator):
    with pytest.raises(PermissionDenied):
        set_consent(held, "membership", False, by_user=UserFactory())
    with pytest.raises(PermissionDenied):
        set_consent(held, "membership", False, by_user=kiel_coordinator)
    set_consent(held, "membership", False, by_user=bonn_coordinator)


def test_unknown_kind(participant, held):
    with pytest.raises(ValidationError):
        set_consent(held, "newsletter", False, by_user=participant)


def test_reminders_respect_the_email_consent_and_confirmations_do_not(participant, held):
    event = EventFactory()
    mine = RegistrationFactory(event=event, person=held)
    RegistrationFactory(event=event)
    set_consent(held, "emails", False, by_user=participant)
    reminded = [m.to[0] for m in build_messages("event_reminder", {"event": event.pk})]
    assert len(reminded) == 1 and held.email not in reminded
    confirmed = build_messages("registration_confirmed", {"registration": mine.pk})
    assert [m.to[0] for m in confirmed] == [held.email]
    invitation = event.invitations.create(person=held)
    assert build_messages("invitation_reminder", {"invitation": invitation.pk}) == []
    assert build_messages("invitation", {"invitation": invitation.pk})
    mail.outbox.clear()
