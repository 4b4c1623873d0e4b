"""The audit log: the one path by which services record what changed.

`changes(user, obj, fields)` wraps a create or an update: it snapshots the fields before, diffs
after and records the entry; `deleted(user, obj, fields)` records a deletion before it happens;
`record_many` is the bulk writer of the same rows for imports."""

from contextlib import contextmanager
from datetime import UTC, datetime

from django.db import models
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
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if isinstance(field, models.ManyToManyField):
            values[name] = (
                [] if obj.pk is None else sorted(str(o) for o in getattr(obj, name).all())
            )
        elif field.choices:
            values[name] = _display(getattr(obj, f"get_{name}_display")())
        else:
            values[name] = _display(getattr(obj, name))
    return values


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
    import stays a small part of it. entries: (action, object type, object id, text, changes);
    `also`: an object every entry is filed under too (the import run)."""
    if not entries:
        return
    at = timezone.now()
    bulk.raw_insert(
        AuditEntry,
        [
            {
                "at": at,
                "user_id": user.pk if user else None,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "object_repr": str(text)[:300],
                "changes": changes,
            }
            for action, object_type, object_id, text, changes in entries
        ],
    )
    # The new entries' ids: they alone carry this moment and these types.
    types = sorted({entry[1] for entry in entries})
    also_key = subject_key(also) if also is not None else None
    subjects = []
    for pk, object_type, object_id in AuditEntry.objects.filter(
        at=at, object_type__in=types
    ).values_list("pk", "object_type", "object_id"):
        subjects.append((pk, f"{object_type}:{object_id}"))
        if also_key:
            subjects.append((pk, also_key))
    bulk.insert_pairs(AuditSubject, "entry_id", "key", subjects)


def history(obj):
    return (
        AuditEntry.objects.filter(subjects__key=subject_key(obj)).select_related("user").distinct()
    )
