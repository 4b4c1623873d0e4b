"""Searching: the index joined to a queryset, its first page and its count."""

from dataclasses import dataclass

from django.core import paginator
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import AND, ExtraWhere

from .index import REGISTRY, flush
from .queries import best_tiers, sql
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


# How many of a kind's documents in their order a first page walks through on PostgreSQL,
# before it sorts all that its tier finds instead (`_first_in_order`). Reading each document:
# ORDER_WALK, where the tier holds at least FEW_TO_SORT documents. For a tier in the names
# alone, from the order's index, which holds their vector (0010): NAMES_WALK, which costs less
# there than ORDER_WALK documents (7 against 10 ms).
ORDER_WALK = 5_000
NAMES_WALK = 10_000
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
    of the names tests each from the index (NAMES_WALK); one of other text reads each document
    (ORDER_WALK), and only where the GIN index finds many: fewer are sorted at once, cheaper
    than a walk that finds too few of them. The rows are those of the whole order either way:
    the first walked are before all the others."""
    if tier.in_names:
        walked = _walked(queryset, count, NAMES_WALK)
    elif _documents_at_most(tier.search, FEW_TO_SORT) == FEW_TO_SORT:
        walked = _walked(queryset, count, ORDER_WALK)
    else:
        walked = []
    if len(walked) >= count:
        return walked
    return list(queryset.extra(select={SEARCH_KEY: NOT_WALKED_KEY})[:count])  # noqa: S610


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
