# Word parts on PostgreSQL as on SQLite (0007): the endings of every word ("kulturverein",
# "ulturverein", …, "verein", …, "ein") in a tsvector of their own, where a word part is a
# prefix (`'verein':*`), one lookup in the GIN index's sorted lexemes. The trigram indexes (0005)
# it replaces had `LIKE '%verein%'` read and test the text of every candidate: at 50,000
# organisations a search took 60 ms, slower than the LIKE the search replaced.
#
# Each ending carries its column's letter in front ("averein": in the name, "b…" public text,
# "c…" private text) instead of a weight: a query for some columns then needs no recheck of
# each row's vector. The documents hold folded words separated by single spaces
# (`fulltext.document_text`), so splitting at spaces gives Python's words; the endings are those
# of `fulltext.word_parts` (first 60 letters of a word, endings of three letters or more), each
# once.
# array_to_tsvector takes them as they are: no parser, no dictionary.

from django.db import migrations

COLUMNS = {"name": "a", "public": "b", "private": "c"}
INDEX_OPTIONS = "WITH (gin_pending_list_limit = 256)"  # as the other GIN indexes (0006)

# A tsvector holds at most 1 MB: the endings of each column's distinct words, in the order the
# words first occur, up to this many (3 columns × 4,000 × 65 bytes at the most). Words further
# on in a huge text are still found whole and as prefixes (the document's own vector).
MAX_ENDINGS = 4000

POSTGRESQL = [
    f"""
    CREATE FUNCTION bruecken_word_parts(tag text, folded text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(tag || ending), '{{}}')
        FROM (
            SELECT substr(word, start) AS ending
            FROM (
                SELECT left(whole, 60) AS word, min(place) AS first
                FROM unnest(string_to_array(folded, ' ')) WITH ORDINALITY AS words(whole, place)
                GROUP BY 1
            ) AS distinct_words,
            LATERAL generate_series(1, length(word) - 2) AS start
            ORDER BY first, start
            LIMIT {MAX_ENDINGS}
        ) AS endings
    $$
    """,  # noqa: S608 - a number of ours
    "ALTER TABLE bruecken_searchdocument ADD COLUMN parts tsvector GENERATED ALWAYS AS "
    "(array_to_tsvector({})) STORED".format(
        " || ".join(f"bruecken_word_parts('{tag}', {column})" for column, tag in COLUMNS.items())
    ),
    "CREATE INDEX bruecken_searchdocument_parts "
    f"ON bruecken_searchdocument USING gin (parts) {INDEX_OPTIONS}",
    *(f"DROP INDEX IF EXISTS bruecken_searchdocument_{column}_trgm" for column in COLUMNS),
]
POSTGRESQL_REVERSE = [
    *(
        f"CREATE INDEX bruecken_searchdocument_{column}_trgm "
        f"ON bruecken_searchdocument USING gin ({column} gin_trgm_ops) {INDEX_OPTIONS}"
        for column in COLUMNS
    ),
    "ALTER TABLE bruecken_searchdocument DROP COLUMN parts",
    "DROP FUNCTION bruecken_word_parts(text, text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("bruecken", "0007_search_keys_and_word_endings")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE))]
