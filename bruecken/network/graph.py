"""The network as data: organisations (nodes, each in an actor group) and the edges between
them, each with the date it first existed, so that the network can be cut at any date.

Edges come from these sources (`EdgeKind`, combinable as bit flags on one edge):
recorded ties, co-attendance at workshops (weighted by the number of workshops shared),
shared responsibility for goals and results, and introductions (ties of kind "introduction",
recorded when both sides accepted an introduction Brücken proposed: a kind of their own, so
that the page and the exports show what the introductions added). An edge between two
organisations is one edge, undirected, whatever its sources; its weight counts them (ties 1
each, workshops shared 1 each, goals/results shared 1 each) and its `first` date is the
earliest of them."""

import dataclasses
import datetime
import itertools
from dataclasses import dataclass, field

import igraph
from django.db.models import CharField, DateField, Q
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from .groups import GROUP_ORDER, group_of, side_of


class EdgeKind:
    TIE = 1
    COATTENDANCE = 2
    SHARED_RESPONSIBILITY = 4
    INTRODUCTION = 8
    ALL = TIE | COATTENDANCE | SHARED_RESPONSIBILITY | INTRODUCTION


@dataclass
class Network:
    """Nodes by index: `organisation_ids[i]`, `groups[i]` (see groups.py), `labels[i]`.
    Edges by index, with `sources[e] < targets[e]` (node indices), `first[e]` (a date's
    ordinal, `datetime.date.toordinal()`), `weights[e]` and `kinds[e]` (EdgeKind flags).
    For `with_min_workshops`: `workshop_days[e]`, the ordinals of the workshops the pair
    shared, in order (empty: none), and `other_first[e]`, the first date of the edge's other
    sources (None: co-attendance only). Both may be left empty when not needed."""

    organisation_ids: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    first: list = field(default_factory=list)
    weights: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    workshop_days: list = field(default_factory=list)
    other_first: list = field(default_factory=list)

    @property
    def node_count(self):
        return len(self.organisation_ids)

    @property
    def edge_count(self):
        return len(self.sources)


def to_igraph(network, until=None, kinds=EdgeKind.ALL):
    """An undirected igraph Graph of the network as it stood on `until` (a date; None: all
    edges), with the edges of the given kinds. Vertex attributes: `organisation_id`, `group`,
    `side`, `label`; edge attributes: `first` (ordinal), `weight`, `kinds`. Every node is kept
    (an organisation without edges yet is an isolate, which the measures count)."""
    limit = until.toordinal() if isinstance(until, datetime.date) else None
    chosen = [
        e
        for e in range(network.edge_count)
        if network.kinds[e] & kinds and (limit is None or network.first[e] <= limit)
    ]
    graph = igraph.Graph(
        n=network.node_count,
        edges=[(network.sources[e], network.targets[e]) for e in chosen],
        directed=False,
    )
    graph.vs["organisation_id"] = network.organisation_ids
    graph.vs["group"] = network.groups
    graph.vs["side"] = [side_of(group) for group in network.groups]
    graph.vs["label"] = network.labels
    graph.es["first"] = [network.first[e] for e in chosen]
    graph.es["weight"] = [network.weights[e] for e in chosen]
    graph.es["kinds"] = [network.kinds[e] for e in chosen]
    return graph


# Loading from the database


