"""Full-text search: one interface over PostgreSQL's text search and SQLite's FTS5.

Every searchable model registers the fields its search document is made of (`register`, in its
app's `ready()`); the document is kept in `bruecken.models.SearchDocument` (one row per object,
its text folded by `fold`) and indexed by the database: a generated `tsvector` column with a GIN
index on PostgreSQL (German stemming and unaccent, and the unstemmed words for type-ahead; the
organisations' documents in indexes of their own, migration 0009), an
external-content FTS5 table on SQLite (both created in bruecken/migrations/0002). `search()`
joins the index to a queryset and orders by relevance (ts_rank, bm25), so it combines with
`public()` and `visible_to()` like any filter.

Folding: "Äthiopisch", "athiopisch" and "aethiopisch" find the same, "Strasse" and "Straße"
too. Text and queries lose case, accents and umlaut dots ("ä" → "a", "ß" → "ss"); a word
spelled with "ae", "oe" or "ue" is indexed once more without the "e" ("aethiopisch" also as
"athiopisch"), and a query word with one of them matches either spelling. Only added forms,
none replaced: "Feuer" is still found as "feuer" (and, harmlessly, as "feur"). Every query word
matches as a prefix ("äthiop" finds "Äthiopischer"), all words must occur.

Word parts: a query word of PART_LENGTH (3) letters or more also matches inside a word, so that
German compounds are found by their parts ("verein" finds "Kulturverein", "netzwerk"
"Frauennetzwerk"). A second index serves it, of every word's endings (`word_parts`:
"kulturverein" also as "ulturverein", …, "verein", …), where a part is a prefix: an FTS5 table
on SQLite (bruecken/migrations/0007), a tsvector with a GIN index on PostgreSQL (0008; there
the first 4,000 endings of a part of a document, for a tsvector's 1 MB: a word further on in a
huge text is found whole and as a prefix, not by an inner part). Documents where every word
begins a word rank before those found by inner parts only.

Keys: a document's id is its object's id in the number range of its kind (`document_key`), so
that on SQLite the FTS5 tables' row ids name the objects themselves: a search joins them to the
model's table without reading the documents (a lookup each, most of a big search's time). On
PostgreSQL, the documents of a model registered with an `order` keep its sort key: a search in
the model's order sorts the documents found (or walks them in that order: migration 0010) and
looks up a page's objects alone.

Changes reach the index on their own: saves, deletions and many-to-many changes of registered
models queue their objects, which are indexed on commit, and before any search on the same
connection (so a transaction reads its own writes). Writes that bypass the signals (the bulk
import, `QuerySet.update()`) call `reindex(model, ids)` afterwards; `bruecken reindex`
rebuilds everything."""

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

from django.core import paginator
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.db.models.sql.where import AND, ExtraWhere
from django_tasks import task

from . import bulk

# How the index tables are called (bruecken/migrations/0002_searchdocument.py creates them).
DOCUMENT_TABLE = "bruecken_searchdocument"
FTS_TABLE = "bruecken_searchdocument_fts"
# The id of the object found where the documents table is the index (PostgreSQL): SQL, params.
DOCUMENT_KEY = (f"{DOCUMENT_TABLE}.object_id", [])
# The column of a document's place in its model's order (`register(order=…)`), and the name a
# search in that order selects it as, to order by.
SORT_KEY = "sort_key"
SEARCH_KEY = "search_key"
# The word-part table on SQLite: the endings of words, to find words inside others
# (`word_parts`, bruecken/migrations/0007).
PARTS_TABLE = "bruecken_searchdocument_parts"
GERMAN = "bruecken_german"
SIMPLE = "bruecken_simple"

# The parts of a document, from the most to the least weighty: the name or title; what anyone
# who sees the object may read; what only those who see its private details may read.
NAME, PUBLIC, PRIVATE = "name", "public", "private"
COLUMNS = (NAME, PUBLIC, PRIVATE)
PG_WEIGHTS = {NAME: "A", PUBLIC: "B", PRIVATE: "C"}
BM25_WEIGHTS = "10.0, 3.0, 1.0"

MAX_QUERY_WORDS = 10
# Longer words are cut: still a prefix of what they would have matched. Word parts are looked
# for in that many letters of a word too (a word of 10,000 letters has 58 endings, not 10,000).
MAX_WORD_LENGTH = 60
# A column's text in the index: about 7,000 words. PostgreSQL's tsvector holds at most 1 MB, and
# 50,000 letters of distinct short words give 175 KB in each of the document vector's three columns.
MAX_COLUMN_TEXT = 50_000
CHUNK = 2000
# The PostgreSQL advisory lock that serialises writes to the index (any number of our own).
INDEX_LOCK = 4_711_016

