"""The audit log: the one path by which services record what changed.

`changes(user, obj, fields)` wraps a create or an update: it snapshots the fields before, diffs
after and records the entry; `deleted(user, obj, fields)` records a deletion before it happens;
`record_many` is the bulk writer of the same rows for imports."""

from contextlib import contextmanager
from datetime import UTC, datetime
from json import dumps

from django.db import connection, models, transaction
from django.utils import timezone

from bruecken import bulk

from .models import AuditEntry, AuditSubject


def subject_key(obj):
    return f"{obj._meta.label_lower}:{obj.pk}"


def _display(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime) and timezone.is_aware(value):
        # One instant, one text: the same time given in Berlin time and in UTC is no change.
        value = value.astimezone(UTC)
    return str(value)


def snapshot(obj, fields):
    """The values of `fields` as text, many-to-many fields as sorted lists: comparable and
    storable as JSON, and readable in the history without the objects they named."""
    return snapshotter(type(obj), fields)(obj)


def snapshotter(model, fields):
    """`snapshot` for many objects of one model (an import's): the fields and the labels of
    their choices are looked up once."""
    taken = []
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.ManyToManyField):
            taken.append((name, "many", None))
        elif field.choices:
            taken.append(
                (name, "choice", {value: str(label) for value, label in field.flatchoices})
            )
        else:
            taken.append((name, "value", None))

    def take(obj):
        values = {}
        for name, kind, labels in taken:
            if kind == "many":
                values[name] = (
                    [] if obj.pk is None else sorted(str(o) for o in getattr(obj, name).all())
                )
            elif kind == "choice":
                value = getattr(obj, name)
                values[name] = _display(labels.get(value, value))
            else:
                values[name] = _display(getattr(obj, name))
        return values

    return take


def diff(before, after):
    """Changed fields as {name: [old, new]}; None stands for "did not exist" (create, delete)."""
    names = list(before) + [name for name in after if name not in before]
    return {
        name: [before.get(name), after.get(name)]
        for name in names
        if before.get(name) != after.get(name)
    }


def record(user, action, obj, changes=None, subjects=(), object_id=None):
    entry = AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(object_id if object_id is not None else obj.pk),
        object_repr=str(obj)[:300],
        changes=changes or {},
    )
    keys = {f"{obj._meta.label_lower}:{entry.object_id}"}
    keys.update(subject_key(subject) for subject in subjects if subject is not None)
    AuditSubject.objects.bulk_create(AuditSubject(entry=entry, key=key) for key in sorted(keys))
    return entry


@contextmanager
def changes(user, obj, fields, subjects=(), action=None):
    """Record what the block changes on `obj`: a create when `obj` has no primary key yet,
    else an update (none when nothing changed). Yields a dict the block may fill with extra
    changes (`{name: [old, new]}`) that are not fields of `obj`."""
    created = obj.pk is None
    before = {} if created else snapshot(obj, fields)
    extra = {}
    yield extra
    found = diff(before, snapshot(obj, fields))
    found.update(extra)
    if found or created:
        action = action or (AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE)
        record(user, action, obj, found, subjects=subjects)


def deleted(user, obj, fields, subjects=()):
    """Record the deletion of `obj` (call before deleting it): its last values."""
    return record(
        user,
        AuditEntry.Action.DELETE,
        obj,
        diff(snapshot(obj, fields), {}),
        subjects=subjects,
        object_id=obj.pk,
    )


