"""Searching: the index joined to a queryset, its first page and its count."""

from dataclasses import dataclass

from django.core import paginator
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import AND, ExtraWhere

from .index import REGISTRY, flush
from .queries import best_tiers, names_in_order, sql
from .schema import COLUMNS, DOCUMENT_TABLE, NAME, SEARCH_KEY, SORT_KEY
from .text import query_terms

# The order of relevance of a searched queryset.
RANKED = "-search_rank"


def search(queryset, text, columns=COLUMNS):
    """`queryset` narrowed to the objects whose documents hold every word of `text` (folded) in
    `columns`, best first: `search_rank`, higher is better (order by `RANKED`), then the
    queryset's ordering. A word of at least PART_LENGTH letters matches anywhere inside a word
    too ("verein" finds "Kulturverein"), a shorter one as a prefix; documents where every word
    begins a word rank before those that hold one only inside another.
    Text without words leaves the queryset as it is; nothing in it is query syntax."""
    terms = query_terms(text)
    if not terms:
        return queryset
    model = queryset.model
    if is_ranked(queryset):
        # Searched already: a second join of the index would make its columns ambiguous. The
        # second search narrows like a filter; the first one's rank orders.
        return queryset.filter(
            pk__in=search(model._default_manager.all(), text, columns).values("pk")
        )
    flush()
    label = model._meta.label_lower
    ordering = list(queryset.query.order_by or model._meta.ordering or ["pk"])
    built = sql(terms, columns, label)
    if _sorted_by_documents(label, ordering):
        built["select"] = {**built["select"], SEARCH_KEY: f"{DOCUMENT_TABLE}.{SORT_KEY}"}
        ordering = [SEARCH_KEY, "pk"]
    searched, joined = _joined(queryset, built)
    # The conditions and table this search added: what `count()` and `head()` recognise.
    added = Added(searched.query.where.children[-2], joined, searched.query.extra_tables[-1:])
    searched.query.fulltext_search = added
    if tiers := best_tiers(terms, columns, label):
        # What `head()` may read instead.
        searched.query.fulltext_tiers = (
            *getattr(searched.query, "fulltext_tiers", ()),
            (added, tiers),
        )
    return searched.order_by(RANKED, *ordering)


def held_in(searched, text, columns):
    """A condition for `searched`, a search by `text`: the object's document holds every word
    of `text` in `columns` too. On PostgreSQL a test of the document the search joined: a
    second search, its ids as a subquery, made the planner read every row of the model's table
    (a coordinator's people found by "mensah": 370 ms, now 65). SQLite answers one MATCH of a
    full-text table per query: there, the ids of a second search, from its index tables alone
    (the objects' rows are not read: 17 → 13 ms)."""
    built = sql(query_terms(text), columns, searched.model._meta.label_lower)
    held = " AND ".join(f"({condition})" for condition in built["where"])
    if connection.vendor == "postgresql" and hasattr(searched.query, "fulltext_search"):
        return Q(RawSQL(held, built["params"], output_field=BooleanField()))  # noqa: S611
    key, key_params = built["key"]
    tables = ", ".join(built["tables"])
    found = f"SELECT {key} FROM {tables} WHERE {held}"  # noqa: S608 - our names, words as params
    return Q(pk__in=RawSQL(found, [*key_params, *built["params"]]))  # noqa: S611


def _sorted_by_documents(label, ordering):
    """Whether a search of `label` in `ordering` may order by the documents' sort keys instead:
    on PostgreSQL, where the model is ordered by its registered `order` field (then by id).
    There the documents found are sorted (or walked in that order) before any object is read,
    and only those of the page are looked up, where sorting by the model's column looked up
    every object found first (3,775 for "jugendaustausch"), or walked the model's order and
    looked up each object's document (3,752 for "tesfaye").
    SQLite joins its index tables to the model without reading any document, and keeps the
    model's order."""
    order = REGISTRY[label].order
    return (
        connection.vendor == "postgresql"
        and bool(order)
        and ordering[0] == order
        and all(field in ("pk", "id") for field in ordering[1:])
    )


