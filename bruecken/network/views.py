"""The network pages of a program or a municipality: figures and tables (the page), the data
the browser draws (`graph.json`) and the exports. Each request loads the scope's network once
(`graph.load_network`: a fixed number of queries), anonymises what the reader may not see,
cuts it at the chosen date and measures it once."""

import dataclasses
import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts import roles
from bruecken.links import path_for_id
from bruecken.permissions import require
from bruecken.places.models import Municipality
from bruecken.programs.models import Program
from bruecken.web import staff_area

from . import exports, metrics, snapshots
from .aims import is_aimed
from .forms import KIND_LABELS, KINDS, NetworkFilterForm
from .graph import (
    EdgeKind,
    Network,
    cached_network,
    restricted,
    to_igraph,
    with_min_workshops,
)
from .groups import GROUPS, SIDES, side_of
from .layout import cached_positions
from .scopes import Scope

PER_PAGE = 50
# The graph names this many of its best-connected organisations (more would cover each other);
# the others show their names when zoomed in, and the tables name them all.
LABELLED = 8
EXPORTS = {
    "gexf": (exports.gexf, "application/gexf+xml", "gexf"),
    "graphml": (exports.graphml, "application/graphml+xml", "graphml"),
    "nodes.csv": (exports.nodes_csv, "text/csv; charset=utf-8", "nodes.csv"),
    "edges.csv": (exports.edges_csv, "text/csv; charset=utf-8", "edges.csv"),
}
KIND_NAMES = {flag: name for name, flag in KINDS.items()}


# The scope and what the request asks of it


def _program_scope(request, pk):
    program = get_object_or_404(Program, pk=pk)
    require(request.user, "network.view_program_network", program)
    return Scope(program=program)


def _municipality_scope(request, pk):
    municipality = get_object_or_404(Municipality, pk=pk)
    require(request.user, "network.view_municipality_network", municipality)
    return Scope(municipality=municipality)


@dataclasses.dataclass
class View:
    """The network as the request asks for it."""

    scope: Scope
    form: NetworkFilterForm
    dates: list
    until: datetime.date
    kinds: int
    min_workshops: int
    network: Network  # anonymised, restricted to the chosen groups
    positions: list  # by node index of `network`
    graph: object  # igraph Graph of `network` on `until`

    def query(self):
        """The query string of the chosen controls, for links to the data and the exports."""
        pairs = [("until", self.until.isoformat())]
        pairs += [("kinds", kind) for kind in self.form.cleaned_data["kinds"]]
        pairs += [("group", group) for group in self.form.cleaned_data["group"]]
        if self.min_workshops > 1:
            pairs.append(("min_workshops", self.min_workshops))
        if self.form.cleaned_data.get("municipality"):
            pairs.append(("municipality", self.form.cleaned_data["municipality"].pk))
        return urlencode(pairs)


def _prepare(request, scope):
    """(View, None), or (None, form) when the query is malformed."""
    program_municipalities = (
        scope.program.municipalities.order_by("name") if scope.program is not None else None
    )
    dates = scope.snapshot_dates()
    form = NetworkFilterForm(request.GET, dates, program_municipalities)
    if not form.is_valid():
        return None, form
    if form.cleaned_data.get("municipality"):
        scope = Scope(program=scope.program, municipality=form.cleaned_data["municipality"])
        dates = scope.snapshot_dates()
    network = cached_network(program=scope.program, municipality=scope.municipality)
    if not roles.is_program_office(request.user):
        network = exports.anonymised(network, exports.visible_ids(request.user))
    # Laid out on the whole scope, so that filters and dates never move a node.
    positions = cached_positions(scope.key, network)
    network, positions = restricted(network, positions, form.cleaned_data["group"])
    min_workshops = form.workshop_minimum()
    network = with_min_workshops(network, min_workshops)
    until = form.chosen_date(timezone.localdate())
    kinds = form.kind_flags()
    graph = to_igraph(network, until=until, kinds=kinds)
    view = View(scope, form, dates, until, kinds, min_workshops, network, positions, graph)
    return view, None


