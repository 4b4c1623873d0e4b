import os
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from bruecken import personal_data
from bruecken.accounts.audit import history
from bruecken.accounts.models import AuditEntry, Role, RoleAssignment, User
from bruecken.accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from bruecken.actors import services as actor_services
from bruecken.actors.models import Membership, Organisation, Person
from bruecken.actors.tests.factories import PersonFactory
from bruecken.privacy import erasure
from bruecken.privacy.models import ErasureRequest, LedgerEntry

from . import scan
from .conftest import EMAIL, NAME, confirmed_count


def test_due_on_is_one_month_later():
    assert erasure.due_on(date(2026, 1, 31)) == date(2026, 2, 28)
    assert erasure.due_on(date(2026, 12, 15)) == date(2027, 1, 15)


def test_record_request_by_the_office(amina, office):
    request = erasure.record_request(amina, by_user=office, note="Brief vom 3.12.")
    assert request.is_pending and not request.by_the_person
    # From the day in Berlin (after 23:00 UTC in winter, the next day there).
    assert request.due_on == erasure.due_on(timezone.localdate(request.requested_at))
    # A second one for the same person is the same request.
    assert erasure.record_request(amina, by_user=office) == request
    assert history(amina).filter(object_type="privacy.erasurerequest").exists()


def test_record_request_refused_to_others(amina, bonn_coordinator, participant):
    for user in (bonn_coordinator, participant, amina.user):
        with pytest.raises(PermissionDenied):
            erasure.record_request(amina, by_user=user)
    assert not ErasureRequest.objects.exists()


def test_record_request_refuses_an_overlong_note(amina, office):
    with pytest.raises(ValidationError):
        erasure.record_request(amina, by_user=office, note="x" * 10_000)
    request = erasure.record_request(amina, by_user=office, note="a\x00b")
    assert request.note == "ab"


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_personal_data_in_any_row(amina, office):
    assert scan.find(EMAIL), "the scan must find the address before the erasure"
    request = erasure.record_request(amina, by_user=office)
    done = erasure.erase_person(amina, by_user=office, request=request)

    assert done.status == ErasureRequest.Status.DONE and done.completed_at
    assert done.pseudonym.startswith("Gelöschte Person ")
    assert scan.find(EMAIL, NAME, "Okonkwo", "7654321") == []
    assert not Path(amina.export_path).exists()


def test_erasure_keeps_counts_and_shows_the_pseudonym(amina, office):
    event = amina.event
    before = confirmed_count(event)
    memberships = Membership.objects.filter(organisation=amina.organisation).count()

    done = erasure.erase_person(amina, by_user=office)

    assert confirmed_count(event) == before
    assert Membership.objects.filter(organisation=amina.organisation).count() == memberships
    record = Person.objects.get(pk=amina.pk)
    assert record.name == done.pseudonym
    assert (record.email, str(record.phone), record.competences) == ("", "", "")
    assert not record.countries.exists() and not record.languages.exists()
    assert done.person == record
    entries = history(record)
    assert entries.exists()
    for entry in entries:
        assert NAME not in entry.object_repr and NAME not in str(entry.changes)
    assert entries.filter(object_repr=done.pseudonym).exists()
    event.refresh_from_db()
    assert done.pseudonym in event.minutes


def test_the_account_can_no_longer_sign_in(amina, office, client):
    user = amina.user
    client.force_login(user)
    erasure.erase_person(amina, by_user=office)
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.email != EMAIL and user.full_name != NAME
    assert authenticate(email=EMAIL, password=PASSWORD) is None
    assert not RoleAssignment.objects.filter(user=user).exists()
    # The session of the erased account ends.
    assert client.get("/de/personal-data/ledger/").status_code == 302


def test_the_ledger_lists_kinds_and_counts(amina, office):
    done = erasure.erase_person(amina, by_user=office)
    entries = LedgerEntry.objects.filter(erasure_request=done)
    kinds = dict(entries.values_list("kind", "count"))
    assert kinds["people"] == 1
    assert kinds["accounts"] == 1
    assert kinds["contact_messages"] == 1
    assert kinds["audit_entries"] >= 3
    assert all(entry.reason == LedgerEntry.Reason.ERASURE for entry in entries)
    for entry in entries:
        assert NAME not in entry.kind


def test_a_record_nothing_counts_on_is_deleted(reference_data, office):
    person = PersonFactory(name="Nobody Counted", email="nobody@example.net")
    done = erasure.erase_person(person, by_user=office)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert done.person is None and done.pseudonym
    assert LedgerEntry.objects.filter(erasure_request=done, kind="people_deleted").exists()