# Letters that Unicode does not decompose into a base letter and a mark.
LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
WORD = re.compile(r"[^\W_]+")
DIGRAPH = re.compile("ae|oe|ue")


def fold(text):
    """Text as the index holds it: lower case (ß as ss), without accents and umlaut dots."""
    text = (text or "").casefold().translate(LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text):
    return list(_words(text))


def _words(text):
    if text and len(text) <= SHORT_TEXT:
        return _short_words(text)
    return tuple(WORD.findall(fold(text)))


SHORT_TEXT = 200


@functools.lru_cache(maxsize=50_000)
def _short_words(text):
    """The folded words of a short text, kept: in a reindex of many objects the same ones come
    again and again (names of languages and countries, first and last names, competences)."""
    return tuple(WORD.findall(fold(text)))


def transliterated(word):
    """The spelling of `word` with "ae", "oe", "ue" as the umlaut they may stand for, folded:
    "aethiopisch" → "athiopisch"."""
    return DIGRAPH.sub(lambda match: match.group()[0], word)


def document_text(*texts):
    """The folded words of `texts`, followed by the umlaut spelling of those written with
    "ae", "oe" or "ue"; at most MAX_COLUMN_TEXT letters, cut at a word's end."""
    found = [word for text in texts for word in _words(text)]
    extra = [other for word in found if (other := transliterated(word)) != word]
    text = " ".join(found + extra)
    if len(text) <= MAX_COLUMN_TEXT:
        return text
    # The letter after the cut tells whether it falls at a word's end.
    kept = text[: MAX_COLUMN_TEXT + 1].rpartition(" ")[0]
    return kept or text[:MAX_COLUMN_TEXT]


def query_terms(text):
    """The words of a query, each with the spellings it matches (at most ten words)."""
    terms = []
    for word in words(text)[:MAX_QUERY_WORDS]:
        word = word[:MAX_WORD_LENGTH]
        forms = [word]
        if (other := transliterated(word)) != word:
            forms.append(other)
        terms.append(forms)
    return terms


def word_parts(text):
    """The endings of PART_LENGTH letters or more of the words of folded `text` (their first
    MAX_WORD_LENGTH letters; each word whole too), for SQLite's word-part table: a part inside
    a word is the start of one of them. The SQL function `bruecken_word_parts`. The table is
    contentless: its triggers delete a document by what this gives for its text, so a change
    here needs a migration that builds the table anew."""
    parts = []
    for word in WORD.findall(text or ""):
        word = word[:MAX_WORD_LENGTH]
        parts.extend(word[start:] for start in range(len(word) - PART_LENGTH + 1))
    return " ".join(parts)


