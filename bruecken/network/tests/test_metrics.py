"""The network measures against hand-computed values on small graphs and against NetworkX (or
a brute-force count over NetworkX's adjacency) on random graphs. No database needed."""

import datetime
import itertools
import json
import random

import networkx
import numpy
import pytest

from bruecken.network import metrics
from bruecken.network.graph import EdgeKind, Network, to_igraph
from bruecken.network.groups import (
    ADMINISTRATION,
    GROUP_ORDER,
    MIGRANT,
    MIGRANT_ORGANISATIONS,
    MUNICIPAL,
    NGOS,
    OTHER_INSTITUTIONS,
)

# One letter per node: D a migrant organisation (migrant side); A administration, N NGO,
# O other institution (municipal side).
LETTERS = {"D": MIGRANT_ORGANISATIONS, "A": ADMINISTRATION, "N": NGOS, "O": OTHER_INSTITUTIONS}
START = datetime.date(2024, 1, 1)


def make_graph(letters, edges, first=None):
    """An igraph Graph built the way the app builds it: a Network through `to_igraph`."""
    first = first or [START] * len(edges)
    pairs = [tuple(sorted(edge)) for edge in edges]
    network = Network(
        organisation_ids=[100 + i for i in range(len(letters))],
        groups=[LETTERS[letter] for letter in letters],
        labels=[f"organisation {i}" for i in range(len(letters))],
        sources=[source for source, _ in pairs],
        targets=[target for _, target in pairs],
        first=[day.toordinal() for day in first],
        weights=[1] * len(pairs),
        kinds=[EdgeKind.TIE] * len(pairs),
    )
    return to_igraph(network)


def star():
    # Hub 0 (administration) with migrant leaves 1, 2 and NGO leaves 3, 4.
    return make_graph("ADDNN", [(0, 1), (0, 2), (0, 3), (0, 4)])


def path():
    # 0 – 1 – 2 – 3, the first two on the migrant side, the last two on the municipal side.
    return make_graph("DDAN", [(0, 1), (1, 2), (2, 3)])


def bridged_triangles():
    # A migrant triangle 0, 1, 2 and a municipal triangle 3, 4, 5 joined by the bridge 2 – 3.
    return make_graph("DDDANO", [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])


def with_isolates():
    # One tie across the sides (0 – 1) and the isolates 2 (migrant) and 3 (municipal).
    return make_graph("DADN", [(0, 1)])


def empty():
    return make_graph("", [])


def without_edges():
    return make_graph("DAN", [])


def approx(expected):
    return pytest.approx(expected, abs=1e-12)


