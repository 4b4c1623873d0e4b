import codecs
import datetime
import io
import os

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone, translation
from openpyxl import Workbook

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry, AuditSubject
from bruecken.actors.models import Membership, Organisation, Person, Tie
from bruecken.actors.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from bruecken.places.models import Partnership
from bruecken.transfer import services
from bruecken.transfer.models import ImportRun

from .conftest import check, csv_bytes, problems_of, upload

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def rows_of(run):
    return sorted({problem["row"] for problem in run.problems})


def test_upload_suggests_mapping_and_stores_file_privately(office, bonn, upload_dir):
    run = upload(office, csv_bytes(["Verein A;MSO;Bonn;GH;1995;a@example.org"]))
    assert run.status == ImportRun.Status.UPLOADED
    assert run.encoding == "cp1252" and run.delimiter == ";"
    assert run.total_rows == 1
    assert run.mapping == {
        "0": "name",
        "1": "kind",
        "2": "municipality",
        "3": "countries",
        "4": "founded",
        "5": "email",
    }
    path = run.file.path
    assert os.path.exists(path)
    assert path.startswith(str(upload_dir))
    assert not path.startswith(str(django_settings.MEDIA_ROOT))
    with pytest.raises(ValueError, match="not accessible via a URL"):
        run.file.url  # noqa: B018


def test_unreadable_upload_is_refused(office):
    with pytest.raises(ValidationError) as error:
        upload(office, b"", name="leer.csv")
    assert "file" in error.value.message_dict
    assert ImportRun.objects.count() == 0


def test_oversized_upload_is_refused(office, settings):
    settings.TRANSFER_MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationError):
        upload(office, csv_bytes(["A;MSO;Bonn;;;"]))


@pytest.mark.parametrize("role", ["bonn_facilitator", "participant"])
def test_wrong_role_may_not_import(request, role, bonn):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        upload(user, csv_bytes(["A;MSO;Bonn;;;"]))


def test_dry_run_then_commit_creates_everything(office, bonn, kiel):
    data = csv_bytes(
        [
            "Verein Düren;MSO;Bonn;GH, Togo;1995,0;info@verein.example",
            "Weltladen Kiel;NRO;01002000;;;",
        ]
    )
    run = check(office, data)
    assert run.status == ImportRun.Status.CHECKED
    assert run.problem_count == 0
    assert run.summary == {"create": 2, "update": 0, "skip": 0, "unchanged": 0}
    assert Organisation.objects.count() == 0  # the dry run writes nothing
    run = services.commit(office, run)
    assert run.status == ImportRun.Status.DONE
    assert run.summary["created"] == 2
    verein = Organisation.objects.get(name="Verein Düren")
    assert verein.kind == "migrant_organisation"
    assert verein.founded == 1995
    assert sorted(c.code for c in verein.countries.all()) == ["GH", "TG"]
    assert verein.name_key == "verein duren"
    assert "info@verein.example" in verein.search_text
    assert Organisation.objects.get(name="Weltladen Kiel").municipality == kiel
    assert not run.file  # deleted after the commit


def test_row_level_problems_name_row_column_value_and_reason(office, bonn):
    data = csv_bytes(
        [
            "Gut;MSO;Bonn;;;",
            "Schlecht;Kaffeeklatsch;Bonn;;;",
            ";MSO;Bonn;;;",
            "Fern;MSO;Atlantis;Narnia;neunzehn;kein-at",
        ]
    )
    run = check(office, data)
    assert {"row": 4, "column": "Name", "value": ""}.items() <= run.problems[0].items()
    assert run.problems[0]["reason"]
    found = problems_of(run)
    assert (5, "Kommune", "Atlantis") in found
    assert (5, "Gründungsjahr", "neunzehn") in found
    assert (5, "E-Mail", "kein-at") in found
    assert rows_of(run) == [4, 5]
    # Unknown values of choice columns are listed once each, for mapping, not as row errors.
    unknown = {(v["column"], v["value"]): v["rows"] for v in run.unknown_values}
    assert unknown == {("Art", "Kaffeeklatsch"): [3], ("Länder", "Narnia"): [5]}
    assert not run.can_commit
    with pytest.raises(ValidationError):
        services.commit(office, run)
    assert Organisation.objects.count() == 0


