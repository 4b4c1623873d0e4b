"""The audit log: snapshots of objects before and after a change, and the entry that records it."""

from django.db import models

from .models import AuditEntry, AuditSubject


def subject_key(obj):
    return f"{obj._meta.label_lower}:{obj.pk}"


def _display(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
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


def history(obj):
    return (
        AuditEntry.objects.filter(subjects__key=subject_key(obj)).select_related("user").distinct()
    )
