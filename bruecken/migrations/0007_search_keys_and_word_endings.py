# Two changes to the full-text index (bruecken/fulltext/), for searches at real size on SQLite:
#
# Keys: every document's id becomes its object's id in the number range of its kind
# (`fulltext.document_key`), on both databases. SQLite's FTS5 tables take the document's id as
# their row id, so a search joins them to the model's table by it, without reading the
# documents (a lookup each: most of a search's time with thousands of matches).
#
# Word parts on SQLite: the trigram table (0005) gives way to a table of the endings of every
# word ("kulturverein", "ulturverein", …, "verein", …, "ein"), where a word part is a prefix:
# FTS5 answers it from one range of its dictionary, where trigrams took the intersection of
# many long lists (4–14 ms a query at 50,000 organisations, now under 1 ms). The endings come
# from the SQL function `bruecken_word_parts` (`fulltext.word_parts`, installed on every
# connection); the table is contentless, the triggers hand it the endings themselves.
# (Django remakes a table on SQLite to alter it: a later change of SearchDocument's fields must
# create these triggers again, and those of 0002.)

import importlib

from django.db import migrations

# The kinds' numbers as registered when this migration was written (`fulltext.register`).
NUMBERS = {
    "actors.organisation": 1,
    "actors.person": 2,
    "events.event": 3,
    "programs.goal": 4,
    "programs.result": 5,
    "guide.recommendation": 6,
}
KEY_BITS = 40
TABLE = "bruecken_searchdocument_parts"
TRIGGERS = ("insert", "delete", "update")
DROP_TRIGGERS = [f"DROP TRIGGER IF EXISTS {TABLE}_{event}" for event in TRIGGERS]

INSERT = """
    INSERT INTO bruecken_searchdocument_parts (rowid, name, public, private)
    VALUES (new.id, bruecken_word_parts(new.name), bruecken_word_parts(new.public),
            bruecken_word_parts(new.private));
"""
DELETE = """
    INSERT INTO bruecken_searchdocument_parts
        (bruecken_searchdocument_parts, rowid, name, public, private)
    VALUES ('delete', old.id, bruecken_word_parts(old.name), bruecken_word_parts(old.public),
            bruecken_word_parts(old.private));
"""
ENDINGS = [
    # Folded already: the tokenizer only splits; `prefix='3'` keeps three-letter parts quick.
    """
    CREATE VIRTUAL TABLE bruecken_searchdocument_parts USING fts5(
        name, public, private, content='',
        tokenize='unicode61 remove_diacritics 2', prefix='3'
    )
    """,
    # An import writes some sixty endings a person: merging segments eight to a level rather
    # than four halves the merging (200,000 people imported: 81 s -> 57 s), searches as quick.
    "INSERT INTO bruecken_searchdocument_parts (bruecken_searchdocument_parts, rank) "
    "VALUES ('automerge', 8)",
    "CREATE TRIGGER bruecken_searchdocument_parts_insert AFTER INSERT ON bruecken_searchdocument "
    f"BEGIN {INSERT} END",
    "CREATE TRIGGER bruecken_searchdocument_parts_delete AFTER DELETE ON bruecken_searchdocument "
    f"BEGIN {DELETE} END",
    "CREATE TRIGGER bruecken_searchdocument_parts_update AFTER UPDATE ON bruecken_searchdocument "
    f"BEGIN {DELETE} {INSERT} END",
    """
    INSERT INTO bruecken_searchdocument_parts (rowid, name, public, private)
    SELECT id, bruecken_word_parts(name), bruecken_word_parts(public),
           bruecken_word_parts(private)
    FROM bruecken_searchdocument
    """,
]


def rekey(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        from bruecken import fulltext

        connection.ensure_connection()
        fulltext.install_functions(connection=connection)
        # The trigram table's triggers would follow every row moved: it goes first.
        for statement in [*DROP_TRIGGERS, f"DROP TABLE IF EXISTS {TABLE}"]:
            schema_editor.execute(statement)
    with connection.cursor() as cursor:
        for label, number in NUMBERS.items():
            low = number << KEY_BITS
            cursor.execute(
                "UPDATE bruecken_searchdocument SET id = %s + object_id "
                "WHERE kind = %s AND id < %s",
                [low, label, low],
            )
    if connection.vendor == "sqlite":
        for statement in ENDINGS:
            schema_editor.execute(statement)


def back_to_trigrams(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    trigrams = importlib.import_module("bruecken.migrations.0005_search_word_parts")
    for statement in [*DROP_TRIGGERS, f"DROP TABLE IF EXISTS {TABLE}", *trigrams.SQLITE]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("bruecken", "0006_search_name_vector")]

    operations = [migrations.RunPython(rekey, back_to_trigrams)]