def test_missing_required_column_is_a_file_level_problem(office, bonn):
    data = csv_bytes(["Verein;Bonn"], header="Name;Kommune\r\n")
    run = check(office, data)
    assert run.problem_count == 1
    assert run.problems[0]["row"] == 0
    assert "Art" in run.problems[0]["reason"] or "Kind" in run.problems[0]["reason"]


def test_duplicates_in_the_file(office, bonn):
    run = check(office, csv_bytes(["Verein A;MSO;Bonn;;;", "verein  a;NRO;Bonn;;;"]))
    assert rows_of(run) == [3]
    assert "2" in run.problems[0]["reason"]


@pytest.fixture
def existing(bonn):
    return OrganisationFactory(name="Verein A", municipality=bonn, founded=1990, email="")


def test_duplicate_skipped(office, existing):
    run = check(office, csv_bytes(["Verein A;MSO;Bonn;;2001;"]), on_duplicate="skip")
    assert run.summary["skip"] == 1
    assert run.preview[0]["changes"]["founded"] == ["1990", "2001"]
    run = services.commit(office, run)
    existing.refresh_from_db()
    assert existing.founded == 1990
    assert run.summary == {"created": 0, "updated": 0, "skipped": 1, "unchanged": 0}


def test_duplicate_updated(office, existing):
    run = check(
        office, csv_bytes(["VEREIN A;MSO;Bonn;GH;2001;neu@example.org"]), on_duplicate="update"
    )
    assert run.summary["update"] == 1
    services.commit(office, run)
    existing.refresh_from_db()
    assert existing.founded == 2001
    assert existing.email == "neu@example.org"
    assert [c.code for c in existing.countries.all()] == ["GH"]
    entry = AuditEntry.objects.get(object_type="actors.organisation", object_id=str(existing.pk))
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes["founded"] == ["1990", "2001"]
    assert entry.user == office


def test_unchanged_rows_are_not_written(office, existing):
    run = check(office, csv_bytes(["Verein A;MSO;Bonn;;1990;"]), on_duplicate="update")
    assert run.summary["unchanged"] == 1
    services.commit(office, run)
    assert not AuditEntry.objects.filter(object_type="actors.organisation").exists()


def test_coordinator_imports_only_into_own_municipality(bonn_coordinator, bonn, kiel):
    run = check(bonn_coordinator, csv_bytes(["Verein A;MSO;Bonn;;;", "Verein B;MSO;Kiel;;;"]))
    assert rows_of(run) == [3]
    assert run.problems[0]["column"] == "Kommune"
    assert run.problems[0]["value"] == "Kiel"
    run = check(bonn_coordinator, csv_bytes(["Verein A;MSO;Bonn;;;"]))
    services.commit(bonn_coordinator, run)
    assert Organisation.objects.get().municipality == bonn


def test_coordinator_may_not_update_another_municipality(bonn_coordinator, kiel):
    OrganisationFactory(name="Verein K", municipality=kiel, public=True, founded=2000)
    run = check(bonn_coordinator, csv_bytes(["Verein K;MSO;Kiel;;2010;"]), on_duplicate="update")
    assert rows_of(run) == [2]
    # Unchanged rows of another municipality (from an export) are no problem.
    run = check(bonn_coordinator, csv_bytes(["Verein K;MSO;Kiel;;2000;"]), on_duplicate="update")
    assert run.problem_count == 0 and run.summary["unchanged"] == 1


def test_other_coordinator_may_not_see_the_run(bonn_coordinator, kiel_coordinator, bonn):
    run = upload(bonn_coordinator, csv_bytes(["Verein A;MSO;Bonn;;;"]))
    with pytest.raises(PermissionDenied):
        services.start_check(kiel_coordinator, run)


@pytest.mark.parametrize("error", [IntegrityError("boom"), RuntimeError("bug")])
def test_all_or_nothing(office, bonn, monkeypatch, error):
    """An error after the organisations and their countries are written leaves nothing."""
    run = check(office, csv_bytes([f"Verein {n};MSO;Bonn;GH;;" for n in range(20)]))

    def fail(*args, **kwargs):
        assert Organisation.objects.count() == 20  # midway: rows written, audit not yet
        raise error

    monkeypatch.setattr(audit, "record_many", fail)
    run = services.commit(office, run)
    assert run.status == ImportRun.Status.FAILED
    assert run.problems[0]["row"] == 0
    assert Organisation.objects.count() == 0
    assert Organisation.countries.through.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="actors.organisation").exists()


