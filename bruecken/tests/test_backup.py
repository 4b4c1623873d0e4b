"""`bruecken backup` and `bruecken restore` (bruecken/backup.py): a round trip keeps every row
and every file's bytes; damaged, foreign or hostile archives are refused with nothing
restored; a database with data is not overwritten without --force."""

import io
import json
import tarfile
from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bruecken import backup
from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.models import Organisation, Person, Tie
from bruecken.actors.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TieFactory,
    TopicFactory,
)
from bruecken.places.tests.factories import CountryFactory
from bruecken.privacy.models import DataExport
from bruecken.website.models import Image
from bruecken.website.tests.factories import ImageFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def places(settings, tmp_path):
    """Files in a temporary place; the data exports in a folder outside the media and the
    private storage, as DATA_EXPORT_DIR allows."""
    settings.MEDIA_ROOT = tmp_path / "site" / "media"
    settings.DATA_EXPORT_DIR = str(tmp_path / "elsewhere" / "exports")
    # Tasks queue in the database, as in production: their rows are backed up too.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return tmp_path


@pytest.fixture
def world(places):
    organisations = OrganisationFactory.create_batch(3)
    people = PersonFactory.create_batch(4)
    MembershipFactory(organisation=organisations[0], person=people[0])
    image = ImageFactory()
    user = UserFactory()
    export = DataExport.objects.create(user=user, status=DataExport.Status.READY)
    export.file.save(f"{export.pk}.zip", ContentFile(b"PK\x03\x04 private export"), save=True)
    return {"image": image, "export": export}


def counts():
    return {label: model._base_manager.count() for label, model in backup.dumped_models().items()}


def read_bytes(field_file):
    with field_file.open("rb") as handle:
        return handle.read()


def empty(places):
    """What a new installation is: a migrated database without data, no files."""
    call_command("flush", interactive=False, verbosity=0)
    for folder in ("site", "elsewhere"):
        import shutil

        shutil.rmtree(places / folder, ignore_errors=True)


def test_round_trip_keeps_rows_and_file_bytes(world, places):
    archive = places / "backup.tar.gz"
    image_bytes = read_bytes(world["image"].file)
    before = counts()
    assert before["actors.organisation"] == 3

    call_command("backup", str(archive), verbosity=0)
    empty(places)
    assert Organisation.objects.count() == 0
    assert not world["image"].file.storage.exists(world["image"].file.name)

    output = io.StringIO()
    call_command("restore", str(archive), stdout=output)

    assert counts() == before
    assert "counts as in the manifest" in output.getvalue()
    image = Image.objects.get(pk=world["image"].pk)
    assert read_bytes(image.file) == image_bytes
    export = DataExport.objects.get(pk=world["export"].pk)
    assert read_bytes(export.file) == b"PK\x03\x04 private export"
    # The export came back to its own folder, outside the media.
    assert (places / "elsewhere" / "exports" / export.file.name).exists()
    # New rows go on after the restored ones (sequences reset on PostgreSQL).
    restored = max(Organisation.objects.values_list("pk", flat=True))
    assert OrganisationFactory().pk > restored


def dumped(path):
    """The rows as a backup writes them, but the content version (a restore counts it up)."""
    backup._dump(path, "default")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if '"model": "bruecken.contentversion"' not in line]


def test_every_value_comes_back_as_it_was(world, places):
    """Timestamps set by the database (not set anew), JSON, many-to-many links, foreign keys
    to users by natural key: the rows after the round trip are the rows before."""
    first, second = Organisation.objects.all()[:2]
    first.countries.set(CountryFactory.create_batch(2))
    first.topics.add(TopicFactory())
    tie = TieFactory(source=first, target=second, recorded_by=UserFactory())
    Tie.objects.filter(pk=tie.pk).update(recorded_at=datetime(2019, 5, 4, 3, 2, 1, tzinfo=UTC))
    before = dumped(places / "before.jsonl")
    assert any('"recorded_at": "2019-05-04T03:02:01' in line for line in before)

    call_command("backup", str(places / "backup.tar.gz"), verbosity=0)
    empty(places)
    call_command("restore", str(places / "backup.tar.gz"), verbosity=0)

    assert dumped(places / "after.jsonl") == before


def test_timestamps_keep_their_microseconds(world, places):
    first, second = Organisation.objects.all()[:2]
    tie = TieFactory(source=first, target=second)
    moment = datetime(2019, 5, 4, 3, 2, 1, 500, tzinfo=UTC)
    Tie.objects.filter(pk=tie.pk).update(recorded_at=moment)
    call_command("backup", str(places / "backup.tar.gz"), verbosity=0)
    empty(places)
    call_command("restore", str(places / "backup.tar.gz"), verbosity=0)
    assert Tie.objects.get(pk=tie.pk).recorded_at == moment


