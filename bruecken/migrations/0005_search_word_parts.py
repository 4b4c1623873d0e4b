# Word parts for the full-text index (bruecken/fulltext/): "verein" finds "Kulturverein",
# "netzwerk" finds "Frauennetzwerk" (German compounds). On PostgreSQL trigram GIN indexes
# (pg_trgm) on each part of the documents, which serve `LIKE '%verein%'`; on SQLite a second
# FTS5 table with the trigram tokenizer over the same documents, kept by triggers of its own and
# filled from the rows that exist. Both need at least three letters: shorter words stay prefixes.
# (Django remakes a table on SQLite to alter it: a later change of SearchDocument's fields must
# create these triggers again, and those of 0002.)

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ("name", "public", "private")

# A small list of pending entries (256 kB, not 4 MB): every search reads all of it, and a bulk
# reindex would otherwise leave searches scanning megabytes until the next vacuum.
POSTGRESQL = [
    f"CREATE INDEX bruecken_searchdocument_{column}_trgm "
    f"ON bruecken_searchdocument USING gin ({column} gin_trgm_ops) "
    "WITH (gin_pending_list_limit = 256)"
    for column in COLUMNS
]
POSTGRESQL_REVERSE = [
    f"DROP INDEX IF EXISTS bruecken_searchdocument_{column}_trgm" for column in COLUMNS
]

SQLITE = [
    # The documents are folded already; the tokenizer only cuts them into trigrams.
    """
    CREATE VIRTUAL TABLE bruecken_searchdocument_parts USING fts5(
        name, public, private,
        content='bruecken_searchdocument', content_rowid='id',
        tokenize='trigram'
    )
    """,
    """
    CREATE TRIGGER bruecken_searchdocument_parts_insert AFTER INSERT ON bruecken_searchdocument
    BEGIN
        INSERT INTO bruecken_searchdocument_parts (rowid, name, public, private)
        VALUES (new.id, new.name, new.public, new.private);
    END
    """,
    """
    CREATE TRIGGER bruecken_searchdocument_parts_delete AFTER DELETE ON bruecken_searchdocument
    BEGIN
        INSERT INTO bruecken_searchdocument_parts
            (bruecken_searchdocument_parts, rowid, name, public, private)
        VALUES ('delete', old.id, old.name, old.public, old.private);
    END
    """,
    """
    CREATE TRIGGER bruecken_searchdocument_parts_update AFTER UPDATE ON bruecken_searchdocument
    BEGIN
        INSERT INTO bruecken_searchdocument_parts
            (bruecken_searchdocument_parts, rowid, name, public, private)
        VALUES ('delete', old.id, old.name, old.public, old.private);
        INSERT INTO bruecken_searchdocument_parts (rowid, name, public, private)
        VALUES (new.id, new.name, new.public, new.private);
    END
    """,
    "INSERT INTO bruecken_searchdocument_parts (bruecken_searchdocument_parts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS bruecken_searchdocument_parts_update",
    "DROP TRIGGER IF EXISTS bruecken_searchdocument_parts_delete",
    "DROP TRIGGER IF EXISTS bruecken_searchdocument_parts_insert",
    "DROP TABLE IF EXISTS bruecken_searchdocument_parts",
]


def drop_addresses(apps, schema_editor):
    """People's documents again, without their e-mail addresses (found whole since, by those
    who may read them: `PersonQuerySet.search_as`)."""
    from bruecken import fulltext

    model = apps.get_model("actors", "Person")
    spec = fulltext.REGISTRY.get("actors.person")
    if spec is None:
        return
    names = {field.name for field in model._meta.get_fields()}
    present = fulltext.Spec(
        *(tuple(n for n in part if n in names) for part in (spec.name, spec.public, spec.private))
    )
    fulltext.reindex(model, spec=present)


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("bruecken", "0004_workerheartbeat"),
        ("actors", "0003_listing_request"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
        migrations.RunPython(drop_addresses, migrations.RunPython.noop),
    ]
