"""The network measures of DESIGN.md ("Network measures") on an undirected igraph Graph as
`graph.to_igraph` builds it: a simple graph (no loops, no parallel edges) with vertex
attributes `group` and `side` and edge attributes `first` (date ordinal), `weight` and `kinds`.

Every function returns plain data (dicts, lists, ints, floats, None, strings) that a template,
a chart or `json.dumps` can use as it is. Graph algorithms (components, degree, betweenness,
triangles) come from igraph; the rest is counting by side or group with numpy.

D is the migrant side, M the municipal side, E the ties between D and M, I the ties within a
side, L all ties, n the nodes. A measure that is undefined for a graph (no edges, too few
nodes) is None, never a division by zero."""

import contextvars
import datetime
import random

import numpy

from .groups import GROUP_ORDER, MIGRANT, MUNICIPAL

# Above this many nodes, betweenness is estimated from a sample of source nodes: exact
# betweenness costs one shortest-path search per node (about 30 ms each at 100,000 nodes and
# 1,000,000 edges on a 2-core machine), the sample costs SAMPLE_SOURCES of them.
SAMPLE_THRESHOLD = 2000
SAMPLE_SOURCES = 100

BROKER_ROLES = ("coordinator", "gatekeeper", "liaison")


def _is_migrant(graph):
    """Per vertex: True on the migrant side."""
    if graph.vcount() == 0:
        return numpy.zeros(0, dtype=bool)
    return numpy.array(graph.vs["side"]) == MIGRANT


def _edges(graph):
    """The edge list as an (L, 2) integer array."""
    if graph.ecount() == 0:
        return numpy.zeros((0, 2), dtype=numpy.int64)
    return numpy.array(graph.get_edgelist(), dtype=numpy.int64)


# Within `measure`, the side per vertex and the edge list of its graph, fetched once (about
# 0.25 s for 1,000,000 edges) for all the measures instead of once per measure.
_shared = contextvars.ContextVar("shared", default=None)


def _arrays(graph):
    """(migrant side per vertex, edge list) of the graph."""
    shared = _shared.get()
    if shared is not None and shared[0] is graph:
        return shared[1], shared[2]
    return _is_migrant(graph), _edges(graph)


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else None


def _node(graph, index):
    """A node as plain data: its index and whichever identifying attributes the graph has."""
    node = {"index": index}
    for attribute in ("organisation_id", "label", "group", "side"):
        if attribute in graph.vs.attributes():
            node[attribute] = graph.vs[index][attribute]
    return node


def _top(graph, values, k, key):
    """The k nodes with the highest values (ties: lower index first), as node dicts with the
    value under `key`; k=None: all nodes."""
    values = numpy.asarray(values)
    # A stable sort on the negated values keeps equal values in index order.
    order = numpy.argsort(-values, kind="stable")
    if k is not None:
        order = order[:k]
    top = []
    for index in order.tolist():
        node = _node(graph, index)
        node[key] = values[index].item()
        top.append(node)
    return top


def _edge_counts(migrant, edges):
    """Ties within the migrant side, within the municipal side and across the sides."""
    ends = migrant[edges]
    within_migrant = int(numpy.count_nonzero(ends[:, 0] & ends[:, 1]))
    within_municipal = int(numpy.count_nonzero(~ends[:, 0] & ~ends[:, 1]))
    across = len(edges) - within_migrant - within_municipal
    return within_migrant, within_municipal, across


def _assortativity(within_migrant, within_municipal, across):
    """Newman's (2003) assortativity coefficient r = (Σ e_ii − Σ a_i²) / (1 − Σ a_i²) on the
    2×2 mixing matrix of the sides, computed here from the tie counts: in an undirected graph
    each tie gives two edge ends, so e_DD = 2·I_D / 2L, e_DM = e_MD = E / 2L and
    a_D = (2·I_D + E) / 2L. None without edges, or when all edge ends are on one side."""
    ends = 2 * (within_migrant + within_municipal + across)
    if not ends:
        return None
    a_migrant = (2 * within_migrant + across) / ends
    a_municipal = (2 * within_municipal + across) / ends
    expected = a_migrant**2 + a_municipal**2
    if expected >= 1:
        return None
    observed = (2 * within_migrant + 2 * within_municipal) / ends
    return (observed - expected) / (1 - expected)


