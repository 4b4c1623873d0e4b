from datetime import timedelta

import pytest
from django.utils import timezone

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import PersonFactory
from bruecken.privacy import ledger, ledger_waiting
from bruecken.privacy.models import ErasureRequest, LedgerEntry


def test_record_removal_writes_kind_and_count(db):
    entry = ledger.record_removal("contact_messages", 4, reason=LedgerEntry.Reason.RETENTION)
    assert (entry.kind, entry.count, entry.reason) == ("contact_messages", 4, "retention")


@pytest.mark.parametrize("count", [0, None, -3])
def test_record_removal_of_nothing_writes_nothing(db, count):
    assert ledger.record_removal("contact_messages", count, reason="retention") is None
    assert not LedgerEntry.objects.exists()


def test_record_removal_refuses_an_unknown_reason(db):
    with pytest.raises(ValueError):
        ledger.record_removal("contact_messages", 1, reason="because")


def test_held_by_age_counts_per_band(db, django_assert_max_num_queries):
    now = timezone.now()
    for days in (1, 40, 200, 400, 1000):
        person = PersonFactory()
        Person.objects.filter(pk=person.pk).update(created_at=now - timedelta(days=days))
    from bruecken import personal_data

    with django_assert_max_num_queries(len(personal_data.HELD)):
        held = {row.kind: row for row in ledger.held_by_age(now)}
    assert held["people"].total == 5
    assert held["people"].bands == [1, 1, 1, 1, 1]
    assert [label for label, _count in held["people"].by_band] == [
        label for _key, label, *_rest in ledger.AGE_BANDS
    ]


def test_kind_labels(db):
    assert ledger.kind_label("people_deleted") == "Personendatensätze gelöscht"
    assert ledger.kind_label("something_new") == "something new"


def test_waiting_for_the_office(office, db):
    now = timezone.now()
    ErasureRequest.objects.create(
        person=PersonFactory(), due_on=timezone.localdate(now) - timedelta(days=1)
    )
    ErasureRequest.objects.create(person=PersonFactory(), due_on=timezone.localdate(now))
    ErasureRequest.objects.create(
        person=None, due_on=timezone.localdate(now), status=ErasureRequest.Status.DONE
    )
    counts = [item.count for item in ledger_waiting.waiting_for(office, now)]
    assert counts == [1, 1]


def test_nothing_waits_for_others(bonn, db):
    ErasureRequest.objects.create(person=PersonFactory(), due_on=timezone.localdate())
    coordinator = user_with_role(Role.COORDINATOR, municipality=bonn)
    assert ledger_waiting.waiting_for(coordinator, timezone.now()) == []


def test_overdue_queryset(db):
    today = timezone.localdate()
    late = ErasureRequest.objects.create(due_on=today - timedelta(days=1))
    ErasureRequest.objects.create(due_on=today)
    assert list(ErasureRequest.objects.overdue(today)) == [late]
    assert late.is_overdue(today)
