# The names' own tsvector on PostgreSQL (bruecken/fulltext/): a search of the names alone (the
# pickers, the first tier of a search) asked the weighted document vector for name words only
# (`men:*A`), which its GIN index cannot answer alone: every document with the word anywhere was
# read from the table to check its weight. Without weights, the index answers by itself.
# Nothing to do on SQLite, whose word table has a column per part.

from django.db import migrations

INDEX_OPTIONS = "WITH (gin_pending_list_limit = 256)"  # as the trigram indexes (0005)

POSTGRESQL = [
    """
    ALTER TABLE bruecken_searchdocument ADD COLUMN name_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('bruecken_german'::regconfig, name)
        || to_tsvector('bruecken_simple'::regconfig, name)
    ) STORED
    """,
    "CREATE INDEX bruecken_searchdocument_name_vector "
    f"ON bruecken_searchdocument USING gin (name_vector) {INDEX_OPTIONS}",
]
POSTGRESQL_REVERSE = ["ALTER TABLE bruecken_searchdocument DROP COLUMN name_vector"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("bruecken", "0005_search_word_parts")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE))]
