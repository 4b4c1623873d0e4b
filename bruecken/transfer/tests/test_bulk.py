"""The set-based writing of people, memberships and ties (importers/bulkrows.py and the kinds'
write()): matching against existing rows, per-row findings, all or nothing, audit entries,
progress while the transaction runs."""

import datetime
import gc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry, AuditSubject
from bruecken.actors.models import Membership, Person, Tie
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from bruecken.transfer import progress, services
from bruecken.transfer.models import ImportRun

from .conftest import check, csv_bytes, problems_of

pytestmark = pytest.mark.usefixtures("reference_data")

PEOPLE = "Name;E-Mail;Kommune;Telefon;Sprachen;Entscheidungsträger\r\n"
MEMBERSHIPS = "E-Mail;Organisation;Kommune;Rolle;Von;Bis\r\n"
TIES = "Organisation;Kommune;Mit Organisation;Kommune der Partnerorganisation;Art;Notiz\r\n"


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def subjects(entry):
    return set(AuditSubject.objects.filter(entry=entry).values_list("key", flat=True))


def test_people_are_written_with_what_save_derives(office, bonn):
    data = csv_bytes(
        [
            "  Abena   Mensah ;ABENA@Example.org;Bonn;0228 123456;de, en;ja",
            "Kwame Owusu;;Bonn;;;nein",
        ],
        header=PEOPLE,
    )
    run = services.commit(office, check(office, data, kind="people"))
    assert run.status == ImportRun.Status.DONE, run.problems
    abena = Person.objects.get(email="abena@example.org")
    assert abena.name == "Abena Mensah"
    assert abena.municipality == bonn and abena.is_decision_maker
    assert abena.phone.as_e164 == "+49228123456"
    assert abena.search_text == "abena mensah\nabena@example.org\n"
    assert sorted(language.code for language in abena.languages.all()) == ["de", "en"]
    kwame = Person.objects.get(name="Kwame Owusu")
    assert kwame.language == "de" and not kwame.is_decision_maker and not kwame.languages.exists()
    # Saved again through the model, nothing changes: the bulk path made what save() makes.
    before = Person.objects.filter(pk=abena.pk).values().get()
    abena.save()
    after = Person.objects.filter(pk=abena.pk).values().get()
    assert {k: v for k, v in before.items() if k != "updated_at"} == {
        k: v for k, v in after.items() if k != "updated_at"
    }


def test_people_matched_against_existing_rows_and_each_other(office, bonn):
    existing = PersonFactory(name="Alt", email="a@example.org", municipality=bonn)
    data = csv_bytes(
        ["Neu;a@example.org;Bonn;;;", "B;b@example.org;Bonn;;;", "B2;B@example.org;Bonn;;;"],
        header=PEOPLE,
    )
    run = check(office, data, kind="people", on_duplicate="update")
    assert problems_of(run) == [(4, "E-Mail", "B@example.org")]
    data = csv_bytes(["Neu;a@example.org;Bonn;;;", "B;b@example.org;Bonn;;;"], header=PEOPLE)
    run = services.commit(office, check(office, data, kind="people", on_duplicate="update"))
    assert run.summary["created"] == 1 and run.summary["updated"] == 1
    existing.refresh_from_db()
    assert existing.name == "Neu" and existing.search_text.startswith("neu\n")
    assert Person.objects.count() == 2
    entry = AuditEntry.objects.get(object_type="actors.person", object_id=str(existing.pk))
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes["name"] == ["Alt", "Neu"]


def test_people_rows_with_errors_are_reported_each(bonn_coordinator, bonn, kiel):
    data = csv_bytes(
        ["A;kein-mail;Bonn;;;", "B;b@example.org;Kiel;;;", "C;c@example.org;Bonn;;;vielleicht"],
        header=PEOPLE,
    )
    run = check(bonn_coordinator, data, kind="people")
    assert [problem["row"] for problem in run.problems] == [2, 3, 4]
    assert run.summary["create"] == 0


