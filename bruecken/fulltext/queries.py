"""The SQL of a search, on PostgreSQL and on SQLite, and the tiers `head()` reads first."""

from dataclasses import dataclass

from django.db import connection

from .index import key_range
from .schema import (
    BM25_WEIGHTS,
    COLUMNS,
    DOCUMENT_KEY,
    DOCUMENT_TABLE,
    FTS_TABLE,
    GERMAN,
    NAME,
    PARTS_TABLE,
    PG_WEIGHTS,
    PRIVATE,
    PUBLIC,
    SIMPLE,
)
from .text import PART_LENGTH


@dataclass(frozen=True)
class Tier:
    """The documents of a search that rank above all others, as a search of their own (`sql()`
    form: an index table, the conditions, the key); `rank` is their search_rank, cheaper to
    work out within the tier; `ranked_alike`: whether all its documents have that rank (the
    tier is then in the queryset's order alone). `rest`: where all the search's other
    documents rank alike too, a Tier of those; `whole`: the tier is the whole search;
    `terms`: where the tier asks the names' vector alone (which the order's index holds), its
    query's terms, whose words in the names tell where in the order they lie
    (`names_in_order`)."""

    search: dict
    rank: tuple
    ranked_alike: bool = False
    rest: "Tier | None" = None
    whole: bool = False
    terms: tuple = ()

    @property
    def in_names(self):
        return bool(self.terms)


def best_tiers(terms, columns, label):
    """The tiers of a search with word parts, best first (`Tier`): every word a prefix in the
    name (every bonus of `_rank_parts`), then in any of `columns` (the first); from the word
    index alone. Without word parts, none (the search is the best tier already), but in the
    names alone: the search itself, all of one rank."""
    names_only = tuple(columns) == (NAME,)
    if _short_words_in_names(terms, columns):
        # Every document found ranks alike: one tier, which the documents' order answers.
        search = _prefix_search(terms, columns, label)
        return (Tier(search, ALIKE, ranked_alike=True, whole=True, terms=tuple(terms)),)
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
            terms=tuple(terms) if tuple(tier_columns) == (NAME,) else (),
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


# What a document where every word begins a word gets on top of its rank: more than any rank.
PREFIX_BONUS = 1000


def _is_part(forms):
    return all(len(form) >= PART_LENGTH for form in forms)


# The table of the words of the names, on PostgreSQL (migration 0011).
NAMES_TABLE = "bruecken_searchname"
# The highest code point: a word that begins with a prefix sorts before the prefix followed by
# it (the table's words are in code point order, collation "C").
LAST_LETTER = 0x10FFFF


def names_in_order(terms, label, limit):
    """The SQL and params of the first `limit` places in the order (sort key, object id) of the
    documents of `label` whose names hold a word that begins with a form of the most telling of
    `terms` (German stem or as written), from the table of the names' words alone: a superset
    of the places of the names that hold every term, in order; a name may come more than
    once."""
    forms = list(max(terms, key=lambda forms: min(len(form) for form in forms)))
    sql = (
        "WITH prefixes AS (SELECT DISTINCT unnest(tsvector_to_array("  # noqa: S608 - our names
        f"to_tsvector('{GERMAN}', form) || to_tsvector('{SIMPLE}', form))) "
        'COLLATE "C" AS prefix FROM unnest(%s::text[]) AS form) '
        f"SELECT names.sort_key, names.object_id FROM prefixes JOIN {NAMES_TABLE} AS names "
        "ON names.kind = %s AND names.word >= prefixes.prefix "
        f"AND names.word < prefixes.prefix || chr({LAST_LETTER}) "
        "ORDER BY names.sort_key, names.object_id LIMIT %s"
    )
    return sql, [forms, label, limit]


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
    of the next tier of `best_tiers` (a prefix in the name counts as inside it: a tier of
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
# each word as a prefix, and they are listed in the model's order (as `best_tiers`' best tier
# of longer words: "ma" and "mar" find names in the same order).
ALIKE = _constant_rank(PREFIX_BONUS)


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
