"""Benchmark the staff organisation list on a large synthetic dataset (`make bench`).

The command fills a dedicated database with synthetic organisations, people, memberships and
ties (bench/dataset.py; once, a second run reuses them), requests the organisation list as the
program office and as a municipal coordinator, and compares each page with one hand-written SQL
query for the same rows. It refuses databases that hold anything but its own data."""

import re
import statistics
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from bruecken import fulltext
from bruecken.accounts.models import Role, RoleAssignment
from bruecken.actors.models import EngagementForm, Organisation, Person, Topic
from bruecken.fulltext import query_terms
from bruecken.places.models import Country, WorldRegion

from .common import check_database, client_settings, dedicated, fetch, migrate, staff_client
from .dataset import DEFAULT_ORGANISATIONS, DatasetCommand, bench_users, prepare_dataset
from .timing import explain, figures, ratio, time_calls

TARGET_MS = 150
STACK_OFFSET_STEP = 8

# Three filters and a search term that leave a few pages of results at 50,000 organisations:
# the search term is in about 7 % of the organisations' competences.
SEARCH_TERM = "jugendaustausch"
DEFAULT_FILTERS = f"region=002&topic=sdg-4&form=remittances&q={SEARCH_TERM}"


class Command(DatasetCommand):
    help = (
        "Benchmark the staff organisation list on a synthetic dataset (50,000 organisations, "
        "200,000 people). " + dedicated("bench")
    )
    explained = "case"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--stack-offsets",
            type=int,
            default=1,
            help=(
                "For investigating CPython's call-depth effect (see calibrate()): try this many "
                "call depths and time each case at the fastest. The default, 1, measures plainly "
                "at the command's own depth, as the figures should be reported."
            ),
        )
        parser.add_argument(
            "--filters",
            default=DEFAULT_FILTERS,
            help="Query string of the filtered cases (default: %(default)s).",
        )

    def handle(self, *args, **options):
        if options["stack_offsets"] < 1:
            raise CommandError("Needs at least 1 stack offset.")
        check_database(options["yes"], "bench")
        migrate(self.stdout)
        prepare_dataset(self, options["organisations"], options["people"])
        office, coordinator = bench_users()
        filters = dict(parse_qsl(options["filters"]))
        with client_settings():
            results = self.measure(office, coordinator, filters, options)
        self.report(results, filters, options)

    # The measurements

    def measure(self, office, coordinator, filters, options):
        path = reverse("actors:organisation_list")
        detail = re.compile(re.escape(path) + r"(\d+)/")
        # "<p id="result-count" …>212 Organisationen gefunden", or its htmx out-of-band swap.
        result_count = re.compile(r'id="result-count"[^>]*>\s*(\d+)')
        page_size = settings.ACTOR_LIST_PAGE_SIZE
        cases = [
            ("filtered, page 1", filters, 1, {}),
            ("filtered, page 2", filters, 2, {}),
            # What a change of filters fetches: the results without the page around them.
            ("filtered, htmx", filters, 1, {"HX-Request": "true"}),
            ("unfiltered, page 1", {}, 1, {}),
        ]
        offsets = [index * STACK_OFFSET_STEP for index in range(options["stack_offsets"])]
        results = []
        for label, user in (("program office", office), ("coordinator", coordinator)):
            client = staff_client(user)
            for case, params, page, headers in cases:
                query = {**params, **({"page": page} if page > 1 else {})}
                baseline = BaselineQuery(user, params)
                found = baseline.count()
                if (page - 1) * page_size >= max(found, 1):
                    results.append({"user": label, "case": case, "skipped": found})
                    continue

                def request(query=query, client=client, headers=headers):
                    return fetch(client, path, query, headers)

                for _ in range(options["warmup"]):
                    request()
                offset, tried = calibrate(request, offsets)
                timings, response, log = time_calls(request, options["requests"], 0, offset)
                content = response.content.decode()
                shown = [int(pk) for pk in detail.findall(content)]
                counted = result_count.search(content)
                counted = int(counted[1]) if counted else found  # Not shown: not compared.
                expected = [pk for pk, _name in baseline.page(page, page_size)]
                if shown != expected or counted != found:
                    raise CommandError(
                        f"{label}, {case}: the page lists {shown[:3]}… of {counted}, the plain "
                        f"SQL {expected[:3]}… of {found}: the baseline no longer matches the "
                        "view's query."
                    )
                plain, _result, _log = time_calls(
                    lambda page=page, baseline=baseline: baseline.run(page, page_size),
                    options["requests"],
                    options["warmup"],
                )
                results.append(
                    {
                        "user": label,
                        "case": case,
                        "rows": len(shown),
                        "found": found,
                        **figures(timings, log),
                        "plain": statistics.median(seconds for seconds, _cpu in plain),
                        "offsets": tried,
                    }
                )
                if options["explain"]:
                    # The plans of the queries that read the organisations (count and page).
                    queries = log.last_call()
                    table = f"FROM {connection.ops.quote_name(Organisation._meta.db_table)}"
                    chosen = [query for query in queries if table in query[0]]
                    explain(self.stdout.write, f"{label}, {case}", queries, chosen)
        return results

    def report(self, results, filters, options):
        organisations, people = Organisation.objects.count(), Person.objects.count()
        self.stdout.write(
            f"\nStaff organisation list, {organisations:,} organisations, {people:,} people, "
            f"{connection.vendor}; {options['requests']} timed requests per case after "
            f"{options['warmup']} warm-up.\nFiltered: ?{urlencode(filters)}. Times in ms, "
            "measured around the test client's request (middleware, queries, templates).\n"
        )
        self.write_table(
            f"{'user':<15} {'case':<19} {'rows':>4} {'found':>6} {'median':>7} {'p90':>7} "
            f"{'CPU':>6} {'queries':>7} │ {'plain SQL':>9} {'ratio':>6}"
        )
        for r in results:
            if "skipped" in r:
                self.stdout.write(
                    f"{r['user']:<15} {r['case']:<19} skipped: {r['skipped']} found, no such page"
                )
                continue
            self.stdout.write(
                f"{r['user']:<15} {r['case']:<19} {r['rows']:>4} {r['found']:>6} "
                f"{r['median'] * 1000:>7.1f} {r['p90'] * 1000:>7.1f} {r['cpu'] * 1000:>6.1f} "
                f"{r['queries']!s:>7} │ {r['plain'] * 1000:>9.1f} "
                f"{ratio(r['median'], r['plain']):>5.1f}×"
            )
        self.stdout.write(
            "\nrows: on the page; found: in all pages; median, p90: wall clock; CPU: median CPU "
            "time of this process\n(Python and SQLite); plain SQL: median of one hand-written "
            "query for the same page plus a COUNT,\nthe database's share; ratio: median / plain "
            "SQL median."
        )
        measured = [r for r in results if "skipped" not in r]
        where = (
            f"(set for SQLite at {DEFAULT_ORGANISATIONS:,} organisations; measured on "
            f"{connection.vendor} at {organisations:,})"
        )
        self.verdict(measured, TARGET_MS, where, lambda r: f"{r['user']}, {r['case']}")
        self.stdout.write(f"Queries per request constant: {query_verdict(measured)}.")
        effects = [
            (max(r["offsets"].values()) / min(r["offsets"].values()) - 1, r)
            for r in measured
            if r["offsets"] and min(r["offsets"].values()) > 0
        ]
        if effects:
            effect, worst = max(effects, key=lambda item: item[0])
            self.stdout.write(
                f"Call depth: each case was timed at the fastest of {len(worst['offsets'])} "
                f"stack offsets; the slowest offset cost up to {effect:.0%} more CPU "
                f"({worst['user']}, {worst['case']}; CPython issue gh-142183, see calibrate())."
            )
        wall = sum(r["median"] for r in measured)
        cpu = sum(r["cpu"] for r in measured)
        if connection.vendor == "sqlite" and wall > 1.25 * cpu:
            by_cpu = max(measured, key=lambda r: r["cpu"])
            self.stdout.write(
                self.style.WARNING(
                    f"The wall-clock times are {wall / cpu - 1:.0%} above the CPU times: the "
                    "machine was busy with something else. Run again on a quiet machine for "
                    "figures to compare. By CPU time the target is "
                    f"{'met' if by_cpu['cpu'] * 1000 <= TARGET_MS else 'MISSED'}: slowest "
                    f"median {by_cpu['cpu'] * 1000:.1f} ms ({by_cpu['user']}, {by_cpu['case']})."
                )
            )
        if not any(r["found"] for r in measured if r["case"].startswith("filtered")):
            self.stdout.write(self.style.WARNING("The filtered cases found nothing."))