def _joined(queryset, built):
    """`queryset` with the search `built` (as `sql()` returns it) added, and the condition that
    joins the index to the model's table."""
    built = dict(built)
    key, key_params = built.pop("key")
    # extra(): the index has no relation Django knows of; the SQL holds only our table and
    # column names, the words go in as parameters.
    searched = queryset.extra(**built)
    # The object's side of the join as a filter, not as SQL text: Django renames the model's
    # table where the queryset becomes a subquery (`filter(organisation__in=searched)`).
    searched = searched.filter(pk=RawSQL(key, key_params))  # noqa: S611 - our names only
    return searched, searched.query.where.children[-1]


@dataclass(frozen=True)
class Added:
    """What a search added to its queryset's query: its ExtraWhere, the join to the index, the
    index table (`QuerySet.extra(tables=…)`)."""

    where: ExtraWhere
    joined: object
    tables: tuple


def head(queryset, count):
    """`list(queryset[:count])`, faster for a search with word parts, and for any search in the
    names alone: most type-ahead and first-page questions are answered by the best documents
    alone, those where every word begins a word in the name, then anywhere (the word index,
    cheap), which rank before all others; in the names alone (the pickers) then those found
    inside words, all of one rank too; only when they are fewer than `count` does the whole
    search run, whose rank sorts every document found by word parts. The same rows either
    way."""
    tiers = getattr(queryset.query, "fulltext_tiers", ())
    # Only where the rank of that one search orders the rows (not re-sorted, not searched twice).
    if len(tiers) == 1 and tuple(queryset.query.order_by[:1]) == (RANKED,):
        added, best = tiers[0]
        for tier in best:
            rows = _tier_rows(queryset, added, tier, count)
            if rows is None:
                break
            if len(rows) >= count or tier.whole:
                return rows
            if tier.rest:
                # All of the tier, fewer than `count`, rank above all of the rest.
                return rows + _tier_rows(queryset, added, tier.rest, count - len(rows))
    return list(queryset[:count])


def _tier_rows(queryset, added, tier, count):
    """The first `count` rows of `queryset` among the documents of `tier` (None where the tier
    cannot narrow it, `_tier`)."""
    narrowed = _tier(queryset, added, tier)
    if narrowed is None:
        return None
    if tier.ranked_alike and _in_documents_order(narrowed):
        return _first_in_order(narrowed, count, tier)
    return list(narrowed[:count])


# How many of a kind's documents in their order a first page walks through on PostgreSQL
# (`_first_in_order`), before it sorts all that its tier finds instead, reading each document:
# ORDER_WALK, where the tier holds at least FEW_TO_SORT documents. For a tier in the names
# alone, from the order's index, which holds their vector (0010): NAMES_WALK, about as long as
# the query of the names' words takes that finds the windows to walk instead (`_in_windows`:
# 5 ms each among 229,110 people), so that a walk in vain costs at most as much again, and a
# prefix in many names spread over the order (a surname's: "müller") is answered by it alone.
ORDER_WALK = 5_000
NAMES_WALK = 5_000
FEW_TO_SORT = 1_000
# The same order as an expression that no index holds, and that reads the document: the order's
# index holds the names' vector (0010), and the planner would walk all of it instead of sorting
# the tier's matches.
NOT_WALKED_KEY = f"{DOCUMENT_TABLE}.{SORT_KEY} || left({DOCUMENT_TABLE}.{NAME}, 0)"


def _first_in_order(queryset, count, tier):
    """`list(queryset[:count])` for a tier in the documents' order (`_sorted_by_documents`, all of
    one rank), on PostgreSQL: the first of the order walked through its index, testing each
    document, as far as that is cheap; else all that the tier finds, sorted. PostgreSQL takes
    matches to be spread evenly over the order, and walked to the middle of 229,110 people for
    "mar" (the Marias and Markuses: 200 ms, where sorting the tier's 8,599 takes 30 ms). A walk
    of the names tests each from the index (NAMES_WALK), and where it finds too few, walks the
    windows of the order where the names with the words lie (`_in_windows`: 8 ms for "mar"). A
    walk of other text reads each document (ORDER_WALK), and only where the GIN index finds
    many: fewer are sorted at once, cheaper than a walk that finds too few of them. The rows
    are those of the whole order either way: the first walked are before all the others."""
    if tier.in_names:
        walked = _walked(queryset, count, NAMES_WALK)
        return walked if len(walked) >= count else _in_windows(queryset, count, tier)
    if _documents_at_most(tier.search, FEW_TO_SORT) == FEW_TO_SORT:
        walked = _walked(queryset, count, ORDER_WALK)
        if len(walked) >= count:
            return walked
    return _sorted(queryset, count)


