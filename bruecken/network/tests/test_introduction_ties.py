"""Ties of kind "introduction" (an accepted introduction, partnerships app) are a kind of edge
of their own: dated, shown in the tables, the graph's data and the exports, and filterable."""

import io

import networkx
import pytest
from django.urls import reverse
from django.utils import translation

from bruecken.actors.models import TieKind
from bruecken.actors.tests.factories import TieFactory
from bruecken.network.graph import EdgeKind, load_network, to_igraph

from .conftest import days

pytestmark = pytest.mark.django_db


@pytest.fixture
def introduced(world):
    return TieFactory(
        source=world["admin"], target=world["m2"], kind=TieKind.INTRODUCTION, started_on=days(8)
    )


def url(world, name, *args, language="de"):
    with translation.override(language):
        return reverse(name, args=[world["bonn"].pk, *args])


def test_an_introduction_is_an_edge_of_its_own_kind_with_its_date(world, introduced):
    network = load_network(municipality=world["bonn"])
    index = {pk: i for i, pk in enumerate(network.organisation_ids)}
    pair = sorted((index[world["admin"].pk], index[world["m2"].pk]))
    edge = next(
        e for e in range(network.edge_count) if [network.sources[e], network.targets[e]] == pair
    )
    assert network.kinds[edge] == EdgeKind.INTRODUCTION
    assert network.first[edge] == days(8).toordinal()
    # Cut the day before, it is not there; on its day it is.
    assert to_igraph(network, until=days(7), kinds=EdgeKind.INTRODUCTION).ecount() == 0
    assert to_igraph(network, until=days(8), kinds=EdgeKind.INTRODUCTION).ecount() == 1
    # Recorded ties keep their kind.
    assert to_igraph(network, kinds=EdgeKind.TIE).ecount() == 4


@pytest.mark.parametrize(
    ("language", "label"), [("de", "Vorstellungen durch Brücken"), ("en", "introductions through")]
)
def test_the_page_names_it_in_the_tables_and_the_filter(
    client, office, world, introduced, language, label
):
    client.force_login(office)
    page = client.get(url(world, "network:municipality", language=language))
    text = page.content.decode()
    assert page.status_code == 200
    assert label in text
    assert 'value="introduction"' in text


def test_only_introductions(client, office, world, introduced):
    client.force_login(office)
    data = client.get(
        url(world, "network:municipality_data") + f"?kinds=introduction&until={days(30)}"
    ).json()
    assert [(edge["kinds"], edge["first"]) for edge in data["edges"]] == [
        (["introduction"], days(8).isoformat())
    ]


def test_the_gexf_carries_kind_and_date(client, office, world, introduced):
    client.force_login(office)
    response = client.get(url(world, "network:municipality_export", "gexf") + f"?until={days(30)}")
    graph = networkx.read_gexf(io.BytesIO(response.content))
    found = [data for *_ends, data in graph.edges(data=True) if "introduction" in data["kinds"]]
    assert len(found) == 1 and found[0]["start"] == days(8).isoformat()
