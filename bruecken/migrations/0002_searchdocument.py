# The full-text index (bruecken/fulltext/): the documents, and what indexes them on each
# database: on PostgreSQL German and simple text search configurations with unaccent and a
# generated tsvector column with a GIN index; on SQLite an FTS5 table kept by triggers.
# (Django remakes a table on SQLite to alter it: a later change of SearchDocument's fields
# must create the triggers again.)

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

POSTGRESQL = [
    """
    CREATE TEXT SEARCH CONFIGURATION bruecken_german (COPY = german);
    ALTER TEXT SEARCH CONFIGURATION bruecken_german
        ALTER MAPPING FOR hword, hword_part, word WITH unaccent, german_stem;
    CREATE TEXT SEARCH CONFIGURATION bruecken_simple (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION bruecken_simple
        ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    """,
    """
    ALTER TABLE bruecken_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('bruecken_german'::regconfig, name), 'A')
        || setweight(to_tsvector('bruecken_simple'::regconfig, name), 'A')
        || setweight(to_tsvector('bruecken_german'::regconfig, public), 'B')
        || setweight(to_tsvector('bruecken_simple'::regconfig, public), 'B')
        || setweight(to_tsvector('bruecken_german'::regconfig, private), 'C')
        || setweight(to_tsvector('bruecken_simple'::regconfig, private), 'C')
    ) STORED
    """,
    "CREATE INDEX bruecken_searchdocument_vector ON bruecken_searchdocument USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "ALTER TABLE bruecken_searchdocument DROP COLUMN vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS bruecken_german",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS bruecken_simple",
]

SQLITE = [
    # The documents are folded already; the tokenizer only splits them into words.
    """
    CREATE VIRTUAL TABLE bruecken_searchdocument_fts USING fts5(
        name, public, private,
        content='bruecken_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
    )
    """,
    """
    CREATE TRIGGER bruecken_searchdocument_insert AFTER INSERT ON bruecken_searchdocument BEGIN
        INSERT INTO bruecken_searchdocument_fts (rowid, name, public, private)
        VALUES (new.id, new.name, new.public, new.private);
    END
    """,
    """
    CREATE TRIGGER bruecken_searchdocument_delete AFTER DELETE ON bruecken_searchdocument BEGIN
        INSERT INTO bruecken_searchdocument_fts (bruecken_searchdocument_fts, rowid, name, public, private)
        VALUES ('delete', old.id, old.name, old.public, old.private);
    END
    """,
    """
    CREATE TRIGGER bruecken_searchdocument_update AFTER UPDATE ON bruecken_searchdocument BEGIN
        INSERT INTO bruecken_searchdocument_fts (bruecken_searchdocument_fts, rowid, name, public, private)
        VALUES ('delete', old.id, old.name, old.public, old.private);
        INSERT INTO bruecken_searchdocument_fts (rowid, name, public, private)
        VALUES (new.id, new.name, new.public, new.private);
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS bruecken_searchdocument_update",
    "DROP TRIGGER IF EXISTS bruecken_searchdocument_delete",
    "DROP TRIGGER IF EXISTS bruecken_searchdocument_insert",
    "DROP TABLE IF EXISTS bruecken_searchdocument_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        chosen = statements.get(schema_editor.connection.vendor, [])
        for statement in chosen:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("bruecken", "0001_contentversion"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=100)),
                ("object_id", models.BigIntegerField()),
                ("name", models.TextField(default="")),
                ("public", models.TextField(default="")),
                ("private", models.TextField(default="")),
            ],
            options={
                "verbose_name": "search document",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="unique_search_document"
                    )
                ],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