class TestSummaryByHand:
    def test_star(self):
        result = metrics.summary(star())
        assert result["nodes"] == 5
        assert result["nodes_by_group"] == {
            MIGRANT_ORGANISATIONS: 2,
            ADMINISTRATION: 1,
            NGOS: 2,
            OTHER_INSTITUTIONS: 0,
        }
        assert result["nodes_by_side"] == {MIGRANT: 2, MUNICIPAL: 3}
        assert result["edges"] == 4
        assert result["edges_within"] == {MIGRANT: 0, MUNICIPAL: 2}
        assert result["edges_within_sides"] == 2
        assert result["edges_across"] == 2
        # 2·4 / (5·4)
        assert result["density"] == approx(0.4)
        # E / L = 2 / 4
        assert result["cross_share"] == approx(0.5)
        # (2 − 2) / 4
        assert result["ei_index"] == approx(0.0)
        # E / (n_D · n_M) = 2 / (2·3)
        assert result["cross_density"] == approx(1 / 3)
        # 8 edge ends: a_D = 2/8, a_M = 6/8, Σa² = 0.625, Σe_ii = 4/8 → (0.5 − 0.625) / 0.375
        assert result["assortativity"] == approx(-1 / 3)
        # Σ(4 − deg) = 12 over (5−1)(5−2) = 12: a star is fully centralised
        assert result["degree_centralisation"] == approx(1.0)
        assert result["components"] == 1
        assert result["isolates"] == 0
        assert result["largest_component_share"] == approx(1.0)

    def test_path(self):
        result = metrics.summary(path())
        assert result["edges_within"] == {MIGRANT: 1, MUNICIPAL: 1}
        assert result["edges_across"] == 1
        # 2·3 / (4·3)
        assert result["density"] == approx(0.5)
        # (1 − 2) / 3
        assert result["ei_index"] == approx(-1 / 3)
        assert result["cross_share"] == approx(1 / 3)
        # 1 / (2·2)
        assert result["cross_density"] == approx(0.25)
        # 6 edge ends: a_D = a_M = 1/2, Σe_ii = 4/6 → (2/3 − 1/2) / (1/2)
        assert result["assortativity"] == approx(1 / 3)
        # degrees 1, 2, 2, 1: Σ(2 − deg) = 2 over 3·2
        assert result["degree_centralisation"] == approx(1 / 3)

    def test_bridged_triangles(self):
        result = metrics.summary(bridged_triangles())
        assert result["edges"] == 7
        assert result["edges_within"] == {MIGRANT: 3, MUNICIPAL: 3}
        assert result["edges_across"] == 1
        # 2·7 / (6·5)
        assert result["density"] == approx(7 / 15)
        # (1 − 6) / 7
        assert result["ei_index"] == approx(-5 / 7)
        assert result["cross_share"] == approx(1 / 7)
        # 1 / (3·3)
        assert result["cross_density"] == approx(1 / 9)
        # 14 edge ends: a_D = a_M = 1/2, Σe_ii = 12/14 → (6/7 − 1/2) / (1/2)
        assert result["assortativity"] == approx(5 / 7)
        # degrees 2, 2, 3, 3, 2, 2: Σ(3 − deg) = 4 over 5·4
        assert result["degree_centralisation"] == approx(0.2)
        assert result["components"] == 1

    def test_isolates(self):
        result = metrics.summary(with_isolates())
        # 2·1 / (4·3)
        assert result["density"] == approx(1 / 6)
        # the one tie crosses the sides: (1 − 0) / 1
        assert result["ei_index"] == approx(1.0)
        assert result["cross_share"] == approx(1.0)
        # 1 / (2·2)
        assert result["cross_density"] == approx(0.25)
        # 2 edge ends, one per side: Σa² = 1/2, Σe_ii = 0 → (0 − 1/2) / (1/2)
        assert result["assortativity"] == approx(-1.0)
        # degrees 1, 1, 0, 0: Σ(1 − deg) = 2 over 3·2
        assert result["degree_centralisation"] == approx(1 / 3)
        assert result["components"] == 3
        assert result["isolates"] == 2
        # the largest component holds 2 of 4 nodes
        assert result["largest_component_share"] == approx(0.5)

    def test_empty_graph(self):
        result = metrics.summary(empty())
        assert result["nodes"] == 0
        assert result["edges"] == 0
        assert result["nodes_by_side"] == {MIGRANT: 0, MUNICIPAL: 0}
        for key in (
            "density",
            "cross_share",
            "ei_index",
            "cross_density",
            "assortativity",
            "degree_centralisation",
            "largest_component_share",
        ):
            assert result[key] is None, key
        assert result["components"] == 0
        assert result["isolates"] == 0

    def test_graph_without_edges(self):
        result = metrics.summary(without_edges())
        assert result["density"] == 0.0
        assert result["cross_density"] == 0.0
        # no ties: no E-I index, no share, no mixing matrix
        assert result["ei_index"] is None
        assert result["cross_share"] is None
        assert result["assortativity"] is None
        # all degrees 0: Σ(0 − 0) = 0 over 2·1
        assert result["degree_centralisation"] == 0.0
        assert result["components"] == 3
        assert result["isolates"] == 3
        assert result["largest_component_share"] == approx(1 / 3)

    def test_one_side_only(self):
        # A migrant triangle: no municipal node, so no cross density, and every edge end on
        # one side, so the mixing matrix has no assortativity (1 − Σa² = 0).
        result = metrics.summary(make_graph("DDD", [(0, 1), (1, 2), (0, 2)]))
        assert result["ei_index"] == approx(-1.0)
        assert result["cross_density"] is None
        assert result["assortativity"] is None
        # all degrees 2: Σ(2 − deg) = 0
        assert result["degree_centralisation"] == 0.0

    def test_two_nodes_have_no_centralisation(self):
        result = metrics.summary(make_graph("DA", [(0, 1)]))
        assert result["degree_centralisation"] is None
        assert result["density"] == approx(1.0)