def summary(graph):
    """Nodes by group and side; ties in all, within each side and across; density, cross-group
    share and density, E-I index, assortativity by side, degree centralisation, components,
    isolates and the share of nodes in the largest component."""
    n = graph.vcount()
    migrant, edges = _arrays(graph)
    groups = graph.vs["group"] if n else []
    nodes_by_group = {group: 0 for group in GROUP_ORDER}
    for group in groups:
        nodes_by_group[group] = nodes_by_group.get(group, 0) + 1
    n_migrant = int(numpy.count_nonzero(migrant))
    n_municipal = n - n_migrant

    within_migrant, within_municipal, across = _edge_counts(migrant, edges)
    within = within_migrant + within_municipal
    ties = within + across

    degrees = numpy.array(graph.degree(), dtype=numpy.int64)
    # Freeman (1979) for an undirected graph: the sum of the differences to the largest degree,
    # divided by its maximum, (n−1)(n−2), which a star reaches.
    centralisation = int((degrees.max() - degrees).sum()) / ((n - 1) * (n - 2)) if n >= 3 else None

    sizes = graph.connected_components().sizes() if n else []
    return {
        "nodes": n,
        "nodes_by_group": nodes_by_group,
        "nodes_by_side": {MIGRANT: n_migrant, MUNICIPAL: n_municipal},
        "edges": ties,
        "edges_within": {MIGRANT: within_migrant, MUNICIPAL: within_municipal},
        "edges_within_sides": within,
        "edges_across": across,
        "density": _ratio(2 * ties, n * (n - 1)),
        "cross_share": _ratio(across, ties),
        # Krackhardt & Stern (1988): from −1 (all ties within a side) to +1 (all across).
        "ei_index": _ratio(across - within, ties),
        "cross_density": _ratio(across, n_migrant * n_municipal),
        "assortativity": _assortativity(within_migrant, within_municipal, across),
        "degree_centralisation": centralisation,
        "components": len(sizes),
        "isolates": int(numpy.count_nonzero(degrees == 0)),
        "largest_component_share": _ratio(max(sizes, default=0), n),
    }


def ei_by_node(graph):
    """Each node's E-I index from its own ties, (E − I) / (E + I), by vertex index; None for
    an isolate."""
    n = graph.vcount()
    migrant, edges = _arrays(graph)
    cross = migrant[edges[:, 0]] != migrant[edges[:, 1]]
    across = numpy.bincount(edges[cross].ravel(), minlength=n)
    within = numpy.bincount(edges[~cross].ravel(), minlength=n)
    return [
        _ratio(int(e) - int(i), int(e) + int(i))
        for e, i in zip(across.tolist(), within.tolist(), strict=True)
    ]


def top_degree(graph, k=10):
    """The k nodes with the most ties: `degree` and the degree centrality deg / (n − 1)."""
    n = graph.vcount()
    top = _top(graph, graph.degree(), k, "degree")
    for node in top:
        # One node alone has no possible ties: centrality 0, as in NetworkX.
        node["centrality"] = node["degree"] / (n - 1) if n > 1 else 0.0
    return top


def betweenness(graph, k=10, sample=None, seed=None, threshold=SAMPLE_THRESHOLD):
    """The k nodes with the highest betweenness (Brandes, via igraph), normalised as NetworkX
    does for undirected graphs: divided by the (n − 1)(n − 2) / 2 pairs of other nodes.

    Exact up to `threshold` nodes. Above it, or when `sample` (a number of source nodes) is
    given and smaller than n, estimated: `sample` source nodes (SAMPLE_SOURCES when not given)
    are drawn at random with `seed`, the shortest paths from them to all nodes counted and the
    sum scaled by n / sample. The result states which: `sampled`, `sources` (the number of
    source nodes used), `nodes`, `seed`, and `top` (node dicts with `betweenness`; k=None: all
    nodes, highest first)."""
    n = graph.vcount()
    if sample is not None and sample < 1:
        raise ValueError("betweenness needs at least one source node to sample")
    if sample is None and n > threshold:
        sample = SAMPLE_SOURCES
    sampled = sample is not None and sample < n
    if sampled:
        # A reproducible sample, not a secret: the standard generator is the right one.
        sources = sorted(random.Random(seed).sample(range(n), sample))  # noqa: S311
        raw = numpy.array(graph.betweenness(directed=False, sources=sources, targets=None))
        raw *= n / sample
    else:
        raw = numpy.array(graph.betweenness(directed=False)) if n else numpy.zeros(0)
    values = raw * (2 / ((n - 1) * (n - 2))) if n > 2 else numpy.zeros(n)
    return {
        "sampled": sampled,
        "sources": sample if sampled else n,
        "nodes": n,
        "seed": seed if sampled else None,
        "top": _top(graph, values, k, "betweenness"),
    }