def test_registry_changed_after_the_dry_run(office, bonn):
    run = check(office, csv_bytes(["Verein A;MSO;Bonn;;;"]), on_duplicate="skip")
    OrganisationFactory(name="Verein A", municipality=bonn)
    run = services.commit(office, run)
    # Checked again: the row now matches the new organisation and is skipped, not duplicated.
    assert run.status == ImportRun.Status.DONE
    assert Organisation.objects.count() == 1


def test_audit_entries(office, bonn):
    run = check(office, csv_bytes(["Verein A;MSO;Bonn;GH;1995;"]))
    run = services.commit(office, run)
    organisation = Organisation.objects.get()
    run_entry = AuditEntry.objects.get(object_type="transfer.importrun")
    assert run_entry.user == office
    assert run_entry.changes["created"] == [None, 1]
    entry = AuditEntry.objects.get(object_type="actors.organisation")
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.object_id == str(organisation.pk)
    assert entry.changes["name"] == [None, "Verein A"]
    assert entry.changes["countries"] == [None, ["Ghana"]]
    keys = set(AuditSubject.objects.filter(entry=entry).values_list("key", flat=True))
    assert keys == {f"actors.organisation:{organisation.pk}", f"transfer.importrun:{run.pk}"}


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (codecs.BOM_UTF8 + "Name,Art,Kommune\r\nVerein Ä,MSO,Bonn\r\n".encode(), ","),
        ("Name\tArt\tKommune\nVerein Ä\tMSO\tBonn\n".encode(), "\t"),
        ("Name;Art;Kommune\nVerein Ä;MSO;Bonn\n".encode(), ";"),
        ("Name;Art;Kommune\nVerein Ä;MSO;Bonn\n".encode("cp1252"), ";"),
    ],
)
def test_csv_variants(office, bonn, data, delimiter):
    run = check(office, data)
    assert run.delimiter == delimiter
    assert run.problem_count == 0
    services.commit(office, run)
    assert Organisation.objects.get().name == "Verein Ä"


def test_xlsx_import_with_dates_and_numbers(office, bonn):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Organisation", "Kind", "Municipality", "Founded", "Consent given on", "Consent given by"]
    )
    sheet.append(
        [
            "Verein X",
            "migrant organisation",
            "05314000",
            1999,
            datetime.datetime(2024, 3, 1),
            "Vorstand",
        ]
    )
    sheet.append(["Verein Y", "ngo", "Bonn", "2001,0", "01.02.2024", "Vorstand"])
    handle = io.BytesIO()
    workbook.save(handle)
    run = check(office, handle.getvalue(), name="liste.xlsx")
    assert run.file_format == "xlsx"
    assert run.problem_count == 0, run.problems
    services.commit(office, run)
    x = Organisation.objects.get(name="Verein X")
    assert x.founded == 1999
    assert timezone.localtime(x.consent_given_at).date() == datetime.date(2024, 3, 1)
    assert x.consent_recorded_by == office
    assert Organisation.objects.get(name="Verein Y").founded == 2001


def test_dates_in_the_future_and_bad_dates(office, bonn):
    header = "Name;Art;Kommune;Einwilligung am;Einwilligung von\r\n"
    data = csv_bytes(
        [
            "A;MSO;Bonn;31.12.2999;Vorstand",
            "B;MSO;Bonn;32.01.2024;Vorstand",
            "C;MSO;Bonn;01.01.2024;",
        ],
        header=header,
    )
    run = check(office, data)
    assert problems_of(run) == [
        (2, "Einwilligung am", "31.12.2999"),
        (3, "Einwilligung am", "32.01.2024"),
        (4, "Einwilligung von", ""),
    ]