def test_manifest_names_format_migrations_counts_and_files(world, places):
    archive = places / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
        names = opened.getnames()
    assert manifest["format"] == "bruecken-backup"
    assert manifest["version"] == 1
    assert manifest["database"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["actors"]
    assert manifest["counts"]["actors.person"] == Person.objects.count()
    assert "contenttypes.contenttype" not in manifest["counts"]
    stored = {(f["storage"], f["path"]) for f in manifest["files"]}
    assert ("default", world["image"].file.name) in stored
    assert ("privacy.dataexport.file", world["export"].file.name) in stored
    assert all(f"files/{s}/{p}" in names for s, p in stored)
    assert "data/database.jsonl" in names


def test_backup_into_a_folder_and_never_over_a_file(world, places):
    call_command("backup", str(places), verbosity=0)
    made = list(places.glob("bruecken-backup-*.tar.gz"))
    assert len(made) == 1
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(made[0]), verbosity=0)
    with pytest.raises(CommandError, match="no folder"):
        call_command("backup", str(places / "missing" / "b.tar.gz"), verbosity=0)


def test_a_database_with_data_is_refused_unless_forced(world, places):
    archive = places / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    OrganisationFactory(name="Nach der Sicherung")
    before = counts()

    with pytest.raises(CommandError, match=r"not empty.*--force"):
        call_command("restore", str(archive), verbosity=0)
    assert counts() == before

    call_command("restore", str(archive), "--force", verbosity=0)
    assert not Organisation.objects.filter(name="Nach der Sicherung").exists()
    assert Organisation.objects.count() == 3


def rewritten(source, target, change):
    """A copy of the archive `source` with `change(members)` applied: {name: bytes}."""
    with tarfile.open(source) as opened:
        members = {m.name: opened.extractfile(m).read() for m in opened.getmembers()}
    change(members)
    with tarfile.open(target, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def manifest_changed(edit):
    def change(members):
        manifest = json.loads(members["manifest.json"])
        edit(manifest, members)
        members["manifest.json"] = json.dumps(manifest).encode()

    return change


def drop_manifest(members):
    del members["manifest.json"]


def damage_a_file(members):
    name = next(n for n in members if n.startswith("files/default/"))
    members[name] = b"x" * len(members[name])


def break_a_row(members):
    lines = members["data/database.jsonl"].decode().splitlines()
    row = json.loads(lines[-1])
    row["fields"]["nonexistent_field"] = 1
    row["model"] = "actors.organisation"
    members["data/database.jsonl"] = "\n".join([*lines, json.dumps(row)]).encode()


def wrong_count(manifest, _members):
    manifest["counts"]["actors.organisation"] = 99


def escape(manifest, members):
    manifest["files"].append({"storage": "default", "path": "../../x", "size": 1, "sha256": ""})
    members["files/default/../../x"] = b"x"


HOSTILE = {
    "no manifest": (drop_manifest, "no manifest.json"),
    "foreign format": (
        manifest_changed(lambda m, _members: m.update(format="other")),
        "not a Brücken backup",
    ),
    "newer version": (manifest_changed(lambda m, _members: m.update(version=2)), "version 2"),
    "unknown model": (
        manifest_changed(lambda m, _members: m["counts"].update({"nix.da": 1})),
        "no models nix.da",
    ),
    "future migration": (
        manifest_changed(lambda m, _members: m["migrations"]["actors"].append("9999_future")),
        "migrate",
    ),
    "damaged file": (damage_a_file, "damaged"),
    "path outside": (manifest_changed(escape), "outside its storage"),
    "unlisted member": (lambda members: members.update({"evil.sh": b"#!"}), "does not list"),
    "wrong count": (manifest_changed(wrong_count), "differ from the manifest"),
    "broken row": (break_a_row, "nothing changed"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_archives_are_refused_and_nothing_is_restored(world, places, case):
    change, message = HOSTILE[case]
    archive = places / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    hostile = rewritten(archive, places / "hostile.tar.gz", change)
    empty(places)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(hostile), verbosity=0)

    assert all(count == 0 for count in counts().values())
    assert not (places / "site").exists() or not any(
        path.is_file() for path in (places / "site").rglob("*")
    )
    assert not (places / "elsewhere").exists() or not any(
        path.is_file() for path in (places / "elsewhere").rglob("*")
    )


@pytest.mark.parametrize(
    "content",
    [b"", b"not an archive at all", b"\x1f\x8b\x08\x00garbage", b"PK\x03\x04zip"],
    ids=["empty", "text", "broken gzip", "zip"],
)
def test_unreadable_files_are_refused(db, tmp_path, content):
    path = tmp_path / "backup.tar.gz"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="Not restored"):
        call_command("restore", str(path), verbosity=0)


def test_a_missing_archive_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="there is no file"):
        call_command("restore", str(tmp_path / "none.tar.gz"), verbosity=0)