def brokerage(graph):
    """Gould & Fernandez (1989) brokerage roles between the two sides, on the undirected graph:
    per vertex index, the number of open two-paths A–B–C (A and C not adjacent) in which B is a
    `coordinator` (A, B and C on one side), a `liaison` (A and C on one side, B on the other) or
    a `gatekeeper` (exactly one of A and C on B's side; representative and gatekeeper are one
    role without directions).

    Counted per node as all pairs of its neighbours by side, less the pairs that are adjacent,
    which are the triangles through the node."""
    n = graph.vcount()
    migrant, edges = _arrays(graph)
    cross = migrant[edges[:, 0]] != migrant[edges[:, 1]]
    other = numpy.bincount(edges[cross].ravel(), minlength=n).astype(numpy.int64)
    same = numpy.bincount(edges[~cross].ravel(), minlength=n).astype(numpy.int64)
    coordinator = same * (same - 1) // 2
    liaison = other * (other - 1) // 2
    gatekeeper = same * other

    triangles = numpy.array(graph.list_triangles(), dtype=numpy.int64).reshape(-1, 3)
    for b, a, c in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
        broker, first, second = triangles[:, b], triangles[:, a], triangles[:, c]
        a_same = migrant[first] == migrant[broker]
        c_same = migrant[second] == migrant[broker]
        coordinator -= numpy.bincount(broker[a_same & c_same], minlength=n)
        liaison -= numpy.bincount(broker[~a_same & ~c_same], minlength=n)
        gatekeeper -= numpy.bincount(broker[a_same != c_same], minlength=n)
    return {
        "coordinator": coordinator.tolist(),
        "gatekeeper": gatekeeper.tolist(),
        "liaison": liaison.tolist(),
    }


def top_brokers(graph, k=10, roles=None):
    """The k nodes that broker most between the sides (gatekeeper + liaison), with their counts
    per role; nodes that broker nothing between the sides are left out."""
    roles = brokerage(graph) if roles is None else roles
    between = numpy.array(roles["gatekeeper"], dtype=numpy.int64) + numpy.array(
        roles["liaison"], dtype=numpy.int64
    )
    top = []
    for node in _top(graph, between, k, "between_sides"):
        if not node["between_sides"]:
            break
        for role in BROKER_ROLES:
            node[role] = roles[role][node["index"]]
        top.append(node)
    return top


def group_matrix(graph):
    """Tie counts between the actor groups (rows and columns in `groups.GROUP_ORDER`),
    symmetric; the diagonal counts the ties within a group."""
    size = len(GROUP_ORDER)
    matrix = numpy.zeros((size, size), dtype=numpy.int64)
    _, edges = _arrays(graph)
    if len(edges):
        position = {group: i for i, group in enumerate(GROUP_ORDER)}
        group_index = numpy.array([position[group] for group in graph.vs["group"]])
        ends = group_index[edges]
        numpy.add.at(matrix, (ends[:, 0], ends[:, 1]), 1)
        # Each tie was counted once in one triangle of the matrix; mirror it, but not twice on
        # the diagonal.
        matrix = matrix + matrix.T - numpy.diag(numpy.diag(matrix))
    return {"groups": list(GROUP_ORDER), "matrix": matrix.tolist()}


def new_ties(graph, baseline):
    """The ties first recorded after `baseline` (a date, or a date's ordinal): in all, within
    each side and across the sides."""
    limit = baseline.toordinal() if isinstance(baseline, datetime.date) else int(baseline)
    migrant, edges = _arrays(graph)
    if len(edges):
        edges = edges[numpy.array(graph.es["first"]) > limit]
    within_migrant, within_municipal, across = _edge_counts(migrant, edges)
    return {
        "baseline": datetime.date.fromordinal(limit).isoformat(),
        "count": len(edges),
        "within": {MIGRANT: within_migrant, MUNICIPAL: within_municipal},
        "across": across,
    }


def measure(
    graph,
    baseline=None,
    top=10,
    sample=None,
    seed=0,
    threshold=SAMPLE_THRESHOLD,
):
    """The full set of measures in one dict: `summary`, `group_matrix`, `top_degree`,
    `betweenness` (sampled above `threshold` nodes, see `betweenness`), `brokers` and
    `new_ties` since `baseline` (None without a baseline)."""
    token = _shared.set((graph, _is_migrant(graph), _edges(graph)))
    try:
        return {
            "summary": summary(graph),
            "group_matrix": group_matrix(graph),
            "top_degree": top_degree(graph, top),
            "betweenness": betweenness(graph, top, sample=sample, seed=seed, threshold=threshold),
            "brokers": top_brokers(graph, top),
            "new_ties": None if baseline is None else new_ties(graph, baseline),
        }
    finally:
        _shared.reset(token)