# A search's first page may read the best documents first (`fulltext.head`: up to two tiers
# on SQLite, one on PostgreSQL) before the whole search: as many more queries at most, however
# long the list.
HEAD_QUERIES = 2


def query_verdict(measured):
    """Constant means: the same count on every call, and on every page and for each user up to
    the queries of a search's first page (HEAD_QUERIES); only which filters are set and whether
    htmx asks may change it."""
    by_kind = {}
    for r in measured:
        kind = re.sub(r", page \d+$", "", r["case"])
        by_kind.setdefault(kind, set()).add(str(r["queries"]))
    constant = all(
        not any("[" in count for count in counts)
        and max(map(int, counts)) - min(map(int, counts)) <= HEAD_QUERIES
        for counts in by_kind.values()
    )
    counts = "; ".join(f"{kind}: {' / '.join(sorted(c))}" for kind, c in by_kind.items())
    if constant:
        return (
            f"yes, on every page and for both users, a search's first page at most "
            f"{HEAD_QUERIES} more ({counts})"
        )
    return f"NO ({counts})"


def calibrate(call, offsets):
    """The stack offset at which a call runs fastest, with the CPU seconds at each offset tried.

    In CPython up to 3.12 (and 3.13 and 3.14 releases without the fix for issue gh-142183), a
    call that crosses a boundary between the chunks of the interpreter's frame stack allocates
    and frees a chunk each time. Template rendering recurses deeply, so a request can take half
    as long again merely because of the depth it starts at, an accident of the caller (here this
    command, in production the WSGI server). The timed requests are made at the depth that
    avoids it."""
    if len(offsets) == 1:
        return offsets[0], {}
    cpu = {}
    for offset in offsets:
        timings, _result, _log = time_calls(call, 2, 0, offset)
        cpu[offset] = min(seconds for _wall, seconds in timings)
    return min(cpu, key=cpu.get), cpu


