"""Where each node of a network is drawn: one igraph layout per scope, computed on all of the
scope's edges so that the positions are the same at every date (nodes do not jump when the
time slider moves), scaled to [−1, 1] and kept until the content changes."""

import random
import threading

import igraph

from bruecken.cache import cached_for_version

# A fixed seed: the same network is drawn the same way on every request and in every process.
SEED = 20260301
# Above this many nodes, fewer iterations of the grid variant of Fruchterman-Reingold. DrL, the
# layout meant for large graphs, took 40 s for 5,000 nodes and 50,000 edges on this machine
# against 0.6 s for Fruchterman-Reingold (which igraph runs on a grid above 1,000 nodes), so
# Fruchterman-Reingold serves every size.
LARGE = 3000
LARGE_ITERATIONS = 150

# igraph draws its random numbers from one process-wide generator; swapping in a seeded one
# must not interleave with another thread's layout.
_lock = threading.Lock()


def positions(network):
    """[(x, y), …] by node index, each coordinate in [−1, 1], the aspect ratio kept."""
    n = network.node_count
    if n == 0:
        return []
    if n == 1:
        return [(0.0, 0.0)]
    graph = igraph.Graph(
        n=n, edges=list(zip(network.sources, network.targets, strict=True)), directed=False
    )
    options = {"niter": LARGE_ITERATIONS, "grid": True} if n > LARGE else {}
    with _lock:
        igraph.set_random_number_generator(random.Random(SEED))  # noqa: S311 (not a secret)
        try:
            coords = graph.layout_fruchterman_reingold(**options).coords
        finally:
            igraph.set_random_number_generator(random)
    return scaled(coords)


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
