"""Benchmark the network analysis on a large synthetic graph (`make bench-network`).

The command fills a dedicated database (once; a second run reuses it) with one municipality of
100,000 organisations and 1,000,000 ties between them, dated at random over three years, in a
program of its own. It then times, as the median of a few runs:
- loading the network with `load_network`, against a plain SQL fetch of the same tie rows;
- building the igraph graph and measuring it (`metrics.measure` with sampled betweenness, end
  to end from the database), or the parts of the measures that exist;
- the same measures with NetworkX and with igraph on a random graph of 10,000 nodes and
  100,000 edges, and the ratio.
It refuses databases that hold anything but its own data."""

import statistics
from datetime import date, timedelta

from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from bruecken.actors.models import Organisation, Tie, TieKind, name_key
from bruecken.network.graph import load_network, to_igraph
from bruecken.programs.models import Program
from bruecken.programs.services import load_default_template

from .common import BENCH_DOMAIN, BenchCommand, check_database, dedicated, migrate, seeded
from .dataset import KIND_WEIGHTS, create_municipalities, delete_actors, synthetic_keys
from .timing import time_calls

PROGRAM_NAME = "Bench: Netzwerk"
SEED = 20255
DEFAULT_ORGANISATIONS = 100_000
DEFAULT_TIES = 1_000_000
DEFAULT_NX_NODES = 10_000
DEFAULT_NX_EDGES = 100_000
# Betweenness from this many sampled sources, in both libraries.
DEFAULT_SAMPLE = 100
FIRST_DAY = date(2023, 1, 1)
DAYS = 3 * 365
CHUNK = 50_000
LOAD_RATIO_TARGET = 2
END_TO_END_TARGET_S = 15
NETWORKX_RATIO_TARGET = 20


def metrics_module():
    """The measures, if they exist yet (`bruecken/network/metrics.py`, `measure`)."""
    try:
        from bruecken.network import metrics
    except ImportError:
        return None
    return metrics if hasattr(metrics, "measure") else None