def test_background_run_shows_progress(office, bonn, settings):
    settings.TRANSFER_BACKGROUND_ROWS = 2
    seen = []
    original = services._progress_updater

    def spy(run):
        update = original(run)

        def progress(rows):
            update(rows)
            seen.append(ImportRun.objects.get(pk=run.pk).processed_rows)

        return progress

    services._progress_updater = spy
    try:
        lines = [f"Verein {n};MSO;Bonn;;;" for n in range(2500)]
        run = check(office, csv_bytes(lines))
    finally:
        services._progress_updater = original
    assert run.in_background
    run.refresh_from_db()  # the task (run at once in tests) has finished the dry run
    assert run.status == ImportRun.Status.CHECKED
    assert run.processed_rows == run.total_rows == 2500
    assert seen == [1000, 2000]
    run = services.commit(office, run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert Organisation.objects.count() == 2500


def test_abandon_deletes_the_file(office, bonn):
    run = upload(office, csv_bytes(["A;MSO;Bonn;;;"]))
    path = run.file.path
    run = services.abandon(office, run)
    assert run.status == ImportRun.Status.ABANDONED
    assert not os.path.exists(path)
    with pytest.raises(ValidationError):
        services.start_check(office, run)


def test_housekeeping_deletes_stale_uploads(office, bonn):
    stale = upload(office, csv_bytes(["A;MSO;Bonn;;;"]))
    fresh = upload(office, csv_bytes(["B;MSO;Bonn;;;"]))
    ImportRun.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=3)
    )
    stale_path = stale.file.path
    assert services.delete_stale_uploads(hours=48) == 1
    stale.refresh_from_db()
    assert stale.status == ImportRun.Status.ABANDONED and not stale.file
    assert not os.path.exists(stale_path)
    assert os.path.exists(fresh.file.path)
    # Later, the values from the file kept for the preview go too.
    run = check(office, csv_bytes(["Schlecht;MSO;Atlantis;;;"]))
    services.abandon(office, run)
    ImportRun.objects.filter(pk=run.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=3)
    )
    services.delete_stale_uploads(now=timezone.now())  # as the worker's housekeeping calls it
    run.refresh_from_db()
    assert run.problems == [] and run.preview == []
    assert run.problem_count == 1


# People, memberships, ties, partnerships

PEOPLE_HEADER = "Name;E-Mail;Kommune;Entscheidungsträger;Sprachen\r\n"


def test_people_import_and_duplicates_by_email(office, bonn):
    PersonFactory(name="Abena Mensah", email="abena@example.org", municipality=bonn)
    data = csv_bytes(
        [
            "Abena Mensah-Owusu;ABENA@example.org;Bonn;ja;de, en",
            "Kwame Owusu;kwame@example.org;Bonn;nein;",
        ],
        header=PEOPLE_HEADER,
    )
    run = check(office, data, kind="people", on_duplicate="update")
    assert run.problem_count == 0, run.problems
    assert run.summary["create"] == 1 and run.summary["update"] == 1
    services.commit(office, run)
    abena = Person.objects.get(email="abena@example.org")
    assert abena.name == "Abena Mensah-Owusu"
    assert abena.is_decision_maker
    assert sorted(lang.code for lang in abena.languages.all()) == ["de", "en"]
    assert Person.objects.filter(email="kwame@example.org").exists()
    assert AuditEntry.objects.filter(object_type="actors.person").count() == 2


def test_people_skip_duplicates(office, bonn):
    PersonFactory(name="Abena", email="abena@example.org", municipality=bonn)
    run = check(
        office, csv_bytes(["Neu;abena@example.org;Bonn;;"], header=PEOPLE_HEADER), kind="people"
    )
    assert run.summary["skip"] == 1
    services.commit(office, run)
    assert Person.objects.get().name == "Abena"


def test_people_coordinator_scope(bonn_coordinator, bonn, kiel):
    PersonFactory(email="kiel@example.org", municipality=kiel)
    data = csv_bytes(
        [
            "A;a@example.org;Bonn;;",
            "B;b@example.org;Kiel;;",
            "C;kiel@example.org;Kiel;;",
            "D;d@example.org;;;",
        ],
        header=PEOPLE_HEADER,
    )
    run = check(bonn_coordinator, data, kind="people", on_duplicate="update")
    assert rows_of(run) == [3, 4, 5]