def test_a_failing_part_changes_nothing(amina, office, monkeypatch):
    def broken(erasure_):
        raise RuntimeError("disk full")

    monkeypatch.setitem(personal_data.PARTS, "broken", (None, broken))
    audit_before = list(AuditEntry.objects.values_list("pk", "object_repr", "changes"))
    with pytest.raises(RuntimeError):
        erasure.erase_person(amina, by_user=office)
    amina.refresh_from_db()
    assert amina.name == NAME and amina.email == EMAIL
    assert User.objects.get(pk=amina.user_id).email == EMAIL
    assert list(AuditEntry.objects.values_list("pk", "object_repr", "changes")) == audit_before
    assert not LedgerEntry.objects.exists()
    assert not ErasureRequest.objects.exists()
    assert Path(amina.export_path).exists()


def test_only_the_office_erases_others(amina, bonn_coordinator, participant):
    for user in (bonn_coordinator, participant):
        with pytest.raises(PermissionDenied):
            erasure.erase_person(amina, by_user=user)
    amina.refresh_from_db()
    assert amina.name == NAME


def test_a_person_erases_their_own_record(amina):
    done = erasure.erase_person(amina, by_user=amina.user)
    assert done.by_the_person
    other = PersonFactory(name="Jemand Anderes")
    with pytest.raises(PermissionDenied):
        erasure.erase_person(other, by_user=UserFactory())


def test_a_request_about_someone_else_is_refused(amina, office):
    other = PersonFactory(name="Jemand Anderes")
    request = erasure.record_request(other, by_user=office)
    with pytest.raises(ValidationError):
        erasure.erase_person(amina, by_user=office, request=request)
    done = erasure.erase_person(other, by_user=office, request=request)
    with pytest.raises(ValidationError):
        erasure.erase_person(amina, by_user=office, request=done)


def test_delete_own_account_tells_the_office_about_the_organisation(
    amina, office, django_capture_on_commit_callbacks
):
    assert erasure.sole_represented(amina.user) == [amina.organisation]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = erasure.delete_own_account(amina.user)
    assert done.by_the_person
    sent = [message for message in mail.outbox if message.to == [office.email]]
    assert len(sent) == 1
    assert "Igbo Union Bonn" in sent[0].body
    assert NAME not in sent[0].body and NAME not in sent[0].subject
    assert Organisation.objects.filter(pk=amina.organisation.pk).exists()


def test_another_representative_keeps_the_organisation_represented(amina):
    RoleAssignment.objects.create(
        user=UserFactory(), role=Role.REPRESENTATIVE, organisation=amina.organisation
    )
    assert erasure.sole_represented(amina.user) == []


def test_the_last_program_office_cannot_delete_itself(db, office):
    with pytest.raises(ValidationError):
        erasure.delete_own_account(office)
    second = user_with_role(Role.PROGRAM_OFFICE)
    erasure.delete_own_account(second)
    second.refresh_from_db()
    assert not second.is_active


def test_an_account_without_a_person_record_is_erased(db):
    user = UserFactory(email="solo@example.net", full_name="Solo Account")
    done = erasure.delete_own_account(user)
    assert done.person is None
    assert scan.find("solo@example.net", "Solo Account") == []


def test_staff_deleting_a_person_leaves_a_pseudonym_in_the_audit(amina, office):
    pk = amina.pk
    actor_services.delete_person(office, amina)
    assert not AuditEntry.objects.filter(object_repr__icontains="Okonkwo").exists()
    for changes in AuditEntry.objects.values_list("changes", flat=True):
        assert EMAIL not in str(changes) and NAME not in str(changes)
    deleted = AuditEntry.objects.get(
        object_type="actors.person", object_id=str(pk), action="delete"
    )
    assert deleted.object_repr.startswith("Gelöschte Person ")


def test_a_namesake_keeps_their_name_in_the_audit(amina, office):
    namesake = actor_services.create_person(
        office, {"name": NAME, "municipality": amina.municipality}
    )
    erasure.erase_person(amina, by_user=office)
    assert history(namesake).filter(object_repr=NAME).exists()


def test_secure_delete_is_on_for_sqlite(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_no_copy_left_in_the_sqlite_file(amina, office, tmp_path):
    """The test database lives in memory: its pages are copied byte for byte into a file (the
    backup API copies free pages too) and that file is searched for the address and name."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL is covered by the row scan")
    import sqlite3

    erasure.erase_person(amina, by_user=office)
    connection.ensure_connection()
    target = tmp_path / "copy.sqlite3"
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()
    content = target.read_bytes()
    assert os.path.getsize(target) > 0
    assert EMAIL.encode() not in content
    assert NAME.encode() not in content
    # Nor the words the full-text index kept (folded to lower case).
    assert b"okonkwo" not in content.lower()
