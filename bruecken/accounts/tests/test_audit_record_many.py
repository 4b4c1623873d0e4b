"""`record_many`: each bulk entry filed under its own subjects, with ids of its own."""

import pytest

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.actors.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_each_entry_gets_its_own_subjects_and_the_run(office):
    first, second = OrganisationFactory(), OrganisationFactory()
    audit.record_many(
        office,
        [
            (AuditEntry.Action.CREATE, "actors.person", 7, "Anna", {"name": [None, "Anna"]}),
            (
                AuditEntry.Action.UPDATE,
                "actors.membership",
                8,
                "Anna – Verein",
                {"role": ["a", "b"]},
                ["actors.person:7", audit.subject_key(first)],
            ),
        ],
        also=second,
    )
    person = AuditEntry.objects.get(object_type="actors.person", object_id="7")
    membership = AuditEntry.objects.get(object_type="actors.membership", object_id="8")
    assert person.user == office and person.object_repr == "Anna"
    assert person.changes == {"name": [None, "Anna"]}
    assert membership.changes == {"role": ["a", "b"]}
    assert sorted(person.subjects.values_list("key", flat=True)) == sorted(
        ["actors.person:7", audit.subject_key(second)]
    )
    assert sorted(membership.subjects.values_list("key", flat=True)) == sorted(
        [
            "actors.membership:8",
            "actors.person:7",
            audit.subject_key(first),
            audit.subject_key(second),
        ]
    )
    assert person.at == membership.at
    assert list(audit.history(first)) == [membership]


def test_ids_of_deleted_entries_are_not_given_again(office):
    """The ids are taken before the rows go in: never one an entry had (its subjects may be
    kept elsewhere), and never one already taken."""
    audit.record_many(office, [(AuditEntry.Action.CREATE, "actors.person", 1, "A", {})])
    removed = AuditEntry.objects.get(object_id="1")
    removed_pk = removed.pk
    removed.delete()
    audit.record_many(
        office,
        [(AuditEntry.Action.CREATE, "actors.person", pk, "B", {}) for pk in (2, 3)],
    )
    new = list(AuditEntry.objects.filter(object_id__in=["2", "3"]).order_by("pk"))
    assert len(new) == 2 and all(entry.pk > removed_pk for entry in new)
    later = audit.record(office, AuditEntry.Action.UPDATE, OrganisationFactory(), {})
    assert later.pk > new[-1].pk
