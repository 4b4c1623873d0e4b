"""The audit log: snapshots, their difference, the entry that records it and an object's
history."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from bruecken.accounts.audit import diff, history, record, snapshot, subject_key
from bruecken.accounts.models import AuditEntry, AuditSubject
from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.models import Organisation, OrganisationKind
from bruecken.actors.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from bruecken.places.models import Country

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action


@pytest.fixture
def organisation(bonn):
    organisation = OrganisationFactory(
        name="Ghanaischer Verein Bonn",
        kind=OrganisationKind.MIGRANT_ORGANISATION,
        municipality=bonn,
        founded=None,
    )
    organisation.countries.set(Country.objects.filter(code__in=["TG", "GH", "BO"]))
    return organisation


def test_snapshot_plain_choice_foreign_key_and_many_to_many(organisation):
    with translation.override("en"):
        values = snapshot(
            organisation, ["name", "kind", "municipality", "founded", "website", "countries"]
        )
    assert values == {
        "name": "Ghanaischer Verein Bonn",
        "kind": "migrant organisation",
        "municipality": "Bonn",
        "founded": "",
        "website": "",
        "countries": ["Bolivia", "Ghana", "Togo"],
    }


def test_snapshot_shows_choices_by_label_in_the_active_language(organisation):
    with translation.override("de"):
        german = snapshot(organisation, ["kind", "countries"])
    with translation.override("en"):
        english = snapshot(organisation, ["kind", "countries"])
    assert german["kind"] != "migrant_organisation"
    assert german["kind"] != english["kind"]
    assert german["countries"] == ["Bolivien", "Ghana", "Togo"]


def test_snapshot_keeps_booleans_and_writes_other_values_as_text():
    person = PersonFactory(is_multiplier=True, is_decision_maker=False)
    values = snapshot(person, ["is_multiplier", "is_decision_maker", "municipality", "user"])
    assert values["is_multiplier"] is True
    assert values["is_decision_maker"] is False
    assert values["municipality"] == str(person.municipality)
    assert values["user"] == ""
    organisation = OrganisationFactory(founded=1999)
    assert snapshot(organisation, ["founded"]) == {"founded": "1999"}


def test_snapshot_of_an_unsaved_object_has_empty_many_to_many(bonn):
    organisation = Organisation(name="Neu", kind=OrganisationKind.NGO, municipality=bonn)
    assert snapshot(organisation, ["countries", "languages"]) == {"countries": [], "languages": []}


def test_diff_lists_only_changed_fields():
    before = {"name": "A", "kind": "NGO", "countries": ["Ghana"], "founded": ""}
    after = {"name": "B", "kind": "NGO", "countries": ["Ghana", "Togo"], "founded": ""}
    assert diff(before, after) == {
        "name": ["A", "B"],
        "countries": [["Ghana"], ["Ghana", "Togo"]],
    }
    assert diff(after, after) == {}


def test_diff_of_a_creation_and_of_a_deletion():
    values = {"name": "A", "founded": ""}
    assert diff({}, values) == {"name": [None, "A"], "founded": [None, ""]}
    assert diff(values, {}) == {"name": ["A", None], "founded": ["", None]}


def test_diff_of_two_snapshots(organisation):
    with translation.override("en"):
        fields = ["name", "kind", "countries"]
        before = snapshot(organisation, fields)
        organisation.name = "Ghana-Verein Bonn"
        organisation.kind = OrganisationKind.NGO
        organisation.save()
        organisation.countries.remove(Country.objects.get(code="TG"))
        after = snapshot(organisation, fields)
    assert diff(before, after) == {
        "name": ["Ghanaischer Verein Bonn", "Ghana-Verein Bonn"],
        "kind": ["migrant organisation", "NGO"],
        "countries": [["Bolivia", "Ghana", "Togo"], ["Bolivia", "Ghana"]],
    }


def test_record_an_entry(organisation):
    user = UserFactory()
    entry = record(user, Action.UPDATE, organisation, {"name": ["A", "B"]})
    entry.refresh_from_db()
    assert entry.user == user
    assert entry.action == Action.UPDATE
    assert entry.object_type == "actors.organisation"
    assert entry.object_id == str(organisation.pk)
    assert entry.object_repr == "Ghanaischer Verein Bonn"
    assert entry.changes == {"name": ["A", "B"]}
    assert list(entry.subjects.values_list("key", flat=True)) == [
        f"actors.organisation:{organisation.pk}"
    ]


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_record_without_a_logged_in_user(organisation, user):
    entry = record(user, Action.CREATE, organisation)
    entry.refresh_from_db()
    assert entry.user is None
    assert entry.changes == {}


def test_record_a_membership_with_its_subjects():
    membership = MembershipFactory()
    entry = record(
        UserFactory(),
        Action.CREATE,
        membership,
        subjects=[membership.organisation, membership.person, None],
    )
    assert set(entry.subjects.values_list("key", flat=True)) == {
        f"actors.membership:{membership.pk}",
        f"actors.organisation:{membership.organisation.pk}",
        f"actors.person:{membership.person.pk}",
    }


def test_a_subject_named_twice_is_stored_once(organisation):
    entry = record(None, Action.UPDATE, organisation, subjects=[organisation])
    assert AuditSubject.objects.filter(entry=entry).count() == 1


def test_record_a_deletion_under_the_old_id(organisation):
    pk = organisation.pk
    entry = record(None, Action.DELETE, organisation, {"name": ["x", None]}, object_id=pk)
    organisation.delete()
    entry.refresh_from_db()
    assert entry.object_id == str(pk)
    assert entry.object_repr == "Ghanaischer Verein Bonn"
    assert list(entry.subjects.values_list("key", flat=True)) == [f"actors.organisation:{pk}"]


def test_a_long_name_is_cut_to_fit():
    organisation = OrganisationFactory(name="Verein " + "x" * 190)
    organisation.name = "y" * 400  # unsaved: only the entry sees it
    entry = record(None, Action.UPDATE, organisation)
    assert entry.object_repr == "y" * 300


def test_subject_key():
    membership = MembershipFactory()
    assert subject_key(membership) == f"actors.membership:{membership.pk}"
    assert subject_key(membership.person) == f"actors.person:{membership.person.pk}"


def test_history_shows_entries_about_the_object_and_where_it_is_a_subject():
    membership = MembershipFactory()
    organisation, person = membership.organisation, membership.person
    other = OrganisationFactory()
    own = record(None, Action.UPDATE, organisation, {"name": ["a", "b"]})
    joined = record(None, Action.CREATE, membership, subjects=[organisation, person])
    unrelated = record(None, Action.UPDATE, other)

    assert list(history(organisation)) == [joined, own]
    assert list(history(person)) == [joined]
    assert list(history(membership)) == [joined]
    assert list(history(other)) == [unrelated]


def test_history_lists_each_entry_once_newest_first(organisation):
    first = record(None, Action.CREATE, organisation)
    second = record(None, Action.UPDATE, organisation, subjects=[organisation, organisation])
    assert list(history(organisation)) == [second, first]


def test_the_admins_audit_log_shows_readable_changes(client, db):
    """Not the stored JSON ("2026-12-07 18:23:01.020798+00:00", "bestätigt"): labels, local
    times and choices in the reader's language."""
    from datetime import UTC, datetime

    from django.urls import reverse
    from django.utils import translation

    from bruecken.accounts import audit
    from bruecken.accounts.models import AuditEntry, User
    from bruecken.events.models import Registration
    from bruecken.events.tests.factories import RegistrationFactory

    registration = RegistrationFactory(
        status=Registration.Status.CONFIRMED,
        checked_in_at=datetime(2026, 12, 7, 18, 23, 1, 20798, tzinfo=UTC),
    )
    with translation.override("de"):
        changes = audit.diff({}, audit.snapshot(registration, ["status", "checked_in_at"]))
        entry = audit.record(None, AuditEntry.Action.CREATE, registration, changes)
    client.force_login(User.objects.create_superuser("admin@example.org", "pw"))
    with translation.override("en"):
        address = reverse("admin:accounts_auditentry_change", args=[entry.pk])
    page = client.get(address, headers={"accept-language": "en"}).content.decode()
    content = page.split('id="content-main"')[1]
    assert "18:23:01" not in content and "bestätigt" not in content
    assert "<td>Dec. 7, 2026, 7:23 p.m.</td>" in page
    assert "<td>confirmed</td>" in page
