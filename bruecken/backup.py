"""`bruecken backup` and `bruecken restore`: everything Brücken keeps, in one archive.

The archive (tar.gz) holds
- `manifest.json`: the format and its version, when and from what it was made, the applied
  migrations, the number of rows of each model and every file with its size and SHA-256;
- `data/database.jsonl`: the database as Django's JSON Lines dump (one object a line, written
  and read one at a time, so a large database never has to fit in memory), with foreign keys
  to content types by natural key: it loads into SQLite or PostgreSQL alike, whatever it was
  made from;
- `files/<storage>/<path>`: the files of every storage alias in `settings.STORAGES` but the
  static files, read through the Storage API (so from S3 as from disk), and those of any file
  field whose storage is a folder outside them.

Left out, as the target makes them anew: content types and permissions (`migrate`), the
full-text index (rebuilt by the restore), sessions and worker heartbeats.

A restore goes into a migrated database without data (`--force` empties it first); all of it
happens in one transaction, and the files written are removed again if anything fails, so a
broken or foreign archive leaves nothing half-restored. Only the app and the Django APIs are
used: no pg_dump, no database-specific file copies."""

import contextlib
import datetime
import hashlib
import json
import os
import posixpath
import shutil
import tarfile
import tempfile
import zlib
from collections import defaultdict
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import bulk
from .cache import queue_bump

FORMAT = "bruecken-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "data/database.jsonl"
FILES = "files/"
# Made anew by the target (migrate, the restore's reindex) or of no use in another place.
EXCLUDED = [
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "bruecken.searchdocument",
    "bruecken.workerheartbeat",
]
CHUNK = 1024 * 1024
# Rows of one model written at a time by a restore.
BATCH = 2000
# Files up to this size are buffered in memory on their way into the archive; larger ones on
# disk.
SPOOL_BYTES = 16 * 1024 * 1024


class BackupError(CommandError):
    pass


def dumped_models():
    """The models whose rows the backup holds, by label: concrete, managed, not excluded."""
    return {
        model._meta.label_lower: model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED
    }


def _local_root(storage):
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location).resolve()
    return None


def file_storages():
    """{name: storage}: each alias of STORAGES but the static files, then the storage of each
    file field that is a folder on this machine outside them (named after the field). Object
    stores' areas live within their aliases (bruecken/storage.py)."""
    found = {alias: storages[alias] for alias in settings.STORAGES if alias != "staticfiles"}
    roots = [root for root in map(_local_root, found.values()) if root is not None]
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            root = _local_root(field.storage)
            if root is None or any(root == seen or seen in root.parents for seen in roots):
                continue
            found[f"{model._meta.label_lower}.{field.name}"] = field.storage
            roots.append(root)
    return found


def walk(storage, folder=""):
    """Every file's name in `storage`, below `folder`, in a stable order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from walk(storage, posixpath.join(folder, name) if folder else name)


def applied_migrations(using=DEFAULT_DB_ALIAS):
    recorder = MigrationRecorder(connections[using])
    applied = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _snapshot(using):
    """One consistent view of the database while it is dumped (other writes go on)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def _rows(using, counts):
    """Every row to back up, in dependency order (as `dumpdata`), one chunk at a time, with
    the users that foreign keys name by natural key fetched in the same query."""
    dumped = dumped_models()
    configs = [(config, None) for config in apps.get_app_configs() if config.models_module]
    for model in serializers.sort_dependencies(configs, allow_cycles=True):
        label = model._meta.label_lower
        if label not in dumped:
            continue
        rows = model._base_manager.using(using).order_by(model._meta.pk.name)
        natural = [
            field.name
            for field in model._meta.concrete_fields
            if field.is_relation and hasattr(field.related_model, "natural_key")
        ]
        if natural:
            rows = rows.select_related(*natural)
        many = [
            field.name
            for field in model._meta.many_to_many
            if field.remote_field.through._meta.auto_created
        ]
        if many:
            rows = rows.prefetch_related(*many)
        counts[label] = 0
        for row in rows.iterator(chunk_size=2000):
            counts[label] += 1
            yield row