def _sorted(queryset, count, after=None):
    """The first `count` rows of `queryset` (after the place `after` in the order), all that its
    tier finds sorted."""
    where, params = _places(after, ">")
    sorted_all = queryset.extra(select={SEARCH_KEY: NOT_WALKED_KEY}, where=where, params=params)  # noqa: S610
    return list(sorted_all[:count])


# How many places of names a first page in the names reads (`_in_windows`), and how many of them
# its first window of the order spans (each next one four times as many).
PLACES = 600
WINDOW = 50


def _in_windows(queryset, count, tier):
    """The first `count` rows of `queryset`, a tier in the names alone, walked through the order
    in windows: the first PLACES places where names with a word that begins with a form of one
    of the terms lie (`queries.names_in_order`, from the names' words alone), a window of WINDOW
    of them, then larger ones. No name found lies before the first of those places, none
    between two of them: the rows are those of the whole order. Where the queryset keeps fewer
    than `count` of those names (a narrow reader, other conditions), the rest is sorted."""
    with connection.cursor() as cursor:
        cursor.execute(*names_in_order(tier.terms, queryset.model._meta.label_lower, PLACES))
        places = cursor.fetchall()
    rows, start, size = [], 0, WINDOW
    while start < len(places):
        end = min(start + size, len(places))
        # After the last window's last place: a name listed twice may end one, begin the next.
        where, params = _places(places[0], ">=") if start == 0 else _places(places[start - 1], ">")
        last_where, last_params = _places(places[end - 1], "<=")
        window = queryset.extra(where=where + last_where, params=params + last_params)  # noqa: S610
        rows += list(window[: count - len(rows)])
        if len(rows) >= count:
            return rows
        start, size = end, size * 4
    if len(places) < PLACES:
        return rows
    return rows + _sorted(queryset, count - len(rows), places[-1])


def _places(place, comparison):
    """A condition (`extra()` form) on the document's place in the order against `place` (sort
    key, object id); none for None."""
    if place is None:
        return [], []
    column = f"({DOCUMENT_TABLE}.{SORT_KEY}, {DOCUMENT_TABLE}.object_id)"
    return [f"{column} {comparison} (%s, %s)"], list(place)


def _walked(queryset, count, walk):
    """The first `count` rows of `queryset` among the first `walk` documents of its kind in their
    order (all of them in a smaller kind)."""
    # The last of those documents.
    bound = (
        f"({DOCUMENT_TABLE}.{SORT_KEY}, {DOCUMENT_TABLE}.object_id) <= "  # noqa: S608 - names
        f"(SELECT walked.{SORT_KEY}, walked.object_id FROM (SELECT {SORT_KEY}, object_id "
        f"FROM {DOCUMENT_TABLE} WHERE kind = %s ORDER BY {SORT_KEY}, object_id LIMIT %s) "
        f"AS walked ORDER BY walked.{SORT_KEY} DESC, walked.object_id DESC LIMIT 1)"
    )
    label = queryset.model._meta.label_lower
    return list(queryset.extra(where=[bound], params=[label, walk])[:count])  # noqa: S610


def _documents_at_most(search, most):
    """How many documents the search `search` (`sql()` form) finds, up to `most`: from its GIN
    indexes, a bitmap, and at most `most` documents read."""
    tables = ", ".join(search["tables"])
    where = " AND ".join(search["where"])
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {tables} WHERE {where} LIMIT %s) AS found"  # noqa: S608
    return _count_through_indexes(sql, [*search["params"], most])


def _in_documents_order(queryset):
    """Whether `queryset` is a search that `_sorted_by_documents` ordered by the sort keys."""
    # `query.extra`, not `extra_select`: that leaves out what values() does not ask for.
    return SEARCH_KEY in queryset.query.extra


