"""Checked rows written set-based: unsaved model instances (so that the models' own rules, their
defaults and `derive_fields()`, make the values) go in as plain rows in chunks, their new ids are
read back, many-to-many links and audit entries follow as plain rows too. No save() and no
model signals: what hangs on them (the content version, the full-text index) is told directly
by the caller."""

import datetime

from django.db import connection
from django.db.models import Max

from bruecken import bulk
from bruecken.accounts import audit

from .base import chunks

WRITE_CHUNK = 10_000  # rows per insert, and how often the progress moves on
# Values that go to the database as they are; anything else (a phone number) is prepared by
# its field first.
PLAIN = (str, int, float, bool, type(None))


class Steps:
    """The progress of a write of `total` rows through its phases: `advance(rows)` as rows are
    done reports the share done (0…1) to `progress`, each time another hundredth is done."""

    def __init__(self, total, progress=None):
        self.total = max(1, total)
        self.done = 0
        self.progress = progress
        self.next_report = 0

    def advance(self, rows):
        self.done += rows
        if self.progress and self.done >= self.next_report:
            self.next_report = self.done + self.total / 100
            self.progress(min(1.0, self.done / self.total))


def _fields(model):
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def as_values(instance, fields, prepared, memo=None):
    """The instance's row as the database takes it (`prepared[i]`: whether the field's value
    needs its preparation, as `bulk.raw_insert` decides). `memo`: a dict in which the prepared
    dates and times are kept, for the next rows (an import's rows share their timestamps)."""
    values = []
    for field, slow in zip(fields, prepared, strict=True):
        value = getattr(instance, field.attname)
        if value is not None and (slow or not isinstance(value, PLAIN)):
            if memo is not None and isinstance(value, datetime.date):
                key = (field.attname, value)
                if key not in memo:
                    memo[key] = field.get_db_prep_save(value, connection)
                value = memo[key]
            else:
                value = field.get_db_prep_save(value, connection)
        values.append(value)
    return values


def insert(model, instances, key, steps=None):
    """Insert the unsaved `instances` and give each its new primary key. `key`: attribute names
    that, with the insert order, tell the new rows apart from rows others insert meanwhile
    (on SQLite nobody can; on PostgreSQL another transaction may)."""
    if not instances:
        return
    fields = _fields(model)
    prepared = [isinstance(field, bulk.SLOW_FIELDS) for field in fields]
    columns = [field.column for field in fields]
    before = model.objects.aggregate(last=Max("pk"))["last"] or 0
    memo = {}
    for chunk in chunks(instances, WRITE_CHUNK):
        rows = [as_values(instance, fields, prepared, memo) for instance in chunk]
        bulk.insert_rows(model._meta.db_table, columns, rows)
        if steps:
            steps.advance(len(chunk))
    _read_ids(model, instances, key, before)


def _read_ids(model, instances, key, before):
    """Our rows come back in the order they went in, with ids above `before`; a row of someone
    else's in between is passed over."""
    pending = iter(instances)
    current = next(pending)
    found = (
        model.objects.filter(pk__gt=before)
        .order_by("pk")
        .values_list("pk", *key)
        .iterator(chunk_size=WRITE_CHUNK)
    )
    for pk, *values in found:
        if values == [getattr(current, name) for name in key]:
            current.pk = pk
            current._state.adding = False
            current = next(pending, None)
            if current is None:
                return
    # Never expected: the transaction is rolled back rather than link rows to the wrong ids.
    raise RuntimeError(f"{model._meta.label}: the inserted rows were not found again")


def update(model, instances, names, steps=None):
    """Save the changed `names` of existing instances (one statement per chunk)."""
    for chunk in chunks(instances, WRITE_CHUNK):
        model.objects.bulk_update(chunk, sorted(names), batch_size=500)
        if steps:
            steps.advance(len(chunk))


def link(model, name, links, replaced=()):
    """The many-to-many field `name`: `links` (object id, related objects) added; the links of
    the ids in `replaced` are removed first (an update replaces them)."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    own, other = field.m2m_column_name(), field.m2m_reverse_name()
    for chunk in chunks(list(replaced)):
        through.objects.filter(**{f"{own}__in": chunk}).delete()
    pairs = [(pk, related.pk) for pk, objects in links for related in objects]
    bulk.insert_pairs(through, own, other, pairs)


def created_changes(model, fields):
    """A function giving a new object's audit changes as `audit.changes` writes them for a save
    (each field from None to its value), and `m2m` ({name: related objects}) for the
    many-to-many fields set."""
    take = audit.snapshotter(model, fields)

    def changes(instance, m2m=None):
        found = {name: [None, value] for name, value in take(instance).items()}
        for name, objects in (m2m or {}).items():
            found[name] = [None, sorted(str(obj) for obj in objects)]
        return found

    return changes


def subject(model, pk):
    """The key an audit entry is filed under (`audit.subject_key`) from a model and an id."""
    return f"{model._meta.label_lower}:{pk}"