def test_a_coordinator_cannot_move_a_person_out_of_reach(bonn_coordinator, bonn, kiel):
    PersonFactory(name="A", email="a@example.org", municipality=bonn)
    data = csv_bytes(["A;a@example.org;Kiel;;;"], header=PEOPLE)
    run = check(bonn_coordinator, data, kind="people", on_duplicate="update")
    assert problems_of(run) == [(2, "Kommune", "Kiel")]


def test_people_all_or_nothing(office, bonn, monkeypatch):
    data = csv_bytes([f"P {n};p{n}@example.org;Bonn;;de;" for n in range(30)], header=PEOPLE)
    run = check(office, data, kind="people")

    def fail(*args, **kwargs):
        assert Person.objects.count() == 30  # written, links too; the audit not yet
        raise RuntimeError("bug")

    monkeypatch.setattr(audit, "record_many", fail)
    run = services.commit(office, run)
    assert run.status == ImportRun.Status.FAILED
    assert Person.objects.count() == 0
    assert Person.languages.through.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="actors.person").exists()


def test_the_collector_is_paused_while_importing_and_on_again_after(office, bonn, monkeypatch):
    """Python's cycle collector is off while a file is read, checked and written (its full
    passes over the import's live objects cost a third of the time) and on again after, also
    when the import fails."""
    data = csv_bytes([f"P {n};p{n}@example.org;Bonn;;de;" for n in range(3)], header=PEOPLE)
    seen = []
    record_many = audit.record_many

    def recording(*args, **kwargs):
        seen.append(gc.isenabled())
        return record_many(*args, **kwargs)

    monkeypatch.setattr(audit, "record_many", recording)
    assert gc.isenabled()
    run = services.commit(office, check(office, data, kind="people"))
    assert run.status == ImportRun.Status.DONE and seen == [False]
    assert gc.isenabled()

    def fail(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(audit, "record_many", fail)
    data = csv_bytes(["Q;q@example.org;Bonn;;de;"], header=PEOPLE)
    run = services.commit(office, check(office, data, kind="people"))
    assert run.status == ImportRun.Status.FAILED
    assert gc.isenabled()


def test_people_audit_entries(office, bonn):
    data = csv_bytes(["Abena;a@example.org;Bonn;;de;ja"], header=PEOPLE)
    run = services.commit(office, check(office, data, kind="people"))
    person = Person.objects.get()
    entry = AuditEntry.objects.get(object_type="actors.person")
    assert entry.user == office and entry.action == AuditEntry.Action.CREATE
    assert entry.object_id == str(person.pk) and entry.object_repr == "Abena"
    # The same values as a save through the actors' services records.
    assert entry.changes["name"] == [None, "Abena"]
    assert entry.changes["municipality"] == [None, "Bonn"]
    assert entry.changes["language"] == [None, "Deutsch"]
    assert entry.changes["is_decision_maker"] == [None, True]
    assert entry.changes["languages"] == [None, ["Deutsch"]]
    assert subjects(entry) == {f"actors.person:{person.pk}", f"transfer.importrun:{run.pk}"}


@pytest.fixture
def verein(bonn):
    return OrganisationFactory(name="Verein A", municipality=bonn)


def test_memberships_set_based(office, bonn, verein):
    people = [PersonFactory(email=f"p{n}@example.org") for n in range(3)]
    existing = MembershipFactory(person=people[0], organisation=verein, role="Kasse")
    data = csv_bytes(
        [
            "p0@example.org;Verein A;Bonn;Vorsitz;;",
            "p1@example.org;Verein A;Bonn;Mitglied;01.01.2020;",
            "p2@example.org;Verein A;Bonn;;;",
        ],
        header=MEMBERSHIPS,
    )
    run = services.commit(office, check(office, data, kind="memberships", on_duplicate="update"))
    assert run.summary["created"] == 2 and run.summary["updated"] == 1, run.problems
    existing.refresh_from_db()
    assert existing.role == "Vorsitz"
    new = Membership.objects.get(person=people[1])
    assert new.organisation == verein and new.started_on == datetime.date(2020, 1, 1)
    entry = AuditEntry.objects.get(object_type="actors.membership", object_id=str(new.pk))
    assert entry.changes["person"] == [None, str(people[1])]
    assert entry.changes["organisation"] == [None, "Verein A"]
    assert entry.changes["started_on"] == [None, "2020-01-01"]
    # Filed under the person and the organisation, as the services file a membership.
    assert subjects(entry) == {
        f"actors.membership:{new.pk}",
        f"actors.person:{people[1].pk}",
        f"actors.organisation:{verein.pk}",
        f"transfer.importrun:{run.pk}",
    }
    assert entry in audit.history(people[1])


def test_memberships_twice_in_the_file_and_periods(office, bonn, verein):
    person = PersonFactory(email="a@example.org")
    MembershipFactory(person=person, organisation=verein, started_on=datetime.date(2022, 1, 1))
    PersonFactory(email="b@example.org")
    data = csv_bytes(
        [
            "b@example.org;Verein A;Bonn;;;",
            "B@example.org;Verein A;Bonn;;;",
            # Only the end given: it must not lie before the start the membership keeps.
            "a@example.org;Verein A;Bonn;;;31.12.2021",
        ],
        header=MEMBERSHIPS,
    )
    run = check(office, data, kind="memberships", on_duplicate="update")
    assert problems_of(run) == [(3, "E-Mail", "B@example.org"), (4, "Bis", "31.12.2021")]


def test_memberships_only_of_people_the_coordinator_may_see(bonn_coordinator, bonn, kiel, verein):
    PersonFactory(email="kiel@example.org", municipality=kiel)
    PersonFactory(email="bonn@example.org", municipality=bonn)
    data = csv_bytes(
        ["kiel@example.org;Verein A;Bonn;;;", "bonn@example.org;Verein A;Bonn;;;"],
        header=MEMBERSHIPS,
    )
    run = check(bonn_coordinator, data, kind="memberships")
    assert problems_of(run) == [(2, "E-Mail", "kiel@example.org")]


def test_membership_queries_do_not_grow_with_the_rows(office, bonn, verein):
    def commit(count, offset):
        for n in range(offset, offset + count):
            PersonFactory(email=f"p{n}@example.org")
        lines = [f"p{n}@example.org;Verein A;Bonn;;;" for n in range(offset, offset + count)]
        run = check(office, csv_bytes(lines, header=MEMBERSHIPS), kind="memberships")
        with CaptureQueriesContext(connection) as queries:
            run = services.commit(office, run)
        assert run.status == ImportRun.Status.DONE, run.problems
        return len(queries)

    assert commit(40, 100) <= commit(4, 0) + 2


@pytest.mark.parametrize("user", ["office", "bonn_coordinator"])
def test_membership_queries_do_not_grow_with_the_organisations(request, user, bonn, kiel):
    """The rows' organisations are loaded with a few fields and the reference data's
    municipality: nothing the check, the rules or the audit read of them costs a query each."""
    importer = request.getfixturevalue(user)

    def queries_of(count, offset):
        lines = []
        for n in range(offset, offset + count):
            PersonFactory(email=f"p{n}@example.org", municipality=bonn)
            OrganisationFactory(name=f"Verein {n}", municipality=bonn)
            lines.append(f"p{n}@example.org;Verein {n};Bonn;;;")
        data = csv_bytes(lines, header=MEMBERSHIPS)
        with CaptureQueriesContext(connection) as checking:
            run = check(importer, data, kind="memberships")
        with CaptureQueriesContext(connection) as importing:
            run = services.commit(importer, run)
        assert run.status == ImportRun.Status.DONE, run.problems
        entry = AuditEntry.objects.filter(object_type="actors.membership").latest("pk")
        assert entry.changes["organisation"] == [None, f"Verein {offset + count - 1}"]
        return len(checking), len(importing)

    few = queries_of(4, 0)
    many = queries_of(40, 100)
    assert many[0] <= few[0] + 2 and many[1] <= few[1] + 2, (few, many)


def test_memberships_out_of_scope_name_the_municipality(bonn_coordinator, bonn, kiel):
    PersonFactory(email="a@example.org", municipality=bonn)
    OrganisationFactory(name="Verein Kiel", municipality=kiel)
    OrganisationFactory(name="Verein Bonn", municipality=bonn)
    data = csv_bytes(
        ["a@example.org;Verein Kiel;Kiel;;;", "a@example.org;Verein Bonn;Bonn;;;"],
        header=MEMBERSHIPS,
    )
    run = check(bonn_coordinator, data, kind="memberships")
    assert problems_of(run) == [(2, "Kommune", "Kiel")]
    assert "Kiel" in run.problems[0]["reason"]


def test_ties_set_based(office, bonn, kiel, verein):
    laden = OrganisationFactory(name="Weltladen", municipality=kiel)
    OrganisationFactory(name="Eine Welt", municipality=kiel)
    Tie.objects.create(source=laden, target=verein, kind="cooperation", note="alt")
    data = csv_bytes(
        [
            "Verein A;Bonn;Weltladen;Kiel;Kooperation;neu",
            "Verein A;Bonn;Eine Welt;Kiel;Förderung;",
            "Eine Welt;Kiel;Verein A;Bonn;funding;",
        ],
        header=TIES,
    )
    run = check(office, data, kind="ties", on_duplicate="update")
    # The third row names the same tie as the second, the other way round.
    assert problems_of(run) == [(4, "Mit Organisation", "Verein A")]
    data = csv_bytes(data.decode("cp1252").splitlines()[1:3], header=TIES)
    run = services.commit(office, check(office, data, kind="ties", on_duplicate="update"))
    assert run.summary["created"] == 1 and run.summary["updated"] == 1, run.problems
    assert Tie.objects.get(kind="cooperation").note == "neu"
    tie = Tie.objects.get(kind="funding")
    assert tie.recorded_by == office and tie.source == verein
    entry = AuditEntry.objects.get(object_type="actors.tie", object_id=str(tie.pk))
    assert entry.changes["kind"] == [None, "Förderung"]
    assert {f"actors.organisation:{verein.pk}", f"actors.organisation:{tie.target_id}"} <= (
        subjects(entry)
    )


def test_progress_is_visible_while_the_transaction_runs(client, office, bonn, monkeypatch):
    data = csv_bytes([f"P {n};p{n}@example.org;Bonn;;;" for n in range(50)], header=PEOPLE)
    run = check(office, data, kind="people")
    seen = []
    record_many = audit.record_many

    def spy(*args, **kwargs):
        # Inside the transaction, after the rows are written: the run's own row still says
        # where the check ended, the page tells how far the writing has got.
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.COMMITTING)
        seen.append(progress.read(run.pk))
        page = client.get(reverse("transfer:run_progress", args=[run.pk]))
        seen.append(page.context["run"].processed_rows)
        return record_many(*args, **kwargs)

    monkeypatch.setattr(audit, "record_many", spy)
    client.force_login(office)
    run = services.commit(office, run)
    assert run.status == ImportRun.Status.DONE
    assert 40 < seen[0] <= 50 and seen[1] == seen[0]
    assert progress.read(run.pk) == 0  # cleared once the run is over


def test_progress_file_survives_nonsense(settings, tmp_path):
    settings.TRANSFER_UPLOAD_DIR = tmp_path
    assert progress.read(7) == 0
    progress.report(7, 12)
    assert progress.read(7) == 12
    (tmp_path / "progress" / "7").write_text("\x00kaputt")
    assert progress.read(7) == 0
    progress.clear(7)
    progress.clear(7)
