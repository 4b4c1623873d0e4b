"""Where each node of a network is drawn: one layout per scope, each actor group in its own
region, computed on all of the scope's edges so that the positions are the same at every date
(nodes do not jump when the time slider moves), scaled to [−1, 1] and kept until the content
changes."""

import math
import random
import threading

import igraph

from bruecken.cache import cached_for_version

from .groups import GROUP_ORDER, MIGRANT, MUNICIPAL, side_of

# A fixed seed: the same network is drawn the same way on every request and in every process.
SEED = 20260301
# Above this many nodes in a group, fewer iterations of the grid variant of
# Fruchterman-Reingold. DrL, the layout meant for large graphs, took 40 s for 5,000 nodes and
# 50,000 edges on this machine against 0.6 s for Fruchterman-Reingold (which igraph runs on a
# grid above 1,000 nodes), so Fruchterman-Reingold serves every size. Laid out group by group,
# 5,000 nodes in four groups took 0.8 s with igraph's default 500 iterations, 0.3 s with these.
LARGE = 1000
LARGE_ITERATIONS = 150
# How much narrower than high each group's region is drawn.
NARROW = 0.8

# igraph draws its random numbers from one process-wide generator; swapping in a seeded one
# must not interleave with another thread's layout.
_lock = threading.Lock()


def positions(network):
    """[(x, y), …] by node index, each coordinate in [−1, 1], the aspect ratio kept. Each actor
    group is laid out on its own ties and drawn in its own region (the migrant organisations
    on the left, the municipal groups stacked on the right), so that the groups stay apart
    and a tie across them is a line that crosses the gap, however many workshops link
    everyone."""
    n = network.node_count
    if n == 0:
        return []
    if n == 1:
        return [(0.0, 0.0)]
    members = {}
    local = []  # each node's index within its group
    for group in network.groups:
        nodes = members.setdefault(group, [])
        local.append(len(nodes))
        nodes.append(len(local) - 1)
    # One pass over the edges: those within a group, numbered within it.
    within = {group: [] for group in members}
    groups = network.groups
    for source, target in zip(network.sources, network.targets, strict=True):
        if groups[source] == groups[target]:
            within[groups[source]].append((local[source], local[target]))
    coords = [(0.0, 0.0)] * n
    for group, (centre_x, centre_y), radius in _regions(members):
        nodes = members[group]
        for node, (x, y) in zip(nodes, _group_positions(len(nodes), within[group]), strict=True):
            # Narrower than high: the labels run to the right of their nodes.
            coords[node] = (centre_x + NARROW * radius * x, centre_y + radius * y)
    return scaled(coords)


def _regions(members):
    """(group, centre, radius) of each group present: a disc whose area grows with the group's
    size; the migrant side in a column on the left, the municipal groups in one on the right,
    in the order of GROUP_ORDER, a gap between the discs."""
    gap = 0.6
    columns = {MIGRANT: [], MUNICIPAL: []}
    for group in [*GROUP_ORDER, *sorted(set(members) - set(GROUP_ORDER))]:
        if group in members:
            columns[side_of(group)].append((group, math.sqrt(len(members[group]))))
    widest = {side: max((r for _g, r in column), default=0) for side, column in columns.items()}
    regions = []
    for side, column in columns.items():
        if not column:
            continue
        x = -(widest[MIGRANT] + gap / 2) if side == MIGRANT else widest[MUNICIPAL] + gap / 2
        if not columns[MIGRANT] or not columns[MUNICIPAL]:
            x = 0.0
        height = sum(2 * r for _g, r in column) + gap * (len(column) - 1)
        top = height / 2
        for group, radius in column:
            regions.append((group, (x, top - radius), radius))
            top -= 2 * radius + gap
    return regions


def _group_positions(n, edges):
    """Positions of a group's `n` nodes laid out on the `edges` among them (pairs of indices
    within the group), within the unit disc."""
    if n == 1:
        return [(0.0, 0.0)]
    graph = igraph.Graph(n=n, edges=edges, directed=False)
    options = {"niter": LARGE_ITERATIONS, "grid": True} if n > LARGE else {}
    with _lock:
        igraph.set_random_number_generator(random.Random(SEED))  # noqa: S311 (not a secret)
        try:
            coords = graph.layout_fruchterman_reingold(**options).coords
        finally:
            igraph.set_random_number_generator(random)
    centre_x = sum(x for x, _y in coords) / len(coords)
    centre_y = sum(y for _x, y in coords) / len(coords)
    reach = max(math.hypot(x - centre_x, y - centre_y) for x, y in coords) or 1.0
    return [((x - centre_x) / reach, (y - centre_y) / reach) for x, y in coords]


def scaled(coords):
    """Centred and scaled so that the wider extent spans [−1, 1], rounded for the JSON."""
    xs = [x for x, _y in coords]
    ys = [y for _x, y in coords]
    centre_x = (max(xs) + min(xs)) / 2
    centre_y = (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    return [(round((x - centre_x) / half, 4), round((y - centre_y) / half, 4)) for x, y in coords]


def cached_positions(scope, network):
    """`positions(network)`, cached per content version and scope (a text such as
    "program:3:municipality:5"). The content version changes with every saved organisation,
    tie, registration or result, and with it the network."""
    result = cached_for_version(f"network-layout:{scope}", lambda: positions(network))
    # The network may have been loaded just before a change counted the version up.
    if len(result) != network.node_count:
        result = positions(network)
    return result