# The page


def _bad_request_page(request, scope, form):
    return render(
        request, "network/network.html", {**_scope_context(scope), "form": form}, status=400
    )


def _scope_context(scope):
    if scope.program is not None:
        return {"program": scope.program, "title": scope.program.name}
    return {"municipality": scope.municipality, "title": scope.municipality.name}


def _matrix(measures):
    """The group matrix as rows of cells, each with its count and whether the pair is one the
    program aims to link (and if so, whether a tie exists)."""
    groups = measures["group_matrix"]["groups"]
    rows = []
    for i, group in enumerate(groups):
        cells = []
        for j, other in enumerate(groups):
            count = measures["group_matrix"]["matrix"][i][j]
            cells.append({"count": count, "aimed": is_aimed(group, other), "reached": count > 0})
        rows.append({"group": GROUPS[group], "cells": cells})
    aims = [
        {
            "pair": (group, other),
            "group": GROUPS[group],
            "other": GROUPS[other],
            "count": measures["group_matrix"]["matrix"][i][j],
        }
        for i, group in enumerate(groups)
        for j, other in enumerate(groups)
        if i < j and is_aimed(group, other)
    ]
    return {"groups": [GROUPS[group] for group in groups], "rows": rows, "aims": aims}


def _over_time(view):
    """The chart's rows: one per snapshot date up to the chosen date and today, and whether
    some are still being computed in the background."""
    last = max(view.until, timezone.localdate())
    return snapshots.over_time(view, [day for day in view.dates if day <= last])


def _node_rows(view):
    graph = view.graph
    degrees = graph.degree()
    ei = metrics.ei_by_node(graph) if graph.vcount() else []
    rows = [
        {
            "label": view.network.labels[i],
            "group": GROUPS[view.network.groups[i]],
            "degree": degrees[i],
            "ei_index": ei[i],
        }
        for i in range(graph.vcount())
    ]
    rows.sort(key=lambda row: (-row["degree"], row["label"]))
    return rows


def _kind_labels(flags):
    return ", ".join(str(KIND_LABELS[name]) for flag, name in KIND_NAMES.items() if flags & flag)


def labelled(degrees, labels, count=LABELLED):
    """The indices of the nodes the graph names: the `count` with the most ties (at least
    one), ties between equals broken by name so that the choice is the same every time."""
    ranked = sorted(
        (i for i, degree in enumerate(degrees) if degree), key=lambda i: (-degrees[i], labels[i])
    )
    return set(ranked[:count])


def _tie_rows(view):
    labels = view.network.labels
    groups = view.network.groups
    # Fifteen combinations of kinds at most: each one's text once, not once per tie.
    kind_text = {flags: _kind_labels(flags) for flags in range(1, EdgeKind.ALL + 1)}
    rows = [
        {
            "source": labels[edge.source],
            "target": labels[edge.target],
            "kinds": kind_text[edge["kinds"]],
            "first": datetime.date.fromordinal(edge["first"]),
            "weight": edge["weight"],
            "across": side_of(groups[edge.source]) != side_of(groups[edge.target]),
        }
        for edge in view.graph.es
    ]
    rows.sort(key=lambda row: (row["first"], row["source"], row["target"]))
    return rows


