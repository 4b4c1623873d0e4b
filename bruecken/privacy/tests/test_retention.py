"""Retention: each step deletes exactly what is past its period (boundaries with aware
datetimes), notes counts and kinds in the privacy ledger, and the periods come from settings."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from bruecken import housekeeping
from bruecken.accounts.models import AccountInvitation, Role
from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import MembershipFactory, PersonFactory
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.privacy import retention
from bruecken.privacy.models import ErasureRequest, LedgerEntry
from bruecken.website.models import ContactMessage
from bruecken.website.tests.factories import ContactMessageFactory

NOW = datetime(2031, 3, 15, 12, 0, tzinfo=UTC)
RETENTION = LedgerEntry.Reason.RETENTION


def ledger():
    return {(entry.kind, entry.reason): entry.count for entry in LedgerEntry.objects.all()}


class TestPeriods:
    def test_come_from_the_settings(self, settings):
        settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS = 3
        settings.RETENTION_INACTIVE_PERSON_MONTHS = 18
        settings.CONTACT_MESSAGE_RETENTION_DAYS = 90
        settings.RETENTION_EXPIRED_INVITATION_DAYS = 1
        with translation.override("en"):
            kept = {period.kind: period.kept for period in retention.periods()}
        assert kept["unconfirmed_registrations"] == "3 days"
        assert kept["inactive_people"] == "18 months"
        assert kept["contact_messages"] == "90 days"
        assert kept["account_invitations"] == "1 day"
        assert kept["import_uploads"] == "48 hours"

    def test_every_period_names_a_step_of_the_housekeeping(self):
        steps = set(housekeeping.STEPS)
        for period in retention.periods():
            assert period.kind in steps


def set_updated(person, at):
    Person.objects.filter(pk=person.pk).update(updated_at=at, created_at=at)


@pytest.fixture
def months(settings):
    settings.RETENTION_INACTIVE_PERSON_MONTHS = 24
    return datetime(2029, 3, 15, 12, 0, tzinfo=UTC)  # NOW minus 24 months


class TestInactivePeople:
    def test_boundary(self, db, months):
        before = PersonFactory(name="Lange her")
        set_updated(before, months - timedelta(seconds=1))
        at = PersonFactory(name="Genau an der Grenze")
        set_updated(at, months)
        assert list(retention.inactive_people(NOW)) == [before]

    def test_activity_keeps_a_person(self, db, months):
        old = months - timedelta(days=1)
        with_account = PersonFactory(user=UserFactory())
        member = PersonFactory()
        MembershipFactory(person=member)
        former_member = PersonFactory()
        MembershipFactory(person=former_member, ended_on=old.date() - timedelta(days=1))
        registered = PersonFactory()
        RegistrationFactory(
            person=registered, event=EventFactory(starts_at=NOW + timedelta(days=3))
        )
        long_ago = PersonFactory()
        RegistrationFactory(
            person=long_ago,
            registered_at=old,
            event=EventFactory(starts_at=old, ends_at=old + timedelta(hours=2)),
        )
        for person in (with_account, member, former_member, registered, long_ago):
            set_updated(person, old)
        assert set(retention.inactive_people(NOW)) == {former_member, long_ago}

    def test_erased_through_the_erasure_with_a_pseudonym_and_ledger(self, db, months):
        old = months - timedelta(days=1)
        person = PersonFactory(name="Amina Diallo", email="amina@example.org")
        event = EventFactory(starts_at=old, ends_at=old + timedelta(hours=2))
        RegistrationFactory(person=person, event=event, registered_at=old, attended=True)
        set_updated(person, old)
        kept = PersonFactory(name="Neu hier")
        set_updated(kept, NOW - timedelta(days=1))
        assert retention.delete_inactive_people(NOW) == 1
        assert not Person.objects.filter(name="Amina Diallo").exists()
        assert not Person.objects.filter(email="amina@example.org").exists()
        # The workshop keeps its participant count.
        assert Registration.objects.filter(event=event).count() == 1
        assert Person.objects.filter(pk=kept.pk).exists()
        erasure = ErasureRequest.objects.get()
        assert erasure.status == ErasureRequest.Status.DONE
        assert not erasure.by_the_person
        assert "no activity" in erasure.note or "Aktivität" in erasure.note
        counts = ledger()
        assert counts[("inactive_people", RETENTION)] == 1
        assert not [key for key in counts if key[1] != RETENTION]
        # The pseudonymous record is not erased again, however long it stays.
        pseudonymous = Registration.objects.get(event=event).person
        assert pseudonymous.name == erasure.pseudonym
        later = retention.inactive_people(NOW + timedelta(days=3650))
        assert not later.filter(pk=pseudonymous.pk).exists()

    def test_a_pending_erasure_request_is_left_to_the_office(self, db, months, office):
        from bruecken.privacy.erasure import record_request

        person = PersonFactory()
        record_request(person, by_user=office)
        set_updated(person, months - timedelta(days=1))
        assert retention.delete_inactive_people(NOW) == 0


@pytest.fixture
def office(db):
    from bruecken.accounts.tests.factories import user_with_role

    return user_with_role(Role.PROGRAM_OFFICE)


class TestAccountInvitations:
    def invitation(self, **values):
        return AccountInvitation.objects.create(
            email="new@example.org",
            role=Role.PROGRAM_OFFICE,
            token_hash=str(len(AccountInvitation.objects.all())) * 64,
            expires_at=values.pop("expires_at", NOW + timedelta(days=7)),
            **values,
        )

    def test_deletes_unaccepted_past_the_period(self, db, settings):
        settings.RETENTION_EXPIRED_INVITATION_DAYS = 90
        cutoff = NOW - timedelta(days=90)
        gone = self.invitation(expires_at=cutoff - timedelta(seconds=1))
        at_limit = self.invitation(expires_at=cutoff)
        revoked = self.invitation(revoked_at=cutoff - timedelta(seconds=1))
        revoked_lately = self.invitation(
            expires_at=cutoff - timedelta(days=1), revoked_at=cutoff + timedelta(days=1)
        )
        accepted = self.invitation(
            expires_at=cutoff - timedelta(days=5), accepted_at=cutoff - timedelta(days=6)
        )
        assert retention.delete_expired_invitations(NOW) == 2
        left = set(AccountInvitation.objects.values_list("pk", flat=True))
        assert left == {at_limit.pk, revoked_lately.pk, accepted.pk}
        assert gone.pk not in left and revoked.pk not in left
        assert ledger() == {("account_invitations", RETENTION): 2}


class TestLedgeredSteps:
    def test_contact_messages_go_to_the_ledger(self, db, settings):
        settings.CONTACT_MESSAGE_RETENTION_DAYS = 180
        old = ContactMessageFactory()
        ContactMessage.objects.filter(pk=old.pk).update(
            received_at=timezone.now() - timedelta(days=181)
        )
        ContactMessageFactory()
        counts, failed = housekeeping.run()
        assert not failed
        assert counts["contact_messages"] == 1
        assert ledger()[("contact_messages", RETENTION)] == 1
        # Counts and kinds only: nothing of the message.
        entry = LedgerEntry.objects.get(kind="contact_messages")
        assert "Amina" not in str(entry.__dict__)

    def test_a_failing_step_writes_no_entry(self, db):
        def step(now=None):
            ContactMessageFactory()
            raise RuntimeError("broken")

        with pytest.raises(RuntimeError):
            retention.ledgered("contact_messages", step)(now=NOW)
        assert not LedgerEntry.objects.exists()
        assert not ContactMessage.objects.exists()