def record_many(user, entries, also=None):
    """The rows `record` writes, for many objects at once (imports): one insert for the entries,
    one for their subjects, as plain rows (bruecken.bulk), so that the audit of a 50,000-row
    import stays a small part of it. entries: (action, object type, object id, text, changes),
    optionally with a sixth item, the keys of further subjects (`subject_key` of a membership's
    person and organisation); `also`: an object every entry is filed under too (the import
    run)."""
    if not entries:
        return
    entry_table = AuditEntry._meta.db_table
    at = AuditEntry._meta.get_field("at").get_db_prep_save(timezone.now(), connection)
    user_id = user.pk if user else None
    also_key = subject_key(also) if also is not None else None
    rows, subjects = [], []
    with transaction.atomic():
        ids = _reserve_ids(entry_table, len(entries))
        for pk, (action, object_type, object_id, text, changes, *further) in zip(
            ids, entries, strict=True
        ):
            object_id = str(object_id)
            # JSON text as the field would make it (no encoder), without its per-value checks.
            rows.append(
                (pk, at, user_id, action, object_type, object_id, str(text)[:300], dumps(changes))
            )
            subjects.append((pk, f"{object_type}:{object_id}"))
            if further:
                subjects.extend((pk, key) for key in further[0])
            if also_key:
                subjects.append((pk, also_key))
        bulk.insert_rows(entry_table, ENTRY_COLUMNS, rows)
        bulk.insert_pairs(AuditSubject, "entry_id", "key", subjects)


# The order of the values in the rows above.
ENTRY_COLUMNS = [
    "id", "at", "user_id", "action", "object_type", "object_id", "object_repr", "changes"
]  # fmt: skip


def _reserve_ids(table, count):
    """`count` new primary keys of `table`, taken before the rows go in (so that the subjects
    need no search for the new entries): from its sequence on PostgreSQL; on SQLite, in this
    transaction (one writer at a time), the next ids after the highest ever given."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [quote(table), count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(id) FROM {quote(table)}")  # noqa: S608 - the model's table
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        given = cursor.fetchone()
        start = max(highest, given[0] if given else 0) + 1
        return list(range(start, start + count))


def history(obj):
    return (
        AuditEntry.objects.filter(subjects__key=subject_key(obj)).select_related("user").distinct()
    )


# What stands in the audit for an erased person's own values (their countries, languages, ...).
ERASED_VALUE = "–"


def _own_values(changes, erasure):
    """An entry about the person's own record keeps which fields changed, not their values;
    the name becomes the pseudonym."""
    erased = {}
    for name, values in changes.items():
        if not isinstance(values, list):
            erased[name] = ERASED_VALUE
            continue
        erased[name] = [
            value
            if value in (None, "", []) or isinstance(value, bool)
            else erasure.pseudonym
            if name in ("name", "full_name")
            else ERASED_VALUE
            for value in values
        ]
    return erased


def pseudonymise(erasure, keep=(), batch_size=500):
    """Replace the erased person (`erasure`: bruecken.personal_data.Erasure) in the audit log by
    their pseudonym: in the entries about them, their account and what is filed under them
    (memberships, registrations), and wherever an entry's text names their address, number or
    name. Their own record's entries keep which fields changed, not the values. The entries
    stay (and keep their counts); the subject keys hold only ids. `keep`: subject keys of
    namesakes, whose entries keep the name. Returns entries changed."""
    own = {subject_key(obj) for obj in (erasure.person, erasure.user) if obj is not None}
    filed = set(AuditEntry.objects.filter(subjects__key__in=own).values_list("pk", flat=True))
    mentioning = AuditEntry.objects.filter(erasure.found_in("object_repr", json=["changes"]))
    if keep:
        mentioning = mentioning.exclude(subjects__key__in=list(keep))
    ids = filed | set(mentioning.values_list("pk", flat=True))
    changed = []
    for entry in AuditEntry.objects.filter(pk__in=ids).order_by("pk").iterator(batch_size):
        key = f"{entry.object_type}:{entry.object_id}"
        if key in own:
            entry.object_repr = erasure.pseudonym
            entry.changes = _own_values(entry.changes, erasure)
        else:
            entry.object_repr = erasure.scrub(entry.object_repr)[:300]
            entry.changes = erasure.scrub(entry.changes)
        changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["object_repr", "changes"], batch_size=batch_size)
    return len(changed)