def _page(request, scope, data_name, export_name, pk):
    view, form = _prepare(request, scope)
    if view is None:
        return _bad_request_page(request, scope, form)
    measures = metrics.measure(view.graph, baseline=view.dates[0] if view.dates else None, top=10)
    over_time, over_time_pending = _over_time(view)
    query = view.query()
    nodes = Paginator(_node_rows(view), PER_PAGE).get_page(request.GET.get("nodes_page"))
    ties = Paginator(_tie_rows(view), PER_PAGE).get_page(request.GET.get("ties_page"))
    context = {
        **_scope_context(scope),
        "form": view.form,
        "until": view.until,
        "summary": measures["summary"],
        "nodes_by_group": [
            (GROUPS[group], count) for group, count in measures["summary"]["nodes_by_group"].items()
        ],
        "new_ties": measures["new_ties"],
        "betweenness": measures["betweenness"],
        "brokers": measures["brokers"],
        "top_degree": measures["top_degree"],
        "matrix": _matrix(measures),
        "over_time": over_time,
        "over_time_pending": over_time_pending,
        # The table's dates as dates, shown in the page's language.
        "over_time_rows": [
            {**row, "day": datetime.date.fromisoformat(row["date"])} for row in over_time
        ],
        "new_ties_since": (
            datetime.date.fromisoformat(measures["new_ties"]["baseline"])
            if measures["new_ties"]
            else None
        ),
        # The rows as they are: the chart plots cross_share, ei_index and density by date.
        "chart_data": over_time,
        "nodes": nodes,
        "ties": ties,
        "data_url": f"{reverse(data_name, args=[pk])}?{query}",
        "export_links": [
            (name, f"{reverse(export_name, args=[pk, name])}?{query}") for name in EXPORTS
        ],
        "anonymised": not roles.is_program_office(request.user),
    }
    return render(request, "network/network.html", context)


@staff_area
def program_network(request, pk):
    return _page(
        request, _program_scope(request, pk), "network:program_data", "network:program_export", pk
    )


@staff_area
def municipality_network(request, pk):
    return _page(
        request,
        _municipality_scope(request, pk),
        "network:municipality_data",
        "network:municipality_export",
        pk,
    )


# The data the browser draws


def _bad_request_json(form):
    return JsonResponse(
        {"errors": {field: [str(e) for e in errors] for field, errors in form.errors.items()}},
        status=400,
    )


def _data(request, scope):
    view, form = _prepare(request, scope)
    if view is None:
        return _bad_request_json(form)
    graph, network = view.graph, view.network
    degrees = graph.degree()
    named = labelled(degrees, network.labels)
    organisation_path = path_for_id("actors:organisation_detail")
    nodes = [
        {
            "id": i,
            "label": network.labels[i],
            "group": network.groups[i],
            "side": graph.vs[i]["side"],
            "x": view.positions[i][0],
            "y": view.positions[i][1],
            "degree": degrees[i],
            "labelled": i in named,
            "url": None
            if network.organisation_ids[i] is None
            else organisation_path(network.organisation_ids[i]),
        }
        for i in range(network.node_count)
    ]
    edges = [
        {
            "source": edge.source,
            "target": edge.target,
            "first": datetime.date.fromordinal(edge["first"]).isoformat(),
            "weight": edge["weight"],
            "kinds": [name for flag, name in KIND_NAMES.items() if edge["kinds"] & flag],
            "across": graph.vs[edge.source]["side"] != graph.vs[edge.target]["side"],
        }
        for edge in graph.es
    ]
    return JsonResponse(
        {
            "nodes": nodes,
            "edges": edges,
            "dates": [day.isoformat() for day in view.dates],
            "groups": {group: str(label) for group, label in GROUPS.items()},
            "sides": {side: str(label) for side, label in SIDES.items()},
            "until": view.until.isoformat(),
            "min_workshops": view.min_workshops,
        }
    )


@staff_area
def program_data(request, pk):
    return _data(request, _program_scope(request, pk))


@staff_area
def municipality_data(request, pk):
    return _data(request, _municipality_scope(request, pk))


# Exports


def _export(request, scope, format, name):
    if format not in EXPORTS:
        return HttpResponse(
            _("Unknown format. Choose one of: %(formats)s.") % {"formats": ", ".join(EXPORTS)},
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    view, form = _prepare(request, scope)
    if view is None:
        errors = "; ".join(f"{field}: {' '.join(e)}" for field, e in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    write, content_type, suffix = EXPORTS[format]
    response = HttpResponse(write(view.graph), content_type=content_type)
    filename = f"network-{name}-{view.until.isoformat()}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_area
def program_export(request, pk, format):
    return _export(request, _program_scope(request, pk), format, f"program-{pk}")


@staff_area
def municipality_export(request, pk, format):
    return _export(request, _municipality_scope(request, pk), format, f"municipality-{pk}")
