"""The registry of searchable models, and keeping their documents up to date."""

import threading
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django_tasks import task

from .. import bulk
from .schema import COLUMNS, DOCUMENT_TABLE, SORT_KEY
from .text import document_text

CHUNK = 2000
# The PostgreSQL advisory lock that serialises writes to the index (any number of our own).
INDEX_LOCK = 4_711_016


@dataclass(frozen=True)
class Spec:
    """What a model's search document is made of: field names for each part. A many-to-many
    field contributes the names of its rows (German and English where they have both).
    `order`: the text field the model is ordered by, kept as the document's sort key."""

    name: tuple
    public: tuple
    private: tuple
    order: str = ""

    def fields(self):
        return (*self.name, *self.public, *self.private)


REGISTRY = {}
# Each kind's number (`register`): its documents' ids lie in its range of 2**KEY_BITS.
NUMBERS = {}
KEY_BITS = 40
# The rows whose names documents hold (a country, a language, a topic): their label ->
# [(the searchable model's label, its many-to-many field)].
NAMED_BY = {}


def register(model, *, number, name, public=(), private=(), order=""):
    """Make `model` searchable (call it in the app's `ready()`): its documents are kept up to
    date on save, on delete and when its many-to-many fields among the parts change. `number`
    is the kind's for good (its documents' ids, `document_key`): never another model's, never
    changed without a migration that moves the documents (as bruecken/migrations/0007).
    `order`: the text field first in the model's ordering, for a big model whose searches are
    ordered by it on PostgreSQL from the documents alone (`search`)."""
    spec = Spec(tuple(name), tuple(public), tuple(private), order)
    label = model._meta.label_lower
    taken = any(n == number and other != label for other, n in NUMBERS.items())
    if taken or not 0 < number < 2 ** (63 - KEY_BITS):
        raise ValueError(f"{label}: no free kind number: {number}")
    REGISTRY[label] = spec
    NUMBERS[label] = number
    post_save.connect(_saved, sender=model, dispatch_uid=f"fulltext-save-{label}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"fulltext-delete-{label}")
    for field_name in spec.fields():
        field = model._meta.get_field(field_name)
        if field.many_to_many:
            m2m_changed.connect(
                _related_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"fulltext-m2m-{label}-{field_name}",
            )
            related = field.remote_field.model
            related_label = related._meta.label_lower
            NAMED_BY.setdefault(related_label, []).append((label, field_name))
            pre_save.connect(
                _renaming, sender=related, dispatch_uid=f"fulltext-renaming-{related_label}"
            )
            post_save.connect(
                _renamed, sender=related, dispatch_uid=f"fulltext-renamed-{related_label}"
            )


def key_range(label):
    """The lowest and highest id the documents of the kind `label` may have."""
    low = NUMBERS[label] << KEY_BITS
    return low, low + (1 << KEY_BITS) - 1


def document_key(label, object_id):
    """The id of the document of `label`'s object `object_id`."""
    low, high = key_range(label)
    if not 0 < object_id <= high - low:
        raise ValueError(f"{label} {object_id}: no id a document can have")
    return low + object_id


def has_private(model):
    """Whether `model`'s documents have a private part."""
    return bool(REGISTRY[model._meta.label_lower].private)


def registered_models():
    from django.apps import apps

    return [apps.get_model(label) for label in REGISTRY]


# Keeping the index up to date

_pending = threading.local()


def _queue():
    if not hasattr(_pending, "items"):
        _pending.items = set()
    return _pending.items


def _schedule(model, pks):
    label = model._meta.label_lower
    queue = _queue()
    queue.update((label, pk) for pk in pks if pk is not None)
    # One callback per transaction. Checked against the connection's own list, not the queue:
    # a callback of a transaction that rolled back is gone while its items stay queued, and a
    # later change to the same object must still be indexed when it commits. The change is
    # committed by then: an index that fails to follow is logged, not a 500.
    connection = transaction.get_connection()
    if not any(func is flush for _ids, func, _robust in connection.run_on_commit):
        transaction.on_commit(flush, robust=True)


def discard_pending():
    """Forget what is queued (tests: rows of a rolled-back test are not indexed later)."""
    _queue().clear()


def flush():
    """Index what changed since the last flush (on this connection's thread)."""
    queue = _queue()
    if not queue:
        return
    from django.apps import apps

    items = sorted(queue)
    queue.clear()
    by_label = {}
    for label, pk in items:
        by_label.setdefault(label, []).append(pk)
    try:
        for label, pks in by_label.items():
            reindex(apps.get_model(label), pks)
    except Exception:
        # Tried again at the next flush.
        queue.update(items)
        raise


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(sender, [instance.pk])


def _deleted(sender, instance, **kwargs):
    _schedule(sender, [instance.pk])


def _related_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A many-to-many change: from the searchable side (`organisation.countries.add(…)`) the
    instance changed, from the other side (`country.organisations.add(…)`) the objects in
    `pk_set`; a clear from the other side changes all that were related before."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _schedule(type(instance), [instance.pk])
        return
    if action == "pre_clear":
        field = _m2m_field(sender, model)
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        instance._fulltext_cleared = list(
            sender.objects.filter(**{target: instance.pk}).values_list(f"{source}_id", flat=True)
        )
    elif action == "post_clear":
        _schedule(model, getattr(instance, "_fulltext_cleared", []))
    elif action in ("post_add", "post_remove"):
        _schedule(model, pk_set or [])


# A renamed row named by at most this many documents has them rebuilt on commit (set-based, in
# chunks); more by a background task, chunk by chunk, so that a rename saves at once.
INLINE_RENAME = 2000


def _names(model):
    return [name for name in NAME_FIELDS if _has_field(model, name)]


NAME_FIELDS = ("name_de", "name_en", "name")


def _has_field(model, name):
    return any(f.name == name and f.concrete for f in model._meta.get_fields())


def _renaming(sender, instance, raw=False, **kwargs):
    """Before a save of a row that documents name: whether its names change (one query)."""
    instance._fulltext_renamed = False
    fields = _names(sender)
    if raw or instance.pk is None or not fields:
        return
    before = sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    if before is not None and tuple(before) != tuple(getattr(instance, f) for f in fields):
        instance._fulltext_renamed = True


def _renamed(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_fulltext_renamed", False):
        instance._fulltext_renamed = False
        for label, field_name in NAMED_BY.get(sender._meta.label_lower, []):
            reindex_naming(label, field_name, instance.pk)


def _naming_ids(label, field_name, related_pk):
    from django.apps import apps

    model = apps.get_model(label)
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    ids = through.objects.filter(
        **{f"{field.m2m_reverse_field_name()}_id": related_pk}
    ).values_list(f"{field.m2m_field_name()}_id", flat=True)
    return model, ids.order_by()


def reindex_naming(label, field_name, related_pk):
    """Rebuild the documents of `label`'s objects whose `field_name` holds the row
    `related_pk` (renamed): on commit for a few, by a background task for many."""
    model, ids = _naming_ids(label, field_name, related_pk)
    pks = list(ids[: INLINE_RENAME + 1])
    if len(pks) <= INLINE_RENAME:
        _schedule(model, pks)
    else:
        transaction.on_commit(
            lambda: reindex_naming_task.enqueue(label, field_name, related_pk), robust=True
        )


@task()
def reindex_naming_task(label, field_name, related_pk):
    """The background half of `reindex_naming`: chunk by chunk, each in its own transaction, so
    that searches and other writes go on meanwhile. Returns how many documents it rebuilt."""
    model, ids = _naming_ids(label, field_name, related_pk)
    pks = sorted(ids)
    for start in range(0, len(pks), CHUNK):
        reindex(model, pks[start : start + CHUNK])
    return len(pks)


def _m2m_field(through, model):
    for field in model._meta.many_to_many:
        if field.remote_field.through is through:
            return field
    raise LookupError(through)


def reindex(model, ids=None, *, spec=None):
    """Rebuild the documents of `model`'s objects `ids` (all: None) from the database, and
    drop those of ids that no longer exist. What the bulk import calls after writing rows.
    `spec` (and a historical `model`) for the data migration."""
    from ..models import SearchDocument

    spec = spec or REGISTRY[model._meta.label_lower]
    label = model._meta.label_lower
    documents = SearchDocument.objects.filter(kind=label)
    with transaction.atomic():
        _lock()
        if ids is None:
            _delete(documents)
            ids = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
            replaced = False
        else:
            ids = sorted({int(pk) for pk in ids})
            replaced = True
        # In chunks: SQLite takes at most 32,766 values in a statement.
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            if replaced:
                _delete(documents.filter(object_id__in=chunk))
            rows = [
                (document_key(label, pk), label, pk, *texts)
                for pk, texts in _documents(model, spec, chunk).items()
            ]
            sort_key = [SORT_KEY] if spec.order else []
            bulk.insert_rows(DOCUMENT_TABLE, ["id", "kind", "object_id", *COLUMNS, *sort_key], rows)


def _delete(documents):
    """DELETE the `documents`, without reading them first as `QuerySet.delete()` does where any
    receiver listens to deletions: also for the data migrations (0003, 0005), which run before
    the table has the model's later columns (`sort_key`, 0010)."""
    documents._raw_delete(documents.db)


def _lock():
    """One writer of the index at a time (until the transaction ends): two processes indexing
    the same object would both delete its document, then both insert one. SQLite has only one
    writer anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEX_LOCK])


def reindex_all():
    flush()
    for model in registered_models():
        reindex(model)


def _documents(model, spec, ids):
    """{pk: (name, public, private)} for the objects `ids` of `model` that exist, and their
    sort key at the end where `spec` has an order: one query for their own fields and one for
    each many-to-many field."""
    fields = {name: model._meta.get_field(name) for name in spec.fields()}
    own = [name for name, field in fields.items() if not field.many_to_many]
    texts = {pk: {name: [] for name in fields} for pk in ids}
    found = {}
    order = [spec.order] if spec.order else []
    for row in model._base_manager.filter(pk__in=ids).values_list("pk", *order, *own):
        found[row[0]] = tuple(value or "" for value in row[1 : 1 + len(order)])
        for name, value in zip(own, row[1 + len(order) :], strict=True):
            texts[row[0]][name].append("" if value is None else str(value))
    for name, field in fields.items():
        if field.many_to_many:
            for pk, value in _related_names(field, ids):
                texts[pk][name].append(value)
    return {
        pk: (
            *(
                document_text(*(value for name in part for value in texts[pk][name]))
                for part in (spec.name, spec.public, spec.private)
            ),
            *found[pk],
        )
        for pk in ids
        if pk in found
    }


def _related_names(field, ids):
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    related = field.remote_field.model
    names = [f"{target}__{name}" for name in _names(related)][:2]
    for row in through.objects.filter(**{f"{source}_id__in": ids}).values_list(
        f"{source}_id", *names
    ):
        for value in row[1:]:
            yield row[0], value or ""
