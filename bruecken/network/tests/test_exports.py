"""Exports: GEXF and GraphML read back with NetworkX (as Gephi would open them), CSV rows, and
the anonymisation of what the reader may not see."""

import csv
import datetime
import io

import networkx
import pytest
from django.utils import translation

from bruecken.actors.models import OrganisationKind
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.network import exports
from bruecken.network.graph import EdgeKind, Network, to_igraph
from bruecken.network.groups import group_of

pytestmark = pytest.mark.django_db

D1 = datetime.date(2026, 3, 1).toordinal()
D2 = datetime.date(2026, 6, 15).toordinal()


@pytest.fixture
def organisations(bonn, kiel):
    return [
        OrganisationFactory(municipality=bonn, name="Ghanaischer Verein Bonn", public=True),
        OrganisationFactory(
            municipality=bonn, name="Verborgener Verein Bonn", kind=OrganisationKind.NGO
        ),
        OrganisationFactory(
            municipality=kiel, name="Stadt Kiel", kind=OrganisationKind.ADMINISTRATION
        ),
    ]


def network_of(organisations):
    return Network(
        organisation_ids=[o.pk for o in organisations],
        groups=[group_of(o.kind) for o in organisations],
        labels=[o.name for o in organisations],
        sources=[0, 1],
        targets=[1, 2],
        first=[D1, D2],
        weights=[1, 3],
        kinds=[EdgeKind.TIE, EdgeKind.COATTENDANCE | EdgeKind.SHARED_RESPONSIBILITY],
    )


def test_gexf_opens_with_its_names_groups_and_edge_dates(organisations):
    graph = to_igraph(network_of(organisations))
    read = networkx.read_gexf(io.BytesIO(exports.gexf(graph)))
    labels = {data["label"] for _node, data in read.nodes(data=True)}
    assert labels == {"Ghanaischer Verein Bonn", "Verborgener Verein Bonn", "Stadt Kiel"}
    groups = sorted(data["group"] for _node, data in read.nodes(data=True))
    assert groups == ["administration", "migrant_organisations", "ngos"]
    edges = sorted((data["start"], data["weight"]) for *_ends, data in read.edges(data=True))
    assert edges == [("2026-03-01", 1.0), ("2026-06-15", 3.0)]


def test_graphml_opens_and_keeps_the_edge_kinds(organisations):
    graph = to_igraph(network_of(organisations))
    read = networkx.read_graphml(io.BytesIO(exports.graphml(graph)))
    assert read.number_of_nodes() == 3
    kinds = sorted(data["kinds"] for *_ends, data in read.edges(data=True))
    assert kinds == ["coattendance,shared_responsibility", "tie"]


def test_csv_of_nodes_and_edges(organisations):
    graph = to_igraph(network_of(organisations))
    nodes = list(csv.DictReader(io.StringIO(exports.nodes_csv(graph))))
    assert [row["degree"] for row in nodes] == ["1", "2", "1"]
    assert nodes[2]["side"] == "municipal"
    edges = list(csv.DictReader(io.StringIO(exports.edges_csv(graph))))
    assert edges[1] == {
        "source": "1",
        "target": "2",
        "weight": "3",
        "first": "2026-06-15",
        "kinds": "coattendance,shared_responsibility",
    }


def test_what_the_kiel_coordinator_may_not_see_is_anonymised(organisations, kiel_coordinator):
    network = exports.anonymised(network_of(organisations), exports.visible_ids(kiel_coordinator))
    assert network.organisation_ids == [organisations[0].pk, None, organisations[2].pk]
    with translation.override("en"):
        network = exports.anonymised(
            network_of(organisations), exports.visible_ids(kiel_coordinator)
        )
    graph = to_igraph(network)
    for text in (exports.gexf(graph).decode(), exports.graphml(graph).decode()):
        assert "Verborgener Verein" not in text
        assert "Ghanaischer Verein Bonn" in text and "Stadt Kiel" in text
    nodes = list(csv.DictReader(io.StringIO(exports.nodes_csv(graph))))
    assert nodes[1]["label"] == "Organisation 1 (not public)"
    assert nodes[1]["organisation_id"] == ""
    # The structure stays: same nodes, groups and edges.
    assert graph.vcount() == 3 and graph.ecount() == 2
    assert graph.vs[1]["group"] == "ngos"


def test_the_program_office_sees_every_name(organisations, office):
    network = exports.anonymised(network_of(organisations), exports.visible_ids(office))
    assert network.labels == [o.name for o in organisations]
    assert None not in network.organisation_ids


def test_the_public_sees_only_consented_names(organisations):
    from django.contrib.auth.models import AnonymousUser

    network = exports.anonymised(network_of(organisations), exports.visible_ids(AnonymousUser()))
    assert network.labels[0] == "Ghanaischer Verein Bonn"
    assert network.organisation_ids[1:] == [None, None]