def _tier(queryset, added, tier):
    """`queryset` with the search `added` replaced by the search of `tier`; None where it cannot
    be: only as conditions that all must hold (inside an OR or a NOT, the tier would not narrow
    the rows to its own)."""
    narrowed = queryset.all()
    query = narrowed.query
    others = _other_conditions(query, added)
    if others is None:
        return None
    query.where.children = others
    query.extra_tables = tuple(table for table in query.extra_tables if table not in added.tables)
    query.extra = {**query.extra, "search_rank": tier.rank}
    narrowed, _joined_again = _joined(narrowed, {**tier.search, "select": {}})
    return narrowed


def index_count(queryset):
    """`queryset.count()`, from the index alone where `queryset` is a search among all of a
    model's rows (no other condition, join or limit: the program office's lists, the API):
    every object has one document (kept on commit, and before any search), so the documents
    found are the objects found, and the model's rows need not be read, a lookup for each."""
    query = queryset.query
    added = getattr(query, "fulltext_search", None)
    alone = (
        added is not None
        and queryset._result_cache is None
        and _other_conditions(query, added) == []
        and tuple(query.extra_tables) == added.tables
        and len(query.alias_map) <= 1
        and not (query.distinct or query.combinator or query.is_sliced or query.group_by)
    )
    if not alone:
        return None
    flush()
    where, params = added.where.as_sql(None, connection)
    sql = f"SELECT COUNT(*) FROM {added.tables[0]} WHERE {where}"  # noqa: S608 - our names
    if connection.vendor == "postgresql":
        return _count_through_indexes(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# What a count through the GIN indexes turns off: any scan but their bitmaps.
NOT_BITMAPS = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")


def _count_through_indexes(sql, params):
    """The count `sql` on PostgreSQL, from the GIN indexes' bitmaps. PostgreSQL overestimates
    what a prefix finds (a German stem and the word as written are both in the vector: a
    document counts twice) and then reads the whole table instead: 101 ms instead of 8 for
    "dolmetschen" among 229,110 people; counting up to a LIMIT, it would walk an index of
    another order to its end for a word few documents hold. Through the bitmaps it is never
    much slower."""
    # A local setting lasts to the end of the outermost transaction: within another one, it is
    # set back by hand.
    within_another = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + ", ".join("current_setting(%s), set_config(%s, 'off', true)" for _ in NOT_BITMAPS),
            [value for name in NOT_BITMAPS for value in (name, name)],
        )
        before = cursor.fetchone()[::2]
        cursor.execute(sql, params)
        count = cursor.fetchone()[0]
        if within_another:
            cursor.execute(
                "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in NOT_BITMAPS),
                [value for pair in zip(NOT_BITMAPS, before, strict=True) for value in pair],
            )
        return count


def _other_conditions(query, added):
    """The conditions of `query` besides those the search `added` put there; None unless all
    must hold and the search's are among them (inside an OR or a NOT, they would not narrow the
    rows to the search's own)."""
    where = query.where
    ours = [child for child in where.children if child is added.where or child is added.joined]
    if where.connector != AND or where.negated or len(ours) != 2:
        return None
    return [child for child in where.children if all(child is not our for our in ours)]


class Paginator(paginator.Paginator):
    """Django's, reading the first page of a search through `head()`."""

    def page(self, number):
        number = self.validate_number(number)
        if number != 1 or not hasattr(self.object_list, "query"):
            return super().page(number)
        top = self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(head(self.object_list, top), number, self)


class Searchable:
    """For a registered model's QuerySet: `Model.objects.visible_to(user).search(text)`."""

    def search(self, text, columns=COLUMNS):
        """Those whose search document holds every word of `text` (folded, each as a prefix,
        from three letters on anywhere in a word) in `columns`, best first. It narrows like a
        filter: `public()` or `visible_to()` still decide what is seen."""
        return search(self, text, columns)

    def count(self):
        counted = index_count(self)
        return super().count() if counted is None else counted

    def __or__(self, other):
        """The rows of a search and others, by their ids, in the model's order: in one query,
        SQLite's full-text condition cannot be a branch of an OR."""
        if not (is_ranked(self) or is_ranked(other)):
            return super().__or__(other)
        return self.model._default_manager.filter(
            Q(pk__in=self.values("pk")) | Q(pk__in=other.values("pk"))
        )


def is_ranked(queryset):
    """Whether `queryset` is a search's, with a `search_rank` to order by."""
    return "search_rank" in queryset.query.extra_select
