"""The network for other tools: GEXF and GraphML (both open in Gephi; GEXF carries each edge's
start date, so Gephi's timeline can play the network's growth) and CSV of nodes and edges.

What a reader may not see is anonymised before anything is written: an organisation outside
the reader's view keeps its place, group and side (the structure and the measures stay true)
but loses its name and its id."""

import csv
import dataclasses
import datetime
import io

import networkx

from bruecken.actors.models import Organisation, hidden_organisation_name

from .graph import EdgeKind

KIND_NAMES = {
    EdgeKind.TIE: "tie",
    EdgeKind.COATTENDANCE: "coattendance",
    EdgeKind.SHARED_RESPONSIBILITY: "shared_responsibility",
    EdgeKind.INTRODUCTION: "introduction",
}


def visible_ids(user):
    return Organisation.objects.visible_ids(user)


def anonymised(network, visible):
    """A copy of `network` in which the organisations whose id is not in `visible` are
    numbered instead of named (`hidden_organisation_name`, the rule every page names them by),
    and carry no id."""
    labels, ids, number = [], [], 0
    for organisation_id, label in zip(network.organisation_ids, network.labels, strict=True):
        if organisation_id in visible:
            labels.append(label)
            ids.append(organisation_id)
        else:
            number += 1
            labels.append(hidden_organisation_name(number))
            ids.append(None)
    return dataclasses.replace(network, labels=labels, organisation_ids=ids)


def kind_names(flags):
    return ",".join(name for flag, name in KIND_NAMES.items() if flags & flag)


def _date(ordinal):
    return datetime.date.fromordinal(ordinal).isoformat()


def to_networkx(graph):
    """An igraph graph (as `to_igraph` makes it) as a NetworkX graph with plain attributes:
    text, numbers, ISO dates; an anonymised node has no `organisation_id` attribute."""
    result = networkx.Graph()
    for vertex in graph.vs:
        attributes = {"label": vertex["label"], "group": vertex["group"], "side": vertex["side"]}
        if vertex["organisation_id"] is not None:
            attributes["organisation_id"] = vertex["organisation_id"]
        result.add_node(vertex.index, **attributes)
    for edge in graph.es:
        result.add_edge(
            edge.source,
            edge.target,
            weight=edge["weight"],
            start=_date(edge["first"]),
            kinds=kind_names(edge["kinds"]),
        )
    return result


def gexf(graph):
    buffer = io.BytesIO()
    networkx.write_gexf(to_networkx(graph), buffer)
    return buffer.getvalue()


def graphml(graph):
    buffer = io.BytesIO()
    networkx.write_graphml(to_networkx(graph), buffer)
    return buffer.getvalue()


def nodes_csv(graph):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "label", "group", "side", "organisation_id", "degree"])
    degrees = graph.degree()
    for vertex in graph.vs:
        writer.writerow(
            [
                vertex.index,
                vertex["label"],
                vertex["group"],
                vertex["side"],
                "" if vertex["organisation_id"] is None else vertex["organisation_id"],
                degrees[vertex.index],
            ]
        )
    return buffer.getvalue()


def edges_csv(graph):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["source", "target", "weight", "first", "kinds"])
    for edge in graph.es:
        writer.writerow(
            [
                edge.source,
                edge.target,
                edge["weight"],
                _date(edge["first"]),
                kind_names(edge["kinds"]),
            ]
        )
    return buffer.getvalue()