def install_functions(sender=None, connection=None, **kwargs):
    """Give a new SQLite connection the SQL function the word-part table's triggers call
    (connected to `connection_created` in bruecken/apps.py)."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(
            "bruecken_word_parts", 1, word_parts, deterministic=True
        )


# The registry


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
    from .models import SearchDocument

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


# Searching

# The order of relevance of a searched queryset.
RANKED = "-search_rank"


def search(queryset, text, columns=COLUMNS):
    """`queryset` narrowed to the objects whose documents hold every word of `text` (folded) in
    `columns`, best first: `search_rank`, higher is better (order by `RANKED`), then the
    queryset's ordering. A word of at least PART_LENGTH letters matches anywhere inside a word
    too ("verein" finds "Kulturverein"), a shorter one as a prefix; documents where every word
    begins a word rank before those that hold one only inside another.
    Text without words leaves the queryset as it is; nothing in it is query syntax."""
    terms = query_terms(text)
    if not terms:
        return queryset
    model = queryset.model
    if is_ranked(queryset):
        # Searched already: a second join of the index would make its columns ambiguous. The
        # second search narrows like a filter; the first one's rank orders.
        return queryset.filter(
            pk__in=search(model._default_manager.all(), text, columns).values("pk")
        )
    flush()
    label = model._meta.label_lower
    ordering = list(queryset.query.order_by or model._meta.ordering or ["pk"])
    built = sql(terms, columns, label)
    if _sorted_by_documents(label, ordering):
        built["select"] = {**built["select"], SEARCH_KEY: f"{DOCUMENT_TABLE}.{SORT_KEY}"}
        ordering = [SEARCH_KEY, "pk"]
    searched, joined = _joined(queryset, built)
    # The conditions and table this search added: what `count()` and `head()` recognise.
    added = Added(searched.query.where.children[-2], joined, searched.query.extra_tables[-1:])
    searched.query.fulltext_search = added
    if tiers := _best_tiers(terms, columns, label):
        # What `head()` may read instead.
        searched.query.fulltext_tiers = (
            *getattr(searched.query, "fulltext_tiers", ()),
            (added, tiers),
        )
    return searched.order_by(RANKED, *ordering)


def held_in(searched, text, columns):
    """A condition for `searched`, a search by `text`: the object's document holds every word
    of `text` in `columns` too. On PostgreSQL a test of the document the search joined: a
    second search, its ids as a subquery, made the planner read every row of the model's table
    (a coordinator's people found by "mensah": 370 ms, now 65). SQLite answers one MATCH of a
    full-text table per query: there, the ids of a second search, from its index tables alone
    (the objects' rows are not read: 17 → 13 ms)."""
    built = sql(query_terms(text), columns, searched.model._meta.label_lower)
    held = " AND ".join(f"({condition})" for condition in built["where"])
    if connection.vendor == "postgresql" and hasattr(searched.query, "fulltext_search"):
        return Q(RawSQL(held, built["params"], output_field=BooleanField()))  # noqa: S611
    key, key_params = built["key"]
    tables = ", ".join(built["tables"])
    found = f"SELECT {key} FROM {tables} WHERE {held}"  # noqa: S608 - our names, words as params
    return Q(pk__in=RawSQL(found, [*key_params, *built["params"]]))  # noqa: S611


def _sorted_by_documents(label, ordering):
    """Whether a search of `label` in `ordering` may order by the documents' sort keys instead:
    on PostgreSQL, where the model is ordered by its registered `order` field (then by id).
    There the documents found are sorted (or walked in that order) before any object is read,
    and only those of the page are looked up, where sorting by the model's column looked up
    every object found first (3,775 for "jugendaustausch"), or walked the model's order and
    looked up each object's document (3,752 for "tesfaye").
    SQLite joins its index tables to the model without reading any document, and keeps the
    model's order."""
    order = REGISTRY[label].order
    return (
        connection.vendor == "postgresql"
        and bool(order)
        and ordering[0] == order
        and all(field in ("pk", "id") for field in ordering[1:])
    )


def _joined(queryset, built):
    """`queryset` with the search `built` (as `sql()` returns it) added, and the condition that
    joins the index to the model's table."""
    built = dict(built)
    key, key_params = built.pop("key")
    # extra(): the index has no relation Django knows of; the SQL holds only our table and
    # column names, the words go in as parameters.
    searched = queryset.extra(**built)
    # The object's side of the join as a filter, not as SQL text: Django renames the model's
    # table where the queryset becomes a subquery (`filter(organisation__in=searched)`).
    searched = searched.filter(pk=RawSQL(key, key_params))  # noqa: S611 - our names only
    return searched, searched.query.where.children[-1]


@dataclass(frozen=True)
class Added:
    """What a search added to its queryset's query: its ExtraWhere, the join to the index, the
    index table (`QuerySet.extra(tables=…)`)."""

    where: ExtraWhere
    joined: object
    tables: tuple


@dataclass(frozen=True)
class Tier:
    """The documents of a search that rank above all others, as a search of their own (`sql()`
    form: an index table, the conditions, the key); `rank` is their search_rank, cheaper to
    work out within the tier; `ranked_alike`: whether all its documents have that rank (the
    tier is then in the queryset's order alone). `rest`: where all the search's other
    documents rank alike too, a Tier of those; `whole`: the tier is the whole search;
    `in_names`: the tier asks the names' vector alone, which the order's index holds."""

    search: dict
    rank: tuple
    ranked_alike: bool = False
    rest: "Tier | None" = None
    whole: bool = False
    in_names: bool = False


def head(queryset, count):
    """`list(queryset[:count])`, faster for a search with word parts, and for any search in the
    names alone: most type-ahead and first-page questions are answered by the best documents
    alone, those where every word begins a word in the name, then anywhere (the word index,
    cheap), which rank before all others; in the names alone (the pickers) then those found
    inside words, all of one rank too; only when they are fewer than `count` does the whole
    search run, whose rank sorts every document found by word parts. The same rows either
    way."""
    tiers = getattr(queryset.query, "fulltext_tiers", ())
    # Only where the rank of that one search orders the rows (not re-sorted, not searched twice).
    if len(tiers) == 1 and tuple(queryset.query.order_by[:1]) == (RANKED,):
        added, best = tiers[0]
        for tier in best:
            rows = _tier_rows(queryset, added, tier, count)
            if rows is None:
                break
            if len(rows) >= count or tier.whole:
                return rows
            if tier.rest:
                # All of the tier, fewer than `count`, rank above all of the rest.
                return rows + _tier_rows(queryset, added, tier.rest, count - len(rows))
    return list(queryset[:count])


def _tier_rows(queryset, added, tier, count):
    """The first `count` rows of `queryset` among the documents of `tier` (None where the tier
    cannot narrow it, `_tier`)."""
    narrowed = _tier(queryset, added, tier)
    if narrowed is None:
        return None
    if tier.ranked_alike and _in_documents_order(narrowed):
        return _first_in_order(narrowed, count, tier)
    return list(narrowed[:count])


# How many of a kind's documents in their order a first page walks through on PostgreSQL,
# before it sorts all that its tier finds instead (`_first_in_order`). Reading each document:
# ORDER_WALK, where the tier holds at least FEW_TO_SORT documents. For a tier in the names
# alone, from the order's index, which holds their vector (0010): NAMES_WALK, which costs less
# there than ORDER_WALK documents (7 against 10 ms).
ORDER_WALK = 5_000
NAMES_WALK = 10_000
FEW_TO_SORT = 1_000
# The same order as an expression that no index holds, and that reads the document: the order's
# index holds the names' vector (0010), and the planner would walk all of it instead of sorting
# the tier's matches.
NOT_WALKED_KEY = f"{DOCUMENT_TABLE}.{SORT_KEY} || left({DOCUMENT_TABLE}.{NAME}, 0)"


def _first_in_order(queryset, count, tier):
    """`list(queryset[:count])` for a tier in the documents' order (`_sorted_by_documents`, all of
    one rank), on PostgreSQL: the first of the order walked through its index, testing each
    document, as far as that is cheap; else all that the tier finds, sorted. PostgreSQL takes
    matches to be spread evenly over the order, and walked to the middle of 229,110 people for
    "mar" (the Marias and Markuses: 200 ms, where sorting the tier's 8,599 takes 30 ms). A walk
    of the names tests each from the index (NAMES_WALK); one of other text reads each document
    (ORDER_WALK), and only where the GIN index finds many: fewer are sorted at once, cheaper
    than a walk that finds too few of them. The rows are those of the whole order either way:
    the first walked are before all the others."""
    if tier.in_names:
        walked = _walked(queryset, count, NAMES_WALK)
    elif _documents_at_most(tier.search, FEW_TO_SORT) == FEW_TO_SORT:
        walked = _walked(queryset, count, ORDER_WALK)
    else:
        walked = []
    if len(walked) >= count:
        return walked
    return list(queryset.extra(select={SEARCH_KEY: NOT_WALKED_KEY})[:count])  # noqa: S610


def _walked(queryset, count, walk):
    """The first `count` rows of `queryset` among the first `walk` documents of its kind in their
    order (all of them in a smaller kind)."""
    # The last of those documents.
    bound = (
        f"({DOCUMENT_TABLE}.{SORT_KEY}, {DOCUMENT_TABLE}.object_id) <= "  # noqa: S608 - names
        f"(SELECT walked.{SORT_KEY}, walked.object_id FROM (SELECT {SORT_KEY}, object_id "
        f"FROM {DOCUMENT_TABLE} WHERE kind = %s ORDER BY {SORT_KEY}, object_id LIMIT %s) "
        f"AS walked ORDER BY walked.{SORT_KEY} DESC, walked.object_id DESC LIMIT 1)"
    )
    label = queryset.model._meta.label_lower
    return list(queryset.extra(where=[bound], params=[label, walk])[:count])  # noqa: S610


def _documents_at_most(search, most):
    """How many documents the search `search` (`sql()` form) finds, up to `most`: from its GIN
    indexes, a bitmap, and at most `most` documents read."""
    tables = ", ".join(search["tables"])
    where = " AND ".join(search["where"])
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {tables} WHERE {where} LIMIT %s) AS found"  # noqa: S608
    return _count_through_indexes(sql, [*search["params"], most])


def _in_documents_order(queryset):
    """Whether `queryset` is a search that `_sorted_by_documents` ordered by the sort keys."""
    # `query.extra`, not `extra_select`: that leaves out what values() does not ask for.
    return SEARCH_KEY in queryset.query.extra


def _tier(queryset, added, tier):
    """`queryset` with the search `added` replaced by the search of `tier`; None where it cannot
    be: only as conditions that all must hold (inside an OR or a NOT, the tier would not narrow
    the rows to its own)."""
    narrowed = queryset.all()
    query = narrowed.query
    others = _other_conditions(query, added)
    if others is None:
        return None
    query.where.children = others
    query.extra_tables = tuple(table for table in query.extra_tables if table not in added.tables)
    query.extra = {**query.extra, "search_rank": tier.rank}
    narrowed, _joined_again = _joined(narrowed, {**tier.search, "select": {}})
    return narrowed


def index_count(queryset):
    """`queryset.count()`, from the index alone where `queryset` is a search among all of a
    model's rows (no other condition, join or limit: the program office's lists, the API):
    every object has one document (kept on commit, and before any search), so the documents
    found are the objects found, and the model's rows need not be read, a lookup for each."""
    query = queryset.query
    added = getattr(query, "fulltext_search", None)
    alone = (
        added is not None
        and queryset._result_cache is None
        and _other_conditions(query, added) == []
        and tuple(query.extra_tables) == added.tables
        and len(query.alias_map) <= 1
        and not (query.distinct or query.combinator or query.is_sliced or query.group_by)
    )
    if not alone:
        return None
    flush()
    where, params = added.where.as_sql(None, connection)
    sql = f"SELECT COUNT(*) FROM {added.tables[0]} WHERE {where}"  # noqa: S608 - our names
    if connection.vendor == "postgresql":
        return _count_through_indexes(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# What a count through the GIN indexes turns off: any scan but their bitmaps.
NOT_BITMAPS = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")


def _count_through_indexes(sql, params):
    """The count `sql` on PostgreSQL, from the GIN indexes' bitmaps. PostgreSQL overestimates
    what a prefix finds (a German stem and the word as written are both in the vector: a
    document counts twice) and then reads the whole table instead: 101 ms instead of 8 for
    "dolmetschen" among 229,110 people; counting up to a LIMIT, it would walk an index of
    another order to its end for a word few documents hold. Through the bitmaps it is never
    much slower."""
    # A local setting lasts to the end of the outermost transaction: within another one, it is
    # set back by hand.
    within_another = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + ", ".join("current_setting(%s), set_config(%s, 'off', true)" for _ in NOT_BITMAPS),
            [value for name in NOT_BITMAPS for value in (name, name)],
        )
        before = cursor.fetchone()[::2]
        cursor.execute(sql, params)
        count = cursor.fetchone()[0]
        if within_another:
            cursor.execute(
                "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in NOT_BITMAPS),
                [value for pair in zip(NOT_BITMAPS, before, strict=True) for value in pair],
            )
        return count


def _other_conditions(query, added):
    """The conditions of `query` besides those the search `added` put there; None unless all
    must hold and the search's are among them (inside an OR or a NOT, they would not narrow the
    rows to the search's own)."""
    where = query.where
    ours = [child for child in where.children if child is added.where or child is added.joined]
    if where.connector != AND or where.negated or len(ours) != 2:
        return None
    return [child for child in where.children if all(child is not our for our in ours)]


class Paginator(paginator.Paginator):
    """Django's, reading the first page of a search through `head()`."""

    def page(self, number):
        number = self.validate_number(number)
        if number != 1 or not hasattr(self.object_list, "query"):
            return super().page(number)
        top = self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(head(self.object_list, top), number, self)


def _best_tiers(terms, columns, label):
    """The tiers of a search with word parts, best first (`Tier`): every word a prefix in the
    name (every bonus of `_rank_parts`), then in any of `columns` (the first); from the word
    index alone. Without word parts, none (the search is the best tier already), but in the
    names alone: the search itself, all of one rank."""
    names_only = tuple(columns) == (NAME,)
    if _short_words_in_names(terms, columns):
        # Every document found ranks alike: one tier, which the documents' order answers.
        search = _prefix_search(terms, columns, label)
        return (Tier(search, ALIKE, ranked_alike=True, whole=True, in_names=True),)
    if not any(_is_part(forms) for forms in terms):
        # Elsewhere a search without word parts is its best tier already.
        return ()
    outer = DOCUMENT_TABLE if connection.vendor == "postgresql" else FTS_TABLE
    parts = _rank_parts(terms, columns, label, outer)
    # The name's own tier only where the rank tells the name apart (NAME among other columns).
    levels = [(len(parts), (NAME,))] if len(parts) > 1 else []
    levels.append((1, columns))
    rest = None
    if names_only and connection.vendor == "postgresql":
        # The names found by word parts alone all rank 0: in the documents' order, as the
        # tier above them. Only PostgreSQL orders by the documents (`_sorted_by_documents`).
        rest = Tier(_found_by_parts_alone(terms, columns, label), _constant_rank(0), True)
    return tuple(
        Tier(
            _prefix_search(terms, tier_columns, label),
            _bonus_rank(parts, known),
            ranked_alike=known == len(parts),
            rest=rest if known == len(parts) else None,
            in_names=tuple(tier_columns) == (NAME,),
        )
        for known, tier_columns in levels
    )


def _found_by_parts_alone(terms, columns, label):
    """The documents of a PostgreSQL search (`sql()` form, without its rank) where some word is
    found only inside another word of `columns`, not as a prefix of every word."""
    found = _postgresql(terms, columns, label)
    prefixes, params = _tsmatch(terms, columns)
    return {
        "tables": found["tables"],
        "where": [*found["where"], f"NOT ({prefixes})"],
        "params": [*found["params"], *params],
        "key": found["key"],
    }


def _prefix_search(terms, columns, label):
    """Every word as a prefix of a word in `columns`, from the word index alone: the search in
    the form of `sql()`, without its rank."""
    if connection.vendor == "postgresql":
        match, params = _tsmatch(terms, columns)
        return {
            "tables": [DOCUMENT_TABLE],
            "where": [match, f"{DOCUMENT_TABLE}.kind = %s"],
            "params": [*params, label],
            "key": DOCUMENT_KEY,
        }
    where, params = _table_match(FTS_TABLE, _fts5_query(terms, columns), label)
    return {
        "tables": [FTS_TABLE],
        "where": where,
        "params": params,
        "key": _rowid_key(FTS_TABLE, label),
    }


def sql(terms, columns, label):
    """The search as SQL for the documents of `label`: `select` (search_rank), `tables`,
    `where` and their parameters, in the form of `QuerySet.extra()`, and `key`: the SQL of the
    id of the object found and its parameters, to join the model's table by (the benchmarks'
    plain SQL baseline uses the same)."""
    if _short_words_in_names(terms, columns):
        # Every name found begins a word with each word (`ALIKE`): the same on both databases.
        return {**_prefix_search(terms, columns, label), **_select_rank(ALIKE)}
    build = _postgresql if connection.vendor == "postgresql" else _sqlite
    return build(terms, columns, label)


# Words this long match inside other words too (shorter ones: as prefixes only: a word has too
# many endings of one or two letters to tell much apart).
PART_LENGTH = 3
# What a document where every word begins a word gets on top of its rank: more than any rank.
PREFIX_BONUS = 1000


def _is_part(forms):
    return all(len(form) >= PART_LENGTH for form in forms)


def _short_words_in_names(terms, columns):
    """A search in the names alone (the pickers) by words shorter than PART_LENGTH only: every
    name found holds each as a prefix, all rank alike (`ALIKE`), in the model's order."""
    return tuple(columns) == (NAME,) and not any(_is_part(forms) for forms in terms)


def _postgresql(terms, columns, label):
    """Only short words (beyond the names alone, `sql()`): as prefixes of the tsvector's words
    (German stem or as written), ranked by ts_rank. With long words: each also as the prefix of
    an ending of a word in the word-part vector (anywhere in a word); ranked in tiers
    (`_rank_parts`), as on SQLite."""
    if not any(_is_part(forms) for forms in terms):
        vector, query, query_params = _tsquery(terms, columns)
        return {
            **_prefix_search(terms, columns, label),
            "select": {"search_rank": f"ts_rank({vector}, {query})"},
            "select_params": query_params,
        }
    where, params = [f"{DOCUMENT_TABLE}.kind = %s"], [label]
    for forms in terms:
        # Also the German stem as a prefix: "Äthiopien" finds "Äthiopischer" (a tier of
        # `head()` may find it so, and must be among the rows of the whole search).
        condition, condition_params = _tsmatch([forms], columns)
        if _is_part(forms):
            condition = f"({condition} OR {DOCUMENT_TABLE}.parts @@ %s::tsquery)"
            condition_params = [*condition_params, _parts_tsquery([forms], columns)]
        where.append(condition)
        params.extend(condition_params)
    rank, rank_params = _bonus_rank(_rank_parts(terms, columns, label, DOCUMENT_TABLE))
    return {
        "tables": [DOCUMENT_TABLE],
        "key": DOCUMENT_KEY,
        "select": {"search_rank": rank},
        "select_params": rank_params,
        "where": where,
        "params": params,
    }


# The letter each column's endings carry in PostgreSQL's word-part vector (migration 0008).
PART_TAGS = {NAME: "a", PUBLIC: "b", PRIVATE: "c"}


def _parts_tsquery(terms, columns):
    """Every term (any of its forms) as the prefix of an ending of a word in `columns`: the text
    of a tsquery, whose lexemes are taken as written (they carry their column's tag)."""

    def lexeme(tag, form):
        return "'{}':*".format((tag + form).replace("\\", "\\\\").replace("'", "''"))

    return " & ".join(
        "({})".format(" | ".join(lexeme(PART_TAGS[c], form) for form in forms for c in columns))
        for forms in terms
    )


def _sqlite(terms, columns, label):
    """Only short words (beyond the names alone, `sql()`): as prefixes in the word table, ranked
    by its bm25. With long words: as prefixes of the endings of words in the word-part table
    (anywhere in a word, its start included), the short ones as prefixes in the word table
    (`IN`, asked once); ranked in tiers (`_rank_parts`). The table the query reads first is
    joined to the model by its row ids, the documents' keys (`document_key`): no document is
    read."""
    if not any(_is_part(forms) for forms in terms):
        return {
            **_prefix_search(terms, columns, label),
            # bm25 is lower for better matches; negated, the rank means the same on both.
            "select": {"search_rank": f"-bm25({FTS_TABLE}, {BM25_WEIGHTS})"},
        }
    where, params = _parts_match(terms, columns, label)
    rank, select_params = _bonus_rank(_rank_parts(terms, columns, label, PARTS_TABLE))
    return {
        "select": {"search_rank": rank},
        "select_params": select_params,
        "tables": [PARTS_TABLE],
        "where": where,
        "params": params,
        "key": _rowid_key(PARTS_TABLE, label),
    }


def _rowid_key(table, label):
    """The id of the object found, from the row id of the FTS5 table `table` (its document's
    key, `document_key`): SQL and params."""
    return f"{table}.rowid - %s", [key_range(label)[0]]


def _table_match(table, query, label):
    """`table` (in FROM) matching `query` among the documents of `label`: conditions, params."""
    low, high = key_range(label)
    return [f"{table} MATCH %s", f"{table}.rowid BETWEEN %s AND %s"], [query, low, high]


def _parts_match(terms, columns, label):
    """The word-part table (in FROM) holding every long word in `columns`, and the word table
    every short one as a prefix: conditions and params."""
    parts = [forms for forms in terms if _is_part(forms)]
    prefixes = [forms for forms in terms if not _is_part(forms)]
    where, params = _table_match(PARTS_TABLE, _fts5_query(parts, columns), label)
    if prefixes:
        matching, matching_params = _matching(
            FTS_TABLE, _fts5_query(prefixes, columns), label, PARTS_TABLE
        )
        where.append(matching)
        params.extend(matching_params)
    return where, params


def _matching(table, query, label, outer):
    """The row of the index table `outer` (in FROM) among the documents of `label` in `table`
    matching `query`: the condition and its params. Not correlated: the subquery runs once. The
    unary + keeps SQLite from handing the ids to `outer`, which would then run its own MATCH
    once for each of them."""
    sql = (
        f"+{outer}.rowid IN (SELECT rowid FROM {table} "  # noqa: S608 - our table names
        f"WHERE {table} MATCH %s AND rowid BETWEEN %s AND %s)"
    )
    return sql, [query, *key_range(label)]


def _rank_parts(terms, columns, label, outer):
    """The rank of a search with word parts, as (condition, params, bonus) from the weightiest:
    every word a whole word or prefix (anywhere in `columns`), before words found only inside
    others; within each the name before the rest. Each part implies those before it on the rows
    of the next tier of `_best_tiers` (a prefix in the name counts as inside it: a tier of
    `head()` ranks all its rows alike only so). `outer`: the index table the query reads
    first."""
    postgresql = connection.vendor == "postgresql"
    if postgresql and tuple(columns) == (NAME,):
        # The names' vector is small: read on each row found.
        anywhere = _tsmatch(terms, columns)
    elif postgresql:
        match, params = _tsmatch(terms, columns, table="found")
        # Asked once (a hashed subplan): the whole document's vector of each row found would
        # be read otherwise.
        anywhere = (
            f"{DOCUMENT_TABLE}.id IN (SELECT found.id FROM {DOCUMENT_TABLE} AS found "  # noqa: S608
            f"WHERE {match} AND found.kind = %s)",
            [*params, label],
        )
    else:
        anywhere = _matching(FTS_TABLE, _fts5_query(terms, columns), label, outer)
    parts = [(*anywhere, PREFIX_BONUS)]
    if tuple(columns) != (NAME,) and NAME in columns:
        inside = [forms for forms in terms if _is_part(forms)]
        if postgresql:
            # The name and its vector are small: read on each row found.
            in_name = _tsmatch(terms, (NAME,))
            inside_name = (
                " AND ".join(
                    "({})".format(" OR ".join(f"{DOCUMENT_TABLE}.{NAME} LIKE %s" for _ in forms))
                    for forms in inside
                ),
                [f"%{form}%" for forms in inside for form in forms],
            )
        else:
            in_name = _matching(FTS_TABLE, _fts5_query(terms, (NAME,)), label, outer)
            inside_name = _matching(PARTS_TABLE, _fts5_query(inside, (NAME,)), label, outer)
        parts.append((*in_name, PREFIX_BONUS // 10))
        # Anywhere in the name: a prefix of a word in it too, which on PostgreSQL may be the
        # German stem's ("Äthiopien" finds "Äthiopischer"), no part of the text.
        in_name_sql, in_name_params = in_name
        inside_sql, inside_params = inside_name
        anywhere_in_name = f"({in_name_sql} OR {inside_sql})", [*in_name_params, *inside_params]
        parts.append((*anywhere_in_name, PREFIX_BONUS // 100))
    return parts


def _bonus_rank(parts, known=0):
    """The rank as SQL and params: the sum of the bonuses of the parts that hold. The first
    `known` parts hold for every row asked (a tier of `head()`): their sum, not looked up."""
    if known == len(parts):
        return _constant_rank(sum(bonus for _condition, _params, bonus in parts))
    rank = [str(sum(bonus for _condition, _params, bonus in parts[:known]))] if known else []
    params = []
    for condition, condition_params, bonus in parts[known:]:
        rank.append(f"CASE WHEN {condition} THEN {bonus} ELSE 0 END")
        params.extend(condition_params)
    return " + ".join(rank), params


def _constant_rank(value):
    """The same rank for every row: SQL, params. An integer alone in ORDER BY would name a
    column of the result."""
    return f"{int(value)} + 0", []


def _select_rank(rank):
    sql, params = rank
    return {"select": {"search_rank": sql}, "select_params": params}


# The rank of a search in the names by words shorter than PART_LENGTH: every name found holds
# each word as a prefix, and they are listed in the model's order (as `_best_tiers`' best tier
# of longer words: "ma" and "mar" find names in the same order).
ALIKE = _constant_rank(PREFIX_BONUS)


class Searchable:
    """For a registered model's QuerySet: `Model.objects.visible_to(user).search(text)`."""

    def search(self, text, columns=COLUMNS):
        """Those whose search document holds every word of `text` (folded, each as a prefix,
        from three letters on anywhere in a word) in `columns`, best first. It narrows like a
        filter: `public()` or `visible_to()` still decide what is seen."""
        return search(self, text, columns)

    def count(self):
        counted = index_count(self)
        return super().count() if counted is None else counted

    def __or__(self, other):
        """The rows of a search and others, by their ids, in the model's order: in one query,
        SQLite's full-text condition cannot be a branch of an OR."""
        if not (is_ranked(self) or is_ranked(other)):
            return super().__or__(other)
        return self.model._default_manager.filter(
            Q(pk__in=self.values("pk")) | Q(pk__in=other.values("pk"))
        )


def is_ranked(queryset):
    """Whether `queryset` is a search's, with a `search_rank` to order by."""
    return "search_rank" in queryset.query.extra_select


def _fts5_query(terms, columns):
    """Every term (any of its forms) in `columns` as a prefix of a word (the word table) or of
    the ending of a word (the word-part table)."""

    def phrase(form):
        return '"{}"*'.format(form.replace('"', '""'))

    groups = ["({})".format(" OR ".join(phrase(form) for form in forms)) for forms in terms]
    query = " AND ".join(groups)
    if tuple(columns) != COLUMNS:
        query = "{{{}}} : ({})".format(" ".join(columns), query)
    return query


def _tsmatch(terms, columns, table=DOCUMENT_TABLE):
    """Every term as a prefix of a word in `columns` of `table`: the condition and params."""
    vector, query, params = _tsquery(terms, columns, table)
    return f"{vector} @@ {query}", params


def _tsquery(terms, columns, table=DOCUMENT_TABLE):
    """The tsvector to ask and the query of every term (any of its forms, German stem or as
    written) as a prefix of its words in `columns`, with its params. The names alone have a
    vector of their own (migration 0006): without weights, its GIN index answers the query
    without reading every row that holds the word in another column."""
    if tuple(columns) == (NAME,):
        vector, weights = f"{table}.name_vector", ""
    elif tuple(columns) == COLUMNS:
        # Every weight is no weight: the GIN index then answers without rechecking each row.
        vector, weights = f"{table}.vector", ""
    else:
        vector, weights = f"{table}.vector", "".join(PG_WEIGHTS[column] for column in columns)
    groups, params = [], []
    for forms in terms:
        parts = []
        for form in forms:
            for config in (GERMAN, SIMPLE):
                parts.append(f"to_tsquery('{config}', %s)")
                params.append(f"{form}:*{weights}")
        groups.append("({})".format(" || ".join(parts)))
    return vector, "({})".format(" && ".join(groups)), params
