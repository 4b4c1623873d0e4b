from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.personal_data import Erasure


def test_pseudonymise_the_persons_own_entries_and_mentions(db, office):
    person = PersonFactory(name="Jürgen Überall", email="ju@example.net")
    audit.record(
        office,
        "update",
        person,
        {"name": ["Jürgen Ü", "Jürgen Überall"], "countries": [[], ["Nigeria"]]},
    )
    organisation = OrganisationFactory()
    # Filed under the organisation only, but naming the person's address.
    audit.record(office, "update", organisation, {"email": ["", "ju@example.net"]})
    untouched = audit.record(office, "update", organisation, {"name": ["Alt", "Neu"]})
    erasure = Erasure.of(person, None, "Gelöschte Person 0001")

    assert audit.pseudonymise(erasure) == 2

    own = AuditEntry.objects.get(object_type="actors.person")
    assert own.object_repr == "Gelöschte Person 0001"
    assert own.changes == {
        "name": ["Gelöschte Person 0001", "Gelöschte Person 0001"],
        "countries": [[], audit.ERASED_VALUE],
    }
    mention = AuditEntry.objects.get(changes__email__isnull=False)
    assert mention.changes["email"] == ["", "Gelöschte Person 0001"]
    untouched.refresh_from_db()
    assert untouched.changes == {"name": ["Alt", "Neu"]}


def test_a_namesakes_entries_keep_the_name(db, office):
    person = PersonFactory(name="Maria Schmidt")
    namesake = PersonFactory(name="Maria Schmidt")
    entry = audit.record(office, "update", namesake, {"competences": ["", "Maria Schmidt kocht"]})
    erasure = Erasure.of(person, None, "Gelöschte Person 0002")
    audit.pseudonymise(erasure, keep={audit.subject_key(namesake)})
    entry.refresh_from_db()
    assert entry.object_repr == "Maria Schmidt"