class _ExactEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder keeps milliseconds, and a restore would change
    every timestamp with a fraction of a millisecond."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat().replace("+00:00", "Z")
        return super().default(o)


def _dump(path, using):
    """Write the rows to `path` (JSON Lines); returns the rows per model and the applied
    migrations, both of the one snapshot."""
    counts = {}
    with transaction.atomic(using=using):
        _snapshot(using)
        with open(path, "w", encoding="utf-8") as dump:
            serializers.serialize(
                "jsonl",
                _rows(using, counts),
                use_natural_foreign_keys=True,
                stream=dump,
                cls=_ExactEncoder,
            )
        migrations = applied_migrations(using)
    return counts, migrations


def _add(archive, name, fileobj, size):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, fileobj)


def write_backup(target, using=DEFAULT_DB_ALIAS, report=print):
    """Write the archive to `target` (a path); returns the manifest. Written beside it under a
    temporary name first, so a failed backup never leaves a truncated archive."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial")
    with tempfile.TemporaryDirectory(prefix="bruecken-backup-") as scratch:
        dump = Path(scratch) / "database.jsonl"
        counts, migrations = _dump(dump, using)
        report(f"Database: {sum(counts.values()):,} rows of {len(counts)} models")
        files = []
        try:
            with tarfile.open(partial, "w:gz") as archive:
                with open(dump, "rb") as handle:
                    _add(archive, DATABASE, handle, dump.stat().st_size)
                for name, storage in file_storages().items():
                    for path in walk(storage):
                        files.append(_add_file(archive, name, storage, path))
                report(f"Files: {len(files):,} ({sum(f['size'] for f in files):,} bytes)")
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created_at": timezone.now().isoformat(),
                    "django": django.get_version(),
                    "database": connections[using].vendor,
                    "migrations": migrations,
                    "counts": counts,
                    "files": files,
                }
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                with tempfile.SpooledTemporaryFile() as handle:
                    handle.write(data)
                    handle.seek(0)
                    _add(archive, MANIFEST, handle, len(data))
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _add_file(archive, name, storage, path):
    digest = hashlib.sha256()
    size = 0
    # Copied first: the size must be known before the bytes go in, and it is what was read.
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
        with storage.open(path, "rb") as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
                size += len(chunk)
        copy.seek(0)
        _add(archive, f"{FILES}{name}/{path}", copy, size)
    return {"storage": name, "path": path, "size": size, "sha256": digest.hexdigest()}


# Restoring


def _refuse(message):
    raise BackupError(f"Not restored: {message}")


def read_manifest(archive):
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.load(archive.extractfile(member))
    except KeyError:
        _refuse("the archive has no manifest.json; it is not a Brücken backup.")
    except (ValueError, UnicodeDecodeError):
        _refuse("the archive's manifest.json is not valid JSON.")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        _refuse("the archive is not a Brücken backup (its manifest names another format).")
    if manifest.get("version") != VERSION:
        _refuse(
            f"the archive is of format version {manifest.get('version')!r}; this Brücken "
            f"reads version {VERSION}."
        )
    try:
        counts = {str(label): int(count) for label, count in manifest["counts"].items()}
        files = [
            (str(f["storage"]), str(f["path"]), int(f["size"]), str(f["sha256"]))
            for f in manifest["files"]
        ]
        migrations = {str(app): list(names) for app, names in manifest["migrations"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        _refuse("the archive's manifest is incomplete.")
    return counts, files, migrations


def _safe_path(path):
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "\x00" not in path


def check_archive(archive, counts, files):
    """Every member is one the manifest names, a plain file, inside its storage."""
    known = dumped_models()
    unknown = sorted(set(counts) - set(known))
    if unknown:
        _refuse(f"this Brücken has no models {', '.join(unknown[:5])}.")
    names = file_storages()
    listed = {f"{FILES}{storage}/{path}": size for storage, path, size, _hash in files}
    for storage, path, _size, _hash in files:
        if storage not in names:
            _refuse(f"this Brücken has no file storage {storage!r}.")
        if not _safe_path(path):
            _refuse(f"the archive names a file outside its storage: {path!r}.")
    seen = set()
    for member in archive.getmembers():
        if member.name in (MANIFEST, DATABASE):
            if not member.isfile():
                _refuse(f"{member.name} in the archive is not a file.")
        elif member.name not in listed or not member.isfile():
            _refuse(f"the archive holds {member.name!r}, which its manifest does not list.")
        elif member.size != listed[member.name]:
            _refuse(f"{member.name} in the archive is not of the size its manifest says.")
        seen.add(member.name)
    if DATABASE not in seen:
        _refuse("the archive holds no database.")
    missing = sorted(set(listed) - seen)
    if missing:
        _refuse(f"files listed in the manifest are missing, e.g. {missing[0]}.")


def check_migrations(backup, using):
    here = applied_migrations(using)
    missing = [
        f"{app}.{name}"
        for app, names in backup.items()
        for name in names
        if name not in here.get(app, [])
    ]
    if missing:
        _refuse(
            "the backup was made after migrations this database lacks "
            f"({', '.join(missing[:5])}). Update Brücken and run `bruecken migrate` first."
        )
    return [
        f"{app}.{name}"
        for app, names in here.items()
        for name in names
        if name not in backup.get(app, [])
    ]


def holding_data(using):
    """The models that already have rows here."""
    return [
        label
        for label, model in dumped_models().items()
        if model._base_manager.using(using).exists()
    ]


def restore_backup(source, force=False, using=DEFAULT_DB_ALIAS, report=print):
    """Restore the archive at `source`; returns the counts. Raises BackupError, changing
    nothing, when the archive is damaged or foreign, or the database not empty."""
    try:
        with tarfile.open(source, "r:gz") as archive:
            return _restore(archive, force, using, report)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        if isinstance(error, FileNotFoundError) and not Path(source).exists():
            _refuse(f"there is no file {source}.")
        _refuse(f"the archive cannot be read ({type(error).__name__}: {error}).")


def _restore(archive, force, using, report):
    counts, files, migrations = read_manifest(archive)
    check_archive(archive, counts, files)
    newer = check_migrations(migrations, using)
    if newer:
        report(
            f"Note: this database has {len(newer)} migrations the backup predates "
            f"(e.g. {newer[0]}); their data migrations are not applied to the restored data."
        )
    held = holding_data(using)
    if held and not force:
        _refuse(
            f"the database is not empty ({', '.join(held[:5])} have rows). Restore into a "
            "new, migrated database, or give --force to delete everything in it first."
        )
    storages_by_name = file_storages()
    written = []
    with tempfile.TemporaryDirectory(prefix="bruecken-restore-") as scratch:
        dump = Path(scratch) / "database.jsonl"
        with archive.extractfile(DATABASE) as source, open(dump, "wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        try:
            with transaction.atomic(using=using):
                if held:
                    call_command("flush", interactive=False, database=using, verbosity=0)
                    report("Emptied the database (--force).")
                _load(dump, using)
                _reset_sequences(using)
                _check_counts(counts, using)
                report(
                    f"Database: {sum(counts.values()):,} rows restored, counts as in the manifest"
                )
                for name, path, _size, sha256 in files:
                    _restore_file(archive, storages_by_name[name], name, path, sha256, written)
                report(f"Files: {len(files):,} restored, checksums as in the manifest")
                # The full-text index is not in the archive: built from the restored rows.
                call_command("reindex", verbosity=0)
        except BaseException as error:
            for storage, path in written:
                # The original error matters more than one failing to clean up.
                with contextlib.suppress(Exception):
                    storage.delete(path)
            if isinstance(error, BackupError):
                raise
            if isinstance(error, Exception):
                raise BackupError(
                    f"Not restored, nothing changed: {type(error).__name__}: {error}"
                ) from error
            raise
    return counts


def _load(path, using):
    """The dump's rows into the database, BATCH rows of a model at a time. As `loaddata`: the
    rows as they were (no save(), no signals, timestamps kept), foreign keys checked when the
    transaction ends (Django declares them deferred); unlike it, not a statement a row, which
    takes hours at real size."""
    connection = connections[using]
    model, rows, links, deferred = None, [], defaultdict(list), []
    found = {}  # (model, natural key) -> primary key

    def write():
        if rows:
            fields = [
                field
                for field in model._meta.local_concrete_fields
                if not getattr(field, "generated", False)
            ]
            values = [
                [
                    field.get_db_prep_save(getattr(row, field.attname), connection)
                    for field in fields
                ]
                for row in rows
            ]
            bulk.insert_rows(model._meta.db_table, [f.column for f in fields], values, using)
            rows.clear()
        for (table, columns), pairs in links.items():
            bulk.insert_rows(table, columns, pairs, using)
        links.clear()

    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if not line.strip():
                continue
            data = json.loads(line)
            _natural_keys_resolved(data, found, using)
            if model is None or data["model"] != model._meta.label_lower:
                # Written before the next model's rows are read: they may name these by
                # natural key (users), which is looked up in the database.
                write()
            (item,) = serializers.deserialize(
                "python", [data], using=using, handle_forward_references=True
            )
            model = type(item.object)
            rows.append(item.object)
            for name, related in item.m2m_data.items():
                links[_through_columns(model, name)].extend((item.object.pk, pk) for pk in related)
            if item.deferred_fields:
                deferred.append(item)
            if len(rows) >= BATCH:
                write()
        write()
    # Keys to rows that came later in the file (cycles): set now that every row is in.
    for item in deferred:
        item.save_deferred_fields(using=using)
    # The rows came without signals: pages cached before show the restored content no more.
    queue_bump()


def _natural_keys_resolved(data, found, using):
    """The row's references by natural key (users, content types) as primary keys, each key
    looked up once per restore (the deserializer asks the database again for every row). A key
    not found yet is left to the deserializer, which defers it."""
    model = apps.get_model(data["model"])
    values = data["fields"]
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation) or field.name not in values:
            continue
        related = field.related_model
        if not hasattr(related._default_manager, "get_by_natural_key"):
            continue
        if field.many_to_many:
            values[field.name] = [_pk(related, key, found, using) for key in values[field.name]]
        else:
            values[field.name] = _pk(related, values[field.name], found, using)


def _pk(model, key, found, using):
    if not isinstance(key, list):
        return key
    if (model, tuple(key)) not in found:
        try:
            obj = model._default_manager.db_manager(using).get_by_natural_key(*key)
        except model.DoesNotExist:
            return key
        found[model, tuple(key)] = obj.pk
    return found[model, tuple(key)]


def _through_columns(model, name):
    """(table, (source column, target column)) of the many-to-many field `name`."""
    field = model._meta.get_field(name)
    through = field.remote_field.through._meta
    source = through.get_field(field.m2m_field_name()).column
    target = through.get_field(field.m2m_reverse_field_name()).column
    return through.db_table, (source, target)


def _reset_sequences(using):
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(dumped_models().values()))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _check_counts(counts, using):
    wrong = []
    for label, expected in sorted(counts.items()):
        actual = apps.get_model(label)._base_manager.using(using).count()
        if actual != expected:
            wrong.append(f"{label}: {actual} instead of {expected}")
    if wrong:
        raise BackupError(
            "Not restored, nothing changed: the rows loaded differ from the manifest ("
            + "; ".join(wrong[:10])
            + ")."
        )


def _restore_file(archive, storage, name, path, sha256, written):
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
        with archive.extractfile(f"{FILES}{name}/{path}") as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
        if digest.hexdigest() != sha256:
            raise BackupError(f"Not restored, nothing changed: {name}/{path} is damaged.")
        copy.seek(0)
        if storage.exists(path):
            storage.delete(path)
        saved = storage.save(path, File(copy, name=posixpath.basename(path)))
        written.append((storage, saved))
        if saved != path:
            raise BackupError(
                f"Not restored, nothing changed: {name}/{path} could not be stored under its "
                f"name (stored as {saved})."
            )