def test_memberships_and_ties(office, bonn, kiel):
    verein = OrganisationFactory(name="Verein A", municipality=bonn)
    laden = OrganisationFactory(name="Weltladen", municipality=kiel)
    PersonFactory(name="Abena", email="abena@example.org")
    data = csv_bytes(
        [
            "abena@example.org;Verein A;Bonn;Vorsitz;ja;01.01.2020;",
            "nobody@example.org;Verein A;Bonn;;;;",
        ],
        header="E-Mail;Organisation;Kommune;Rolle;Ansprechperson;Von;Bis\r\n",
    )
    run = check(office, data, kind="memberships")
    assert rows_of(run) == [3]
    data = csv_bytes(
        ["abena@example.org;Verein A;Bonn;Vorsitz;ja;01.01.2020;31.12.2019"],
        header="E-Mail;Organisation;Kommune;Rolle;Ansprechperson;Von;Bis\r\n",
    )
    assert rows_of(check(office, data, kind="memberships")) == [2]
    data = csv_bytes(
        ["abena@example.org;Verein A;Bonn;Vorsitz;ja;01.01.2020;"],
        header="E-Mail;Organisation;Kommune;Rolle;Ansprechperson;Von;Bis\r\n",
    )
    run = check(office, data, kind="memberships")
    services.commit(office, run)
    membership = Membership.objects.get()
    assert membership.organisation == verein and membership.role == "Vorsitz"
    assert membership.started_on == datetime.date(2020, 1, 1) and membership.is_contact

    header = "Organisation;Kommune;Mit Organisation;Kommune der Partnerorganisation;Art;Von\r\n"
    data = csv_bytes(
        [
            "Verein A;Bonn;Weltladen;Kiel;Kooperation;15.03.2021",
            "Verein A;Bonn;Verein A;Bonn;Kooperation;",
        ],
        header=header,
    )
    run = check(office, data, kind="ties")
    assert rows_of(run) == [3]
    run = check(
        office,
        csv_bytes(["Verein A;Bonn;Weltladen;Kiel;Kooperation;15.03.2021"], header=header),
        kind="ties",
    )
    services.commit(office, run)
    tie = Tie.objects.get()
    assert (tie.source, tie.target, tie.kind) == (verein, laden, "cooperation")
    # The same tie again is a duplicate.
    run = check(
        office,
        csv_bytes(["Weltladen;Kiel;Verein A;Bonn;cooperation;15.03.2021"], header=header),
        kind="ties",
    )
    assert run.summary["unchanged"] == 1


def test_memberships_coordinator_scope(bonn_coordinator, kiel):
    OrganisationFactory(name="Weltladen", municipality=kiel)
    PersonFactory(email="abena@example.org", municipality=kiel)
    data = csv_bytes(["abena@example.org;Weltladen;Kiel"], header="E-Mail;Organisation;Kommune\r\n")
    run = check(bonn_coordinator, data, kind="memberships")
    assert rows_of(run) == [2]


def test_partnerships(office, bonn_coordinator, bonn, kiel):
    header = "Kommune;Partnerstadt;Land;Art;Seit\r\n"
    data = csv_bytes(
        ["Bonn;Cape Coast;GH;Städtepartnerschaft;1995", "Kiel;Moshi;Tansania;city;"], header=header
    )
    run = check(bonn_coordinator, data, kind="partnerships")
    assert rows_of(run) == [3]
    run = check(office, data, kind="partnerships")
    assert run.problem_count == 0, run.problems
    services.commit(office, run)
    assert Partnership.objects.filter(
        municipality=bonn, partner_name="Cape Coast", since=1995
    ).exists()
    assert AuditEntry.objects.filter(object_type="places.partnership").count() == 2


PARTNERSHIP_STATUS_HEADER = "Kommune;Partnerstadt;Land;Art;Status\r\n"


def test_partnership_status_by_code_or_label_in_either_language(office, bonn):
    data = csv_bytes(
        [
            "Bonn;Nkwanta;GH;city;RUHEND",
            "Bonn;Bagamoyo;TZ;city;Ended",
            "Bonn;Ho;GH;city;active",
            "Bonn;Wa;GH;city;beendet",
            "Bonn;Keta;GH;city;dormant",
        ],
        header=PARTNERSHIP_STATUS_HEADER,
    )
    run = check(office, data, kind="partnerships")
    assert run.mapping["4"] == "status"
    assert run.problem_count == 0, run.problems
    services.commit(office, run)
    statuses = dict(
        Partnership.objects.filter(municipality=bonn).values_list("partner_name", "status")
    )
    assert {name: statuses[name] for name in ("Nkwanta", "Bagamoyo", "Ho", "Wa", "Keta")} == {
        "Nkwanta": "dormant",
        "Bagamoyo": "ended",
        "Ho": "active",
        "Wa": "ended",
        "Keta": "dormant",
    }