def load_network(program=None, municipality=None):
    """The network of a scope: a municipality's organisations, or the organisations of a
    program's participating municipalities (both: the municipality's within the program;
    neither: every organisation). Built from a fixed number of `values_list` queries (seven,
    whatever the size) and dicts, so that it loads 100,000 nodes and 1,000,000 ties."""
    from bruecken.actors.models import Organisation

    organisations = Organisation.objects.all()
    if municipality is not None:
        organisations = organisations.filter(municipality=municipality)
    if program is not None:
        organisations = organisations.filter(municipality__programs=program)
    network = Network()
    index = {}
    for organisation_id, kind, name in organisations.order_by("pk").values_list(
        "pk", "kind", "name"
    ):
        index[organisation_id] = len(network.organisation_ids)
        network.organisation_ids.append(organisation_id)
        network.groups.append(group_of(kind))
        network.labels.append(name)
    edges = {}
    if index:
        scoped = program is not None or municipality is not None
        add_ties(edges, index, organisations if scoped else None)
        events = event_scope(program, municipality)
        add_coattendance(edges, index, events, in_scope("organisation__", program, municipality))
        add_shared_responsibility(edges, index, program, municipality, events)
    for (source, target), (first, weight, kinds, other_first, shared) in edges.items():
        network.sources.append(source)
        network.targets.append(target)
        network.first.append(first)
        network.weights.append(weight)
        network.kinds.append(kinds)
        network.other_first.append(other_first)
        network.workshop_days.append(tuple(sorted(shared)) if shared else ())
    return network


def add_edge(edges, source, target, first, weight, kind):
    """Merge one source's contribution into the edge between two node indices: [first, weight,
    kinds, first of the sources other than co-attendance, days of the workshops shared]."""
    key = (source, target) if source < target else (target, source)
    edge = edges.get(key)
    if edge is None:
        edge = edges[key] = [first, 0, 0, None, None]
    elif first < edge[0]:
        edge[0] = first
    edge[1] += weight
    edge[2] |= kind
    if kind == EdgeKind.COATTENDANCE:
        if edge[4] is None:
            edge[4] = []
        edge[4].append(first)
    elif edge[3] is None or first < edge[3]:
        edge[3] = first


def with_min_workshops(network, minimum):
    """The network in which meeting at workshops links two organisations only once they have
    shared at least `minimum` workshops: from the day of that workshop, weighted by all the
    workshops they shared. An edge with other sources keeps them (and their date); an edge
    only of co-attendance below the minimum is left out. A workshop that links everyone
    present makes every pair of its participants an edge; a minimum of two or three shows the
    ties that last."""
    if minimum is None or minimum <= 1 or not network.workshop_days:
        return network
    keep = []
    first, weights, kinds = [], [], []
    for e in range(network.edge_count):
        shared = network.workshop_days[e]
        edge_first, edge_weight, edge_kinds = network.first[e], network.weights[e], network.kinds[e]
        if shared and len(shared) < minimum:
            edge_kinds &= ~EdgeKind.COATTENDANCE
            edge_weight -= len(shared)
            edge_first = network.other_first[e]
        elif shared:
            other = network.other_first[e]
            edge_first = shared[minimum - 1] if other is None else min(other, shared[minimum - 1])
        if not edge_kinds:
            continue
        keep.append(e)
        first.append(edge_first)
        weights.append(edge_weight)
        kinds.append(edge_kinds)
    return dataclasses.replace(
        network,
        sources=[network.sources[e] for e in keep],
        targets=[network.targets[e] for e in keep],
        first=first,
        weights=weights,
        kinds=kinds,
        workshop_days=[network.workshop_days[e] for e in keep],
        other_first=[network.other_first[e] for e in keep],
    )


def in_scope(prefix, program, municipality):
    """A filter on the organisations reached through `prefix` ("source__", …)."""
    condition = Q()
    if municipality is not None:
        condition &= Q(**{f"{prefix}municipality": municipality})
    if program is not None:
        condition &= Q(**{f"{prefix}municipality__programs": program})
    return condition


