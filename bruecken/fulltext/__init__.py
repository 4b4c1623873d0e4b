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
rebuilds everything.

The package: `schema` (the index's tables and columns), `text` (folding, words), `index` (the
registry, keeping documents up to date), `queries` (a search's SQL on each database, its tiers)
and `searching` (a search joined to a queryset, its first page and count); what the apps use is
named here.
"""

from .index import (
    NUMBERS,
    REGISTRY,
    Spec,
    discard_pending,
    document_key,
    flush,
    has_private,
    key_range,
    register,
    registered_models,
    reindex,
    reindex_all,
    reindex_naming_task,
)
from .queries import sql
from .schema import (
    COLUMNS,
    DOCUMENT_TABLE,
    FTS_TABLE,
    NAME,
    PARTS_TABLE,
    PRIVATE,
    PUBLIC,
    SORT_KEY,
)
from .searching import (
    NOT_WALKED_KEY,
    RANKED,
    Paginator,
    Searchable,
    head,
    held_in,
    index_count,
    is_ranked,
    search,
)
from .text import (
    MAX_COLUMN_TEXT,
    MAX_WORD_LENGTH,
    PART_LENGTH,
    document_text,
    fold,
    install_functions,
    query_terms,
    word_parts,
)

__all__ = [
    "COLUMNS",
    "DOCUMENT_TABLE",
    "FTS_TABLE",
    "MAX_COLUMN_TEXT",
    "MAX_WORD_LENGTH",
    "NAME",
    "NOT_WALKED_KEY",
    "NUMBERS",
    "PARTS_TABLE",
    "PART_LENGTH",
    "PRIVATE",
    "PUBLIC",
    "RANKED",
    "REGISTRY",
    "SORT_KEY",
    "Paginator",
    "Searchable",
    "Spec",
    "discard_pending",
    "document_key",
    "document_text",
    "flush",
    "fold",
    "has_private",
    "head",
    "held_in",
    "index_count",
    "install_functions",
    "is_ranked",
    "key_range",
    "query_terms",
    "register",
    "registered_models",
    "reindex",
    "reindex_all",
    "reindex_naming_task",
    "search",
    "sql",
    "word_parts",
]