class BaselineQuery:
    """The same page of organisations in one hand-written query, plus a COUNT."""

    def __init__(self, user, params):
        q = connection.ops.quote_name
        o = Organisation._meta
        conditions, args = [], []
        coordinated = list(
            RoleAssignment.objects.filter(user=user, role=Role.COORDINATOR).values_list(
                "municipality_id", flat=True
            )
        )
        if not RoleAssignment.objects.filter(user=user, role=Role.PROGRAM_OFFICE).exists():
            placeholders = ", ".join(["%s"] * len(coordinated)) or "NULL"
            conditions.append(
                f"(o.{q('consent_given_at')} IS NOT NULL OR o.{q('municipality_id')} "
                f"IN ({placeholders}))"
            )
            args += coordinated
        joins, rank, rank_args = "", None, []
        terms = query_terms(params.get("q"))
        if terms:
            # The full-text search's own SQL (bruecken/fulltext/): what the view adds around
            # it is what this baseline measures.
            search = fulltext.sql(terms, fulltext.COLUMNS, "actors.organisation")
            # A join the planner orders (SQLite's CROSS JOIN would fix the order).
            joins = "".join(f", {table}" for table in search["tables"])
            key, key_args = search["key"]
            conditions += [*search["where"], f"o.{q('id')} = ({key})"]
            args += [*search["params"], *key_args]
            rank = f"({search['select']['search_rank']}) DESC"
            rank_args = search.get("select_params", [])

        def through(field, column, value, join=""):
            table = q(Organisation._meta.get_field(field).remote_field.through._meta.db_table)
            conditions.append(
                f"EXISTS (SELECT 1 FROM {table} t {join} WHERE t.{q('organisation_id')} = "
                f"o.{q('id')} AND {column} = %s)"
            )
            args.append(value)

        if params.get("region"):
            region = WorldRegion.objects.get(code=params["region"]).pk
            country = q(Country._meta.db_table)
            join = f"INNER JOIN {country} c ON c.{q('id')} = t.{q('country_id')}"
            through("countries", f"c.{q('region_id')}", region, join)
        if params.get("topic"):
            through("topics", f"t.{q('topic_id')}", Topic.objects.get(code=params["topic"]).pk)
        if params.get("form"):
            form = EngagementForm.objects.get(code=params["form"]).pk
            through("engagement_forms", f"t.{q('engagementform_id')}", form)
        unsupported = set(params) - {"q", "region", "topic", "form"}
        if unsupported:
            raise CommandError(f"The plain SQL baseline does not know {sorted(unsupported)}.")
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        table = q(o.db_table)
        order = ", ".join(filter(None, [rank, model_order(Organisation)]))
        self.count_sql = f"SELECT COUNT(*) FROM {table} o {joins} {where}"
        self.page_sql = (
            f"SELECT o.{q('id')}, o.{q('name')} FROM {table} o {joins} {where} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        self.args = args
        # The ORDER BY's rank repeats the query's words where it needs them.
        self.rank_args = rank_args

    def count(self):
        with connection.cursor() as cursor:
            cursor.execute(self.count_sql, self.args)
            return cursor.fetchone()[0]

    def page(self, number, size):
        with connection.cursor() as cursor:
            cursor.execute(self.page_sql, [*self.args, *self.rank_args, size, (number - 1) * size])
            return cursor.fetchall()

    def run(self, number, size):
        return self.count(), self.page(number, size)


def model_order(model):
    """The model's default ordering as SQL, for the table aliased `o`."""
    terms = []
    for name in model._meta.ordering:
        if not isinstance(name, str):
            raise CommandError(f"The plain SQL baseline cannot order by {name!r}.")
        field_name = name.lstrip("-")
        field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
        column = connection.ops.quote_name(field.column)
        terms.append(f"o.{column} {'DESC' if name.startswith('-') else 'ASC'}")
    return ", ".join(terms)
