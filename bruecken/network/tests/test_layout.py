import random

import pytest
from django.core.cache import cache

from bruecken.network import layout
from bruecken.network.graph import Network


def make_network(n, m, seed=1):
    rng = random.Random(seed)
    edges = set()
    while len(edges) < m:
        a, b = sorted(rng.sample(range(n), 2))
        edges.add((a, b))
    edges = sorted(edges)
    return Network(
        organisation_ids=list(range(1, n + 1)),
        groups=["ngos"] * n,
        labels=[f"O{i}" for i in range(n)],
        sources=[a for a, _ in edges],
        targets=[b for _, b in edges],
        first=[1] * m,
        weights=[1] * m,
        kinds=[1] * m,
    )


@pytest.mark.parametrize(("n", "m"), [(2, 1), (30, 60), (layout.LARGE + 10, 2 * layout.LARGE)])
def test_positions_are_in_range_and_fill_it(n, m):
    positions = layout.positions(make_network(n, m))
    assert len(positions) == n
    xs = [x for x, _ in positions]
    ys = [y for _, y in positions]
    assert all(-1 <= v <= 1 for v in xs + ys)
    # Scaled so that the wider extent spans the whole range.
    assert max(max(xs) - min(xs), max(ys) - min(ys)) == pytest.approx(2, abs=1e-3)


def test_positions_are_stable_across_calls_whatever_the_global_random_state():
    network = make_network(200, 500)
    first = layout.positions(network)
    random.seed(12345)
    random.random()
    assert layout.positions(network) == first


def test_positions_of_empty_and_single_networks():
    assert layout.positions(Network()) == []
    assert layout.positions(make_network(1, 0)) == [(0.0, 0.0)]


def test_isolated_nodes_get_positions_too():
    network = make_network(10, 3)
    positions = layout.positions(network)
    assert len(positions) == 10
    assert len(set(positions)) == 10


@pytest.mark.django_db
def test_cached_per_scope_until_the_content_changes(settings, monkeypatch):
    from bruecken.cache import bump

    settings.WEBSITE_CACHE_SECONDS = 60
    cache.clear()
    calls = []
    real = layout.positions

    def counting(network):
        calls.append(network)
        return real(network)

    monkeypatch.setattr(layout, "positions", counting)
    network = make_network(20, 30)
    first = layout.cached_positions("program:1:municipality:-", network)
    assert layout.cached_positions("program:1:municipality:-", network) == first
    assert len(calls) == 1
    layout.cached_positions("program:2:municipality:-", network)
    assert len(calls) == 2
    bump()
    layout.cached_positions("program:1:municipality:-", network)
    assert len(calls) == 3


@pytest.mark.django_db
def test_a_cached_layout_of_another_size_is_computed_again(settings):
    settings.WEBSITE_CACHE_SECONDS = 60
    cache.clear()
    layout.cached_positions("scope", make_network(5, 4))
    assert len(layout.cached_positions("scope", make_network(8, 4))) == 8