class Command(BenchCommand):
    help = (
        "Benchmark the network analysis on a synthetic graph (100,000 organisations, 1,000,000 "
        "ties): loading from the database against plain SQL, the measures end to end, and "
        "igraph against NetworkX. " + dedicated("bench-network")
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--organisations", type=int, default=DEFAULT_ORGANISATIONS)
        parser.add_argument("--ties", type=int, default=DEFAULT_TIES)
        parser.add_argument("--runs", type=int, default=3, help="Timed runs per case.")
        parser.add_argument(
            "--nx-nodes",
            type=int,
            default=DEFAULT_NX_NODES,
            help="Nodes of the graph NetworkX and igraph both measure (default: %(default)s).",
        )
        parser.add_argument(
            "--nx-edges",
            type=int,
            default=DEFAULT_NX_EDGES,
            help="Its edges (default: %(default)s).",
        )
        parser.add_argument(
            "--sample",
            type=int,
            default=DEFAULT_SAMPLE,
            help="Sources sampled for betweenness (default: %(default)s).",
        )

    def handle(self, *args, **options):
        organisations, ties = options["organisations"], options["ties"]
        if organisations < 2 or ties < 1 or options["runs"] < 1 or options["sample"] < 1:
            raise CommandError("Needs at least 2 organisations, 1 tie, 1 run and 1 sample.")
        if options["nx_nodes"] < 2 or options["nx_edges"] < 1:
            raise CommandError("The NetworkX graph needs at least 2 nodes and 1 edge.")
        if ties > organisations * (organisations - 1) // 2 or options["nx_edges"] > (
            options["nx_nodes"] * (options["nx_nodes"] - 1) // 2
        ):
            raise CommandError("More edges than pairs of nodes.")
        others = [("programs", Program, ~Q(name=PROGRAM_NAME))]
        check_database(options["yes"], "bench-network", others=others)
        migrate(self.stdout, reference=False)
        program = self.prepare_dataset(organisations, ties)
        self.stdout.write(
            f"\nNetwork analysis on {connection.vendor}, median of {options['runs']} runs."
        )
        self.measure_load(program, options["runs"])
        self.measure_end_to_end(program, options["runs"], options["sample"])
        self.compare_networkx(
            options["nx_nodes"], options["nx_edges"], options["sample"], options["runs"]
        )

    # The dataset

    def prepare_dataset(self, organisations, ties):
        program = Program.objects.filter(name=PROGRAM_NAME).first()
        if (
            program is not None
            and Organisation.objects.count() == organisations
            and Tie.objects.count() == ties
        ):
            self.stdout.write(
                f"Reusing the synthetic network: {organisations:,} organisations, {ties:,} ties."
            )
            return program

        def make():
            Program.objects.filter(name=PROGRAM_NAME).delete()
            delete_actors()
            program = generate(seeded(SEED), organisations, ties)
            return program, {"organisations": organisations, "ties": ties}

        return self.generate(
            f"Generating {organisations:,} organisations and {ties:,} ties (seed {SEED}) …", make
        )

    # The measurements

    def measure_load(self, program, runs):
        sql, params = plain_tie_query(program)

        def plain():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        rows = len(plain())
        plain_s, _ = timed(plain, runs)
        load_s, network = timed(lambda: load_network(program=program), runs)
        ratio = load_s / plain_s
        w = self.stdout.write
        w(
            f"Loading: {network.node_count:,} nodes, {network.edge_count:,} edges (from {rows:,} "
            "tie rows)."
        )
        w(f"  plain SQL fetch of the tie rows: {plain_s * 1000:.2f} ms")
        w(f"  load_network (all queries, merged into edges): {load_s * 1000:.2f} ms")
        w(
            f"  ratio: {ratio:.2f}× {'✓' if ratio <= LOAD_RATIO_TARGET else '✗'} "
            f"(target: within {LOAD_RATIO_TARGET}×)"
        )

    def measure_end_to_end(self, program, runs, sample):
        w = self.stdout.write
        metrics = metrics_module()
        network = load_network(program=program)
        build_s, graph = timed(lambda: to_igraph(network), runs)
        w(
            f"igraph graph from the network: {build_s:.2f} s ({graph.vcount():,} vertices, "
            f"{graph.ecount():,} edges)."
        )
        if metrics is not None:
            baseline = FIRST_DAY + timedelta(days=DAYS // 2)

            def measured(graph):
                return metrics.measure(graph, baseline=baseline, sample=sample)

            measure_s, _ = timed(lambda: measured(graph), runs)
            w(f"metrics.measure (betweenness from {sample} sampled sources): {measure_s:.2f} s.")
            total_s, _ = timed(lambda: measured(to_igraph(load_network(program=program))), runs)
            verdict = "✓" if total_s <= END_TO_END_TARGET_S else "✗"
            w(
                f"Full metric set end to end (load, graph, metrics.measure with baseline "
                f"{baseline}): {total_s:.2f} s {verdict} (target: ≤ {END_TO_END_TARGET_S} s)"
            )
            return
        rng = seeded(SEED)
        sources = rng.sample(range(graph.vcount()), min(sample, graph.vcount()))
        parts = {
            "components": lambda: graph.connected_components(),
            "degree": lambda: graph.degree(),
            f"betweenness from {len(sources)} sampled sources": lambda: graph.betweenness(
                directed=False, sources=sources
            ),
        }
        total_s = 0.0
        for label, call in parts.items():
            seconds, _ = timed(call, runs)
            total_s += seconds
            w(f"  igraph {label}: {seconds:.2f} s")
        w(
            "metrics.measure is missing (bruecken/network/metrics.py): the full metric set is "
            "not timed. Load, graph and the igraph calls above: "
            f"{total_s + build_s:.2f} s plus loading."
        )

    def compare_networkx(self, nodes, edges, sample, runs):
        import igraph
        import networkx

        rng = seeded(SEED + 1)
        pairs = random_edges(rng, nodes, edges)
        sources = rng.sample(range(nodes), min(sample, nodes))
        ig = igraph.Graph(n=nodes, edges=pairs, directed=False)
        nx = networkx.Graph()
        nx.add_nodes_from(range(nodes))
        nx.add_edges_from(pairs)

        def with_igraph():
            components = ig.connected_components()
            return (
                ig.density(),
                len(components),
                max(components.sizes()),
                ig.degree(),
                ig.betweenness(directed=False, sources=sources),
            )

        def with_networkx():
            components = list(networkx.connected_components(nx))
            return (
                networkx.density(nx),
                len(components),
                max(len(c) for c in components),
                [d for _n, d in nx.degree()],
                networkx.betweenness_centrality(nx, k=len(sources), seed=SEED, normalized=False),
            )

        igraph_s, mine = timed(with_igraph, runs)
        # NetworkX is slow: timed once.
        networkx_s, theirs = timed(with_networkx, 1)
        if mine[:4] != theirs[:4]:
            raise CommandError("igraph and NetworkX disagree on density, components or degree.")
        ratio = networkx_s / igraph_s
        w = self.stdout.write
        w(
            f"igraph against NetworkX on a random graph of {nodes:,} nodes and {edges:,} edges "
            f"(density, components, degree, betweenness from {len(sources)} sampled sources; "
            f"both agree on the first three: components {mine[1]:,}, the largest "
            f"{mine[2]:,} nodes):"
        )
        w(f"  igraph: {igraph_s * 1000:.2f} ms")
        w(f"  NetworkX: {networkx_s * 1000:.2f} ms (one run)")
        w(
            f"  ratio: {ratio:.1f}× {'✓' if ratio >= NETWORKX_RATIO_TARGET else '✗'} "
            f"(aim: ≥ {NETWORKX_RATIO_TARGET}×)"
        )


def timed(call, runs):
    """The median duration of `runs` calls, and the last call's result."""
    timings, result, _log = time_calls(call, runs, queries=False)
    return statistics.median(wall for wall, _cpu in timings), result


def plain_tie_query(program):
    """The tie rows `load_network(program=…)` reads, in one hand-written query."""
    q = connection.ops.quote_name
    tie = q(Tie._meta.db_table)
    organisation = q(Organisation._meta.db_table)
    through = q(Program.municipalities.through._meta.db_table)
    # Table and column names from the models, quoted; the values are parameters.
    scope = f"SELECT {q('municipality_id')} FROM {through} WHERE {q('program_id')} = %s"
    sql = (
        f"SELECT t.{q('source_id')}, t.{q('target_id')}, t.{q('started_on')}, "
        f"t.{q('recorded_at')} FROM {tie} t "
        f"INNER JOIN {organisation} s ON s.{q('id')} = t.{q('source_id')} "
        f"INNER JOIN {organisation} o ON o.{q('id')} = t.{q('target_id')} "
        f"WHERE s.{q('municipality_id')} IN ({scope}) AND o.{q('municipality_id')} IN ({scope})"
    )
    return sql, [program.pk, program.pk]


def random_edges(rng, nodes, count):
    """`count` distinct pairs of distinct nodes, (smaller, larger)."""
    seen = set()
    while len(seen) < count:
        a, b = rng.randrange(nodes), rng.randrange(nodes)
        if a != b:
            seen.add((a, b) if a < b else (b, a))
    return sorted(seen)


def generate(rng, organisation_count, tie_count):
    """One synthetic municipality with all the organisations, in a program of its own; ties
    between random pairs (some pairs twice, with another kind), of random kinds, started on
    random days over three years."""
    municipality = next(m for m in create_municipalities(rng, 1) if m.ags == synthetic_keys(1)[0])
    program = Program.objects.create(
        name=PROGRAM_NAME,
        office="Bench",
        starts_on=FIRST_DAY,
        ends_on=FIRST_DAY + timedelta(days=DAYS),
        template=load_default_template(),
    )
    program.municipalities.set([municipality])
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    for start in range(0, organisation_count, CHUNK):
        batch = []
        for number in range(start, min(start + CHUNK, organisation_count)):
            name = f"Organisation {number:06d}"
            email = f"organisation{number}@{BENCH_DOMAIN}"
            batch.append(
                Organisation(
                    name=name,
                    name_key=name_key(name),
                    kind=rng.choices(kinds, weights)[0],
                    municipality=municipality,
                    email=email,
                    search_text=f"{name.casefold()}\n\n\n{email}",
                )
            )
        Organisation.objects.bulk_create(batch, batch_size=1_000)
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    q = connection.ops.quote_name
    columns = ["source_id", "target_id", "kind", "started_on", "note", "recorded_at"]
    sql = (
        f"INSERT INTO {q(Tie._meta.db_table)} ({', '.join(q(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    recorded_at = connection.ops.adapt_datetimefield_value(timezone.now())
    days = [
        connection.ops.adapt_datefield_value(FIRST_DAY + timedelta(days=d)) for d in range(DAYS)
    ]
    tie_kinds = list(TieKind.values)
    made = set()
    with connection.cursor() as cursor:
        while len(made) < tie_count:
            rows = []
            while len(rows) < CHUNK and len(made) < tie_count:
                source, target = rng.sample(ids, 2)
                kind = rng.choice(tie_kinds)
                if (source, target, kind) in made:
                    continue
                made.add((source, target, kind))
                rows.append((source, target, kind, rng.choice(days), "", recorded_at))
            cursor.executemany(sql, rows)
        # Statistics for the planner, as autovacuum would gather them (PostgreSQL) or as
        # `ANALYZE` keeps them (SQLite): without them the fresh tables are planned as empty.
        cursor.execute("ANALYZE")
    return program