def test_partnership_status_blank_is_active_when_new_and_unchanged_when_updated(office, bonn):
    def status():
        return Partnership.objects.get(municipality=bonn, partner_name="Nkwanta").status

    def imported(status_cell):
        data = csv_bytes([f"Bonn;Nkwanta;GH;city;{status_cell}"], header=PARTNERSHIP_STATUS_HEADER)
        run = check(office, data, kind="partnerships", on_duplicate="update")
        assert run.problem_count == 0, run.problems
        return services.commit(office, run)

    imported("")
    assert status() == "active"
    # An update sets the status a row gives; a blank cell does not bring an ended one back.
    imported("beendet")
    assert status() == "ended"
    run = imported("")
    assert status() == "ended"
    assert run.summary["updated"] == 0


@pytest.mark.parametrize("value", ["vielleicht", "aktiv nicht", "x" * 5000, "\x00?", "1"])
def test_partnership_status_unknown_is_a_row_error(office, bonn, value):
    data = csv_bytes(
        ["Bonn;Nkwanta;GH;city;aktiv", f"Bonn;Bagamoyo;TZ;city;{value}"],
        header=PARTNERSHIP_STATUS_HEADER,
        encoding="utf-8",
    )
    run = check(office, data, kind="partnerships")
    errors = [p for p in run.problems if p["level"] == "error"]
    assert [(p["row"], p["column"]) for p in errors] == [(3, "Status")]
    assert "aktiv, ruhend, beendet" in errors[0]["reason"]
    with pytest.raises(ValidationError):
        services.commit(office, run)
    assert not Partnership.objects.filter(municipality=bonn, partner_name="Bagamoyo").exists()


def test_memberships_of_existing_person_updated(office, bonn):
    verein = OrganisationFactory(name="Verein A", municipality=bonn)
    membership = MembershipFactory(
        organisation=verein, person=PersonFactory(email="a@example.org"), role=""
    )
    data = csv_bytes(
        ["a@example.org;Verein A;Bonn;Kasse"], header="E-Mail;Organisation;Kommune;Rolle\r\n"
    )
    run = check(office, data, kind="memberships", on_duplicate="update")
    services.commit(office, run)
    membership.refresh_from_db()
    assert membership.role == "Kasse"


def test_upload_of_uploaded_file_object(office, bonn):
    run = services.create_import(
        office, "organisations", SimpleUploadedFile("x.csv", csv_bytes(["A;MSO;Bonn;;;"])), "bogus"
    )
    assert run.on_duplicate == "bogus" or run.on_duplicate in ("skip", "update")


ID_HEADER = "ID;Name;Art;Kommune\r\n"


def test_rows_with_an_id_update_that_organisation(office, existing, bonn):
    data = csv_bytes([f"{existing.pk};Verein A (neu);MSO;Bonn"], header=ID_HEADER)
    run = check(office, data, on_duplicate="update")
    assert run.summary["update"] == 1, run.problems
    services.commit(office, run)
    existing.refresh_from_db()
    assert existing.name == "Verein A (neu)"
    assert Organisation.objects.count() == 1


def test_unknown_id_and_name_taken_by_another(office, existing, bonn):
    other = OrganisationFactory(name="Verein B", municipality=bonn)
    data = csv_bytes(
        ["999999;Verein X;MSO;Bonn", f"{other.pk};Verein A;MSO;Bonn"], header=ID_HEADER
    )
    run = check(office, data, on_duplicate="update")
    assert problems_of(run) == [(2, "ID", "999999"), (3, "Name", "Verein A")]


def test_people_without_municipality_for_coordinators(bonn_coordinator, bonn):
    data = csv_bytes(["A;a@example.org;;;"], header=PEOPLE_HEADER)
    run = check(bonn_coordinator, data, kind="people")
    assert rows_of(run) == [2]


def test_ambiguous_municipality_name(office, bonn):
    from bruecken.places.tests.factories import MunicipalityFactory

    MunicipalityFactory(name="Bonn", ags="05314999")
    run = check(office, csv_bytes(["Verein A;MSO;Bonn;;;", "Verein B;MSO;05314000;;;"]))
    assert problems_of(run) == [(2, "Kommune", "Bonn")]