def add_ties(edges, index, organisations):
    """The recorded ties between the loaded organisations (`organisations`: their queryset, or
    None for all). Only the source is filtered in SQL, by a subquery; targets outside the scope
    are dropped here. Joining the organisations table twice made PostgreSQL's plan depend on
    table statistics: without them (a freshly filled table) it chose nested loops and took
    minutes."""
    from bruecken.actors.models import Tie, TieKind

    ties = Tie.objects.order_by()
    if organisations is not None:
        ties = ties.filter(source__in=organisations.order_by().values("pk"))
    # A tie without a start counts from the day it was recorded. The database gives the day as
    # text ('YYYY-MM-DD' on SQLite and PostgreSQL alike), and each distinct day is converted
    # once: a million ties share about a thousand days, and a converter per row would cost
    # more than the fetch itself. Ended ties (`ended_on`) count too, from their start: a tie
    # that existed is part of the network's history, and cutting at a date asks what had been
    # connected by then.
    day = Cast(
        Coalesce("started_on", TruncDate("recorded_at"), output_field=DateField()),
        output_field=CharField(),
    )
    ordinals = {}
    get, add = index.get, add_edge
    introduction = TieKind.INTRODUCTION
    for source, target, text, kind in ties.annotate(day=day).values_list(
        "source_id", "target_id", "day", "kind"
    ):
        target = get(target)
        if target is None:
            continue
        first = ordinals.get(text)
        if first is None:
            first = ordinals[text] = datetime.date.fromisoformat(text[:10]).toordinal()
        flag = EdgeKind.INTRODUCTION if kind == introduction else EdgeKind.TIE
        add(edges, get(source), target, first, 1, flag)


def cached_network(program=None, municipality=None):
    """`load_network`, kept until the content changes (`cached_for_version`), the day changes
    or another workshop of the scope has started (time passing changes the network without
    a save): the network of a program of 1,000 municipalities takes seconds to load, and the
    page and its data load it on every view."""
    from bruecken.cache import cached_for_version

    now = timezone.now()
    held = (
        event_scope(program, municipality)
        .filter(cancelled_at__isnull=True, starts_at__lte=now)
        .count()
    )
    key = ":".join(
        str(part)
        for part in (
            "network",
            getattr(program, "pk", None),
            getattr(municipality, "pk", None),
            timezone.localdate(now).isoformat(),
            held,
        )
    )
    return cached_for_version(key, lambda: load_network(program=program, municipality=municipality))


def event_scope(program, municipality):
    """The events of the scope: its local processes' workshops, and for a program also its
    program-level events (exchange workshops, seminars)."""
    from bruecken.events.models import Event

    events = Event.objects.all()
    if program is not None:
        events = events.filter(program=program)
    if municipality is not None:
        events = events.filter(process__municipality=municipality)
    return events


def add_coattendance(edges, index, events, organisations):
    """Two organisations meet at an event when members of each attended it: members on the
    event's day (a membership that had started and not yet ended). Who attended:
    `Registration.objects.participants` (marked attended where attendance was recorded, else
    confirmed, as the best record there is). Planned and cancelled events link nobody."""
    from bruecken.actors.models import Membership
    from bruecken.events.models import Registration

    now = timezone.now()
    registrations = Registration.objects.participants().filter(
        event__in=events.filter(cancelled_at__isnull=True, starts_at__lte=now)
    )
    attendees = {}
    days = {}
    for event, starts_at, person in registrations.order_by().values_list(
        "event_id", "event__starts_at", "person_id"
    ):
        attendees.setdefault(event, []).append(person)
        days[event] = timezone.localdate(starts_at)
    if not attendees:
        return
    memberships = {}
    for person, organisation, started_on, ended_on in (
        Membership.objects.filter(organisations, person__in=registrations.values("person_id"))
        .order_by()
        .values_list("person_id", "organisation_id", "started_on", "ended_on")
    ):
        memberships.setdefault(person, []).append((index[organisation], started_on, ended_on))
    for event, people in attendees.items():
        day = days[event]
        present = {
            node
            for person in people
            for node, started_on, ended_on in memberships.get(person, ())
            if (started_on is None or started_on <= day) and (ended_on is None or day <= ended_on)
        }
        first = day.toordinal()
        for source, target in itertools.combinations(sorted(present), 2):
            add_edge(edges, source, target, first, 1, EdgeKind.COATTENDANCE)


