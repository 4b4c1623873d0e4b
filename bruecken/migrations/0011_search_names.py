# The words of the names, each with its document's place in the order, on PostgreSQL: a first
# page of a search in the names (the pickers) finds where in the order the names that hold a
# word lie (`fulltext.searching._in_windows`), from an index of the words alone, instead of
# sorting every name found by reading each document (the 8,599 people that "mar" finds: 31 ms).
# One row per word of a document's names' vector (its German stems and its words as written);
# triggers keep them with the documents, whoever writes these (inserts, deletes, updates,
# truncation). Nothing on SQLite, whose searches join their index tables to the model's table.

import importlib

from django.db import migrations

TABLE = "bruecken_searchname"
DOCUMENTS = "bruecken_searchdocument"

# Runs the statements on PostgreSQL only, as 0008 does.
_run = importlib.import_module("bruecken.migrations.0008_search_word_endings_postgresql")._run


def words_of(documents):
    """The rows of the words of the names of the documents in the table `documents`: the
    documents themselves, or a trigger's table of those inserted."""
    return (
        "SELECT id, kind, unnest(tsvector_to_array(name_vector)), sort_key, object_id "  # noqa: S608
        f"FROM {documents}"
    )


POSTGRESQL = [
    # The words in byte order (collation "C"), so that the index answers a prefix as a range.
    f"""CREATE TABLE {TABLE} (
        document_id bigint NOT NULL,
        kind varchar(100) NOT NULL,
        word text COLLATE "C" NOT NULL,
        sort_key text NOT NULL,
        object_id bigint NOT NULL
    )""",
    f"INSERT INTO {TABLE} {words_of(DOCUMENTS)}",
    f"CREATE INDEX {TABLE}_word ON {TABLE} (kind, word) INCLUDE (sort_key, object_id)",
    f"CREATE INDEX {TABLE}_document ON {TABLE} (document_id)",
    f"""CREATE FUNCTION {TABLE}_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {TABLE} {words_of("added")};
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION {TABLE}_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE} USING removed WHERE {TABLE}.document_id = removed.id;
        RETURN NULL;
    END $$""",  # noqa: S608 - our names
    f"""CREATE FUNCTION {TABLE}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE} USING removed WHERE {TABLE}.document_id = removed.id;
        INSERT INTO {TABLE} {words_of("added")};
        RETURN NULL;
    END $$""",  # noqa: S608 - our names
    f"""CREATE FUNCTION {TABLE}_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {TABLE};
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {TABLE}_added AFTER INSERT ON {DOCUMENTS}
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_added()""",
    f"""CREATE TRIGGER {TABLE}_removed AFTER DELETE ON {DOCUMENTS}
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_removed()""",
    f"""CREATE TRIGGER {TABLE}_changed AFTER UPDATE ON {DOCUMENTS}
        REFERENCING OLD TABLE AS removed NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_changed()""",
    f"""CREATE TRIGGER {TABLE}_emptied AFTER TRUNCATE ON {DOCUMENTS}
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_emptied()""",
]

POSTGRESQL_REVERSE = [
    *(
        f"DROP TRIGGER IF EXISTS {TABLE}_{name} ON {DOCUMENTS}"
        for name in ("added", "removed", "changed", "emptied")
    ),
    *(
        f"DROP FUNCTION IF EXISTS {TABLE}_{name}()"
        for name in ("added", "removed", "changed", "emptied")
    ),
    f"DROP TABLE IF EXISTS {TABLE}",
]


class Migration(migrations.Migration):
    dependencies = [("bruecken", "0010_search_sort_key")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE))]