class TestNodeMeasuresByHand:
    def test_ei_by_node(self):
        # star: the hub has 2 ties across and 2 within → 0; migrant leaves +1; NGO leaves −1
        assert metrics.ei_by_node(star()) == approx([0.0, 1.0, 1.0, -1.0, -1.0])
        # bridge ends: 1 across, 2 within → (1 − 2) / 3
        assert metrics.ei_by_node(bridged_triangles()) == approx(
            [-1.0, -1.0, -1 / 3, -1 / 3, -1.0, -1.0]
        )
        assert metrics.ei_by_node(with_isolates()) == [1.0, 1.0, None, None]
        assert metrics.ei_by_node(empty()) == []
        assert metrics.ei_by_node(without_edges()) == [None, None, None]

    def test_top_degree(self):
        top = metrics.top_degree(star(), 2)
        assert [node["index"] for node in top] == [0, 1]
        assert top[0]["degree"] == 4
        assert top[0]["organisation_id"] == 100
        assert top[0]["group"] == ADMINISTRATION
        assert top[0]["side"] == MUNICIPAL
        # 4 / (5 − 1)
        assert top[0]["centrality"] == approx(1.0)
        # 1 / (5 − 1)
        assert top[1]["centrality"] == approx(0.25)
        assert metrics.top_degree(empty(), 3) == []
        assert metrics.top_degree(make_graph("D", []), 3)[0]["centrality"] == 0.0

    def test_betweenness(self):
        # star: the hub is on all 6 paths between the leaves; 6 · 2 / (4·3)
        result = metrics.betweenness(star(), 2)
        assert result["sampled"] is False
        assert result["sources"] == 5
        assert result["nodes"] == 5
        assert [node["index"] for node in result["top"]] == [0, 1]
        assert result["top"][0]["betweenness"] == approx(1.0)
        assert result["top"][1]["betweenness"] == 0.0
        # path: node 1 is on 0–2 and 0–3; 2 · 2 / (3·2)
        top = metrics.betweenness(path(), None)["top"]
        assert {node["index"]: node["betweenness"] for node in top} == {
            0: approx(0.0),
            1: approx(2 / 3),
            2: approx(2 / 3),
            3: approx(0.0),
        }
        # bridge ends: each on the 6 paths from its triangle to the other; 6 · 2 / (5·4)
        top = metrics.betweenness(bridged_triangles(), 2)["top"]
        assert [(node["index"], node["betweenness"]) for node in top] == [
            (2, approx(0.6)),
            (3, approx(0.6)),
        ]

    def test_betweenness_degenerate(self):
        assert metrics.betweenness(empty())["top"] == []
        assert [node["betweenness"] for node in metrics.betweenness(without_edges())["top"]] == [
            0.0
        ] * 3
        two = metrics.betweenness(make_graph("DA", [(0, 1)]))
        assert [node["betweenness"] for node in two["top"]] == [0.0, 0.0]
        with pytest.raises(ValueError):
            metrics.betweenness(star(), sample=0)