def add_shared_responsibility(edges, index, program, municipality, events):
    """Two organisations responsible for one result (dated by the result), or one responsible
    for a goal and another for a result linked to that goal (dated by the later of the two:
    the pair exists once both do). Each shared result and each goal–result link counts 1."""
    from bruecken.programs.models import Goal, Result

    results = Result.objects.filter(workshop__in=events)
    responsible = {}
    created = {}
    for result, organisation, created_at in (
        Result.organisations.through.objects.filter(result__in=results)
        .order_by()
        .values_list("result_id", "organisation_id", "result__created_at")
    ):
        node = index.get(organisation)
        if node is not None:
            responsible.setdefault(result, []).append(node)
            created[result] = created_at
    for result, nodes in responsible.items():
        first = timezone.localdate(created[result]).toordinal()
        for source, target in itertools.combinations(sorted(set(nodes)), 2):
            add_edge(edges, source, target, first, 1, EdgeKind.SHARED_RESPONSIBILITY)
    goals = Goal.objects.filter(responsible__isnull=False)
    if program is not None:
        goals = goals.filter(process__program=program)
    if municipality is not None:
        goals = goals.filter(process__municipality=municipality)
    goal_rows = {
        goal: (index.get(organisation), created_at)
        for goal, organisation, created_at in goals.order_by().values_list(
            "pk", "responsible_id", "created_at"
        )
    }
    for result, goal in (
        Result.goals.through.objects.filter(goal__in=goals, result__in=results)
        .order_by()
        .values_list("result_id", "goal_id")
    ):
        owner, goal_created = goal_rows[goal]
        if owner is None or result not in responsible:
            continue
        first = timezone.localdate(max(goal_created, created[result])).toordinal()
        for node in set(responsible[result]) - {owner}:
            add_edge(edges, owner, node, first, 1, EdgeKind.SHARED_RESPONSIBILITY)


# Snapshots


def workshop_days(starts):
    """The days on which a local process's network is measured, from its workshops' start
    times: the day before the first workshop (the baseline), then each workshop's day."""
    days = sorted({timezone.localdate(starts_at) for starts_at in starts})
    return [days[0] - datetime.timedelta(days=1), *days] if days else []


def snapshot_dates(process):
    """The snapshot days of a local process: its workshops held or planned (not cancelled)."""
    return workshop_days(
        process.workshops.filter(cancelled_at__isnull=True, starts_at__isnull=False).values_list(
            "starts_at", flat=True
        )
    )


def snapshots(network, dates, kinds=EdgeKind.ALL):
    """The network as it stood on each date: {date: igraph Graph}, in the dates' order."""
    return {day: to_igraph(network, until=day, kinds=kinds) for day in dates}


def restricted(network, positions, groups):
    """The nodes of the given groups and the edges among them, renumbered, with their
    positions (None: no positions)."""
    if set(groups) >= set(GROUP_ORDER):
        return network, positions
    keep = [i for i, group in enumerate(network.groups) if group in groups]
    new_index = {old: new for new, old in enumerate(keep)}
    edges = [
        e
        for e in range(network.edge_count)
        if network.sources[e] in new_index and network.targets[e] in new_index
    ]
    result = Network(
        organisation_ids=[network.organisation_ids[i] for i in keep],
        groups=[network.groups[i] for i in keep],
        labels=[network.labels[i] for i in keep],
        sources=[new_index[network.sources[e]] for e in edges],
        targets=[new_index[network.targets[e]] for e in edges],
        first=[network.first[e] for e in edges],
        weights=[network.weights[e] for e in edges],
        kinds=[network.kinds[e] for e in edges],
        workshop_days=[network.workshop_days[e] for e in edges] if network.workshop_days else [],
        other_first=[network.other_first[e] for e in edges] if network.other_first else [],
    )
    return result, None if positions is None else [positions[i] for i in keep]
