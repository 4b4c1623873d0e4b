# The organisations' documents get GIN indexes of their own on PostgreSQL (bruecken/fulltext/);
# those of all other kinds keep theirs, without the organisations'.
#
# Every search asks for one kind's documents (`kind = 'actors.organisation'`). Through indexes of
# all kinds PostgreSQL read the words' postings of every kind, then the 50,000 entries of the kind
# in the unique index to intersect them: 6–10 ms of each of a search's queries at 50,000
# organisations. Partial indexes of the organisations' documents hold their postings alone
# (measured on the same database: the staff list's search 58 → 41 ms, median of six words).
# Only the organisations': the largest documents (their descriptions) and the most searched
# (directory, pickers, lists, API). With an index of their own for people too, PostgreSQL
# misjudged how many of 230,000 documents a prefix finds and read the whole table instead
# (60 → 250 ms); their searches read the indexes of the other kinds as before. Each document is
# in one set of indexes: with the organisations' in both sets, reindexing them took 55 % longer.
#
# Nothing to do on SQLite, whose index tables take the kind's key range (`fulltext.key_range`).

import importlib

from django.db import migrations

ORGANISATION = "actors.organisation"
INDEX_OPTIONS = "WITH (gin_pending_list_limit = 256)"  # as the other GIN indexes (0006, 0008)
# The indexes of all kinds by their vector (0002, 0006, 0008) and their options.
SHARED = {
    "vector": ("bruecken_searchdocument_vector", ""),
    "name_vector": ("bruecken_searchdocument_name_vector", INDEX_OPTIONS),
    "parts": ("bruecken_searchdocument_parts", INDEX_OPTIONS),
}


def organisations_index(vector):
    return f"{SHARED[vector][0]}_actors_organisation"


def _create(name, vector, options, condition=""):
    parts = [f"CREATE INDEX {name} ON bruecken_searchdocument USING gin ({vector})", options]
    return " ".join(part for part in (*parts, condition) if part)


POSTGRESQL = [
    statement
    for vector, (name, options) in SHARED.items()
    for statement in (
        f"DROP INDEX IF EXISTS {name}",
        _create(name, vector, options, f"WHERE kind <> '{ORGANISATION}'"),
        _create(
            organisations_index(vector), vector, INDEX_OPTIONS, f"WHERE kind = '{ORGANISATION}'"
        ),
    )
]
POSTGRESQL_REVERSE = [
    statement
    for vector, (name, options) in SHARED.items()
    for statement in (
        f"DROP INDEX IF EXISTS {organisations_index(vector)}",
        f"DROP INDEX IF EXISTS {name}",
        _create(name, vector, options),
    )
]


# Runs the statements on PostgreSQL only, as 0008 does.
_run = importlib.import_module("bruecken.migrations.0008_search_word_endings_postgresql")._run


class Migration(migrations.Migration):
    dependencies = [("bruecken", "0008_search_word_endings_postgresql")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE))]