class TestBrokerageByHand:
    def test_star(self):
        # hub (municipal): migrant pair 1–2 → liaison 1; NGO pair 3–4 → coordinator 1;
        # 2 migrant × 2 municipal neighbours → gatekeeper 4; no triangles to subtract
        roles = metrics.brokerage(star())
        assert roles == {
            "coordinator": [1, 0, 0, 0, 0],
            "gatekeeper": [4, 0, 0, 0, 0],
            "liaison": [1, 0, 0, 0, 0],
        }
        top = metrics.top_brokers(star(), 3)
        assert len(top) == 1
        assert top[0]["index"] == 0
        # gatekeeper 4 + liaison 1
        assert top[0]["between_sides"] == 5
        assert (top[0]["coordinator"], top[0]["gatekeeper"], top[0]["liaison"]) == (1, 4, 1)

    def test_bridged_triangles(self):
        # each bridge end: its pair inside the triangle is closed (no coordinator); the two
        # open paths through the bridge make it a gatekeeper twice
        roles = metrics.brokerage(bridged_triangles())
        assert roles["coordinator"] == [0] * 6
        assert roles["gatekeeper"] == [0, 0, 2, 2, 0, 0]
        assert roles["liaison"] == [0] * 6
        assert [node["index"] for node in metrics.top_brokers(bridged_triangles())] == [2, 3]

    def test_liaison_open_and_closed(self):
        # a migrant organisation between two municipal ones: liaison once
        assert metrics.brokerage(make_graph("ADN", [(0, 1), (1, 2)]))["liaison"] == [0, 1, 0]
        # once the municipal two are tied themselves, the path is closed
        closed = metrics.brokerage(make_graph("ADN", [(0, 1), (1, 2), (0, 2)]))
        assert closed == {"coordinator": [0, 0, 0], "gatekeeper": [0, 0, 0], "liaison": [0, 0, 0]}

    def test_degenerate(self):
        assert metrics.brokerage(empty()) == {"coordinator": [], "gatekeeper": [], "liaison": []}
        assert metrics.brokerage(without_edges())["gatekeeper"] == [0, 0, 0]
        assert metrics.top_brokers(without_edges()) == []
        assert metrics.top_brokers(path()) == [
            {
                "index": 1,
                "organisation_id": 101,
                "label": "organisation 1",
                "group": MIGRANT_ORGANISATIONS,
                "side": MIGRANT,
                "between_sides": 1,
                "coordinator": 0,
                "gatekeeper": 1,
                "liaison": 0,
            },
            {
                "index": 2,
                "organisation_id": 102,
                "label": "organisation 2",
                "group": ADMINISTRATION,
                "side": MUNICIPAL,
                "between_sides": 1,
                "coordinator": 0,
                "gatekeeper": 1,
                "liaison": 0,
            },
        ]


class TestGroupsAndNewTies:
    def test_group_matrix(self):
        # star: administration hub to 2 migrant organisations and 2 NGOs
        assert metrics.group_matrix(star()) == {
            "groups": GROUP_ORDER,
            "matrix": [[0, 2, 0, 0], [2, 0, 2, 0], [0, 2, 0, 0], [0, 0, 0, 0]],
        }
        # migrant triangle on the diagonal (3), bridge migrant–administration, and the
        # municipal triangle administration–NGO–other, one tie per pair
        assert metrics.group_matrix(bridged_triangles())["matrix"] == [
            [3, 1, 0, 0],
            [1, 0, 1, 1],
            [0, 1, 0, 1],
            [0, 1, 1, 0],
        ]
        assert metrics.group_matrix(empty())["matrix"] == [[0] * 4 for _ in range(4)]
        assert metrics.group_matrix(without_edges())["matrix"] == [[0] * 4 for _ in range(4)]

    def test_new_ties(self):
        days = [datetime.date(2024, 1, 1), datetime.date(2024, 6, 1), datetime.date(2025, 1, 1)]
        graph = make_graph("DDAN", [(0, 1), (1, 2), (2, 3)], first=days)
        # strictly after the baseline: the across tie of June is not new on the baseline day
        assert metrics.new_ties(graph, datetime.date(2024, 6, 1)) == {
            "baseline": "2024-06-01",
            "count": 1,
            "within": {MIGRANT: 0, MUNICIPAL: 1},
            "across": 0,
        }
        since_start = metrics.new_ties(graph, datetime.date(2023, 12, 31).toordinal())
        assert since_start["count"] == 3
        assert since_start["within"] == {MIGRANT: 1, MUNICIPAL: 1}
        assert since_start["across"] == 1
        assert metrics.new_ties(empty(), START)["count"] == 0

    def test_measure_is_json(self):
        days = [START + datetime.timedelta(days=i) for i in range(7)]
        graph = make_graph(
            "DDDANO", [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)], first=days
        )
        result = metrics.measure(graph, baseline=START, top=2)
        assert json.loads(json.dumps(result)) == result
        assert result["summary"]["edges"] == 7
        assert result["new_ties"]["count"] == 6
        assert [node["index"] for node in result["top_degree"]] == [2, 3]
        assert [node["index"] for node in result["brokers"]] == [2, 3]
        assert result["betweenness"]["sampled"] is False
        assert metrics.measure(graph)["new_ties"] is None
        for degenerate in (empty(), without_edges()):
            result = metrics.measure(degenerate, baseline=START)
            assert json.loads(json.dumps(result)) == result


