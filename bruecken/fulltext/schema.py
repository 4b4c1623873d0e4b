"""The tables and columns of the search index (bruecken/migrations/0002 creates them)."""

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