def random_network(seed, nodes=80, edges=240):
    """A NetworkX G(n, m) graph with random groups, and the same graph through `to_igraph`."""
    rng = random.Random(seed)
    reference = networkx.gnm_random_graph(nodes, edges, seed=seed)
    letters = "".join(rng.choice("DDANO") for _ in range(nodes))
    for node in reference:
        reference.nodes[node]["group"] = LETTERS[letters[node]]
        reference.nodes[node]["side"] = MIGRANT if letters[node] == "D" else MUNICIPAL
    return reference, make_graph(letters, list(reference.edges()))


SEEDS = [1, 2, 3, 4, 5]


@pytest.mark.parametrize("seed", SEEDS)
def test_summary_against_networkx(seed):
    reference, graph = random_network(seed)
    result = metrics.summary(graph)
    side = networkx.get_node_attributes(reference, "side")
    across = sum(1 for a, b in reference.edges() if side[a] != side[b])
    within = reference.number_of_edges() - across
    n_migrant = sum(1 for node in reference if side[node] == MIGRANT)

    assert result["nodes"] == reference.number_of_nodes()
    assert result["edges"] == reference.number_of_edges()
    assert result["edges_across"] == across
    assert result["density"] == approx(networkx.density(reference))
    assert result["ei_index"] == approx((across - within) / (across + within))
    assert result["cross_share"] == approx(across / reference.number_of_edges())
    n_municipal = reference.number_of_nodes() - n_migrant
    assert result["cross_density"] == approx(across / (n_migrant * n_municipal))
    assert result["assortativity"] == approx(
        networkx.attribute_assortativity_coefficient(reference, "side")
    )
    # igraph's own nominal assortativity agrees with the arithmetic on the mixing matrix
    types = [0 if s == MIGRANT else 1 for s in graph.vs["side"]]
    assert result["assortativity"] == approx(graph.assortativity_nominal(types, directed=False))
    assert result["components"] == networkx.number_connected_components(reference)
    assert result["isolates"] == networkx.number_of_isolates(reference)
    largest = max(len(c) for c in networkx.connected_components(reference))
    assert result["largest_component_share"] == approx(largest / reference.number_of_nodes())
    degrees = dict(reference.degree())
    top = max(degrees.values())
    n = reference.number_of_nodes()
    assert result["degree_centralisation"] == approx(
        sum(top - d for d in degrees.values()) / ((n - 1) * (n - 2))
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_node_measures_against_networkx(seed):
    reference, graph = random_network(seed)
    side = networkx.get_node_attributes(reference, "side")

    degree = {node["index"]: node for node in metrics.top_degree(graph, None)}
    centrality = networkx.degree_centrality(reference)
    for node, value in reference.degree():
        assert degree[node]["degree"] == value
        assert degree[node]["centrality"] == approx(centrality[node])

    exact = networkx.betweenness_centrality(reference, normalized=True)
    result = metrics.betweenness(graph, None)
    assert result["sampled"] is False
    assert {node["index"]: node["betweenness"] for node in result["top"]} == {
        node: approx(value) for node, value in exact.items()
    }
    assert [node["betweenness"] for node in metrics.betweenness(graph, 5)["top"]] == approx(
        sorted(exact.values(), reverse=True)[:5]
    )

    expected_ei = []
    for node in reference:
        across = sum(1 for other in reference[node] if side[other] != side[node])
        within = reference.degree(node) - across
        expected_ei.append((across - within) / (across + within) if across + within else None)
    assert metrics.ei_by_node(graph) == [
        None if value is None else approx(value) for value in expected_ei
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_brokerage_and_groups_against_brute_force(seed):
    # denser, so that there are triangles to subtract
    reference, graph = random_network(seed, nodes=40, edges=200)
    side = networkx.get_node_attributes(reference, "side")
    expected = {role: [0] * 40 for role in metrics.BROKER_ROLES}
    for broker in reference:
        for a, c in itertools.combinations(reference[broker], 2):
            if reference.has_edge(a, c):
                continue
            same = (side[a] == side[broker]) + (side[c] == side[broker])
            role = {2: "coordinator", 1: "gatekeeper", 0: "liaison"}[same]
            expected[role][broker] += 1
    assert sum(networkx.triangles(reference).values()) > 0
    assert metrics.brokerage(graph) == expected

    group = networkx.get_node_attributes(reference, "group")
    matrix = [[0] * 4 for _ in range(4)]
    for a, b in reference.edges():
        i, j = GROUP_ORDER.index(group[a]), GROUP_ORDER.index(group[b])
        matrix[i][j] += 1
        if i != j:
            matrix[j][i] += 1
    assert metrics.group_matrix(graph)["matrix"] == matrix

    # measure() fetches the sides and edges once for all measures: the same figures
    result = metrics.measure(graph, baseline=START, top=5)
    assert result["summary"] == metrics.summary(graph)
    assert result["group_matrix"] == metrics.group_matrix(graph)
    assert result["brokers"] == metrics.top_brokers(graph, 5)
    assert result["new_ties"] == metrics.new_ties(graph, START)


def average_ranks(values):
    """Ranks 1..n, ties sharing their average rank (as Spearman's coefficient needs)."""
    _, inverse, counts = numpy.unique(values, return_inverse=True, return_counts=True)
    return (numpy.cumsum(counts) - (counts - 1) / 2)[inverse]


def test_sampled_betweenness_correlates_with_exact():
    _, graph = random_network(11, nodes=1000, edges=4000)

    exact = metrics.betweenness(graph, None)
    sampled = metrics.betweenness(graph, None, sample=200, seed=7)
    assert exact["sampled"] is False
    assert (sampled["sampled"], sampled["sources"], sampled["nodes"], sampled["seed"]) == (
        True,
        200,
        1000,
        7,
    )
    by_index = [
        [value for _, value in sorted((n["index"], n["betweenness"]) for n in result["top"])]
        for result in (exact, sampled)
    ]
    spearman = numpy.corrcoef(average_ranks(by_index[0]), average_ranks(by_index[1]))[0, 1]
    assert spearman > 0.8
    # scaled by n / sample, the estimate is on the scale of the exact values
    assert sum(by_index[1]) == pytest.approx(sum(by_index[0]), rel=0.2)
    # the same seed draws the same sources
    assert metrics.betweenness(graph, 5, sample=200, seed=7)["top"] == sampled["top"][:5]

    # above the threshold, betweenness samples SAMPLE_SOURCES sources by itself, and says so
    automatic = metrics.measure(graph, top=3, threshold=500)["betweenness"]
    assert automatic["sampled"] is True
    assert automatic["sources"] == metrics.SAMPLE_SOURCES
    assert automatic["nodes"] == 1000
    assert len(automatic["top"]) == 3
    # a sample as large as the graph is the exact computation
    assert metrics.betweenness(graph, 3, sample=1000)["sampled"] is False
