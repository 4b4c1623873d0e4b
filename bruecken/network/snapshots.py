"""The figures over time: one row per snapshot date (every workshop day of the scope's local
processes), stored per content version (`bruecken.cache.current_version`, counted up by every
change to actors, events and programs). A page measures the missing days itself when the network
is small; for a large network it queues `compute_snapshots` and shows what is stored."""

import datetime

from django.conf import settings
from django.db import transaction
from django_tasks import task

from bruecken.cache import current_version
from bruecken.places.models import Municipality
from bruecken.programs.models import Program

from . import metrics
from .graph import load_network, restricted, to_igraph, with_min_workshops
from .models import Snapshot
from .scopes import Scope


def snapshot_scope(scope, kinds, groups, min_workshops=1):
    """The key of the scope and the filters that change the figures (not the reader: the
    figures of an anonymised network are the same)."""
    key = f"{scope.key}:kinds:{kinds}:groups:{','.join(sorted(groups))}"
    return key if min_workshops <= 1 else f"{key}:min_workshops:{min_workshops}"


def row(graph, day):
    figures = metrics.summary(graph)
    return {
        "date": day.isoformat(),
        "nodes": figures["nodes"],
        "ties": figures["edges"],
        "cross_share": figures["cross_share"],
        "ei_index": figures["ei_index"],
        "density": figures["density"],
        "components": figures["components"],
    }


def stored(key, version, days):
    return {
        snapshot.day: snapshot.figures
        for snapshot in Snapshot.objects.filter(scope=key, version=version, day__in=days)
    }


def compute(key, version, network, days, kinds):
    """Measure `days` of `network` and store them (earlier versions are left to the
    housekeeping, `delete_outdated`)."""
    rows = {day: row(to_igraph(network, until=day, kinds=kinds), day) for day in days}
    Snapshot.objects.bulk_create(
        [Snapshot(scope=key, version=version, day=d, figures=r) for d, r in rows.items()],
        ignore_conflicts=True,
    )
    return rows


def over_time(view, days):
    """(rows, pending): the rows for `days`; `pending` when some are still being computed in
    the background and left out."""
    groups = view.form.cleaned_data["group"]
    key = snapshot_scope(view.scope, view.kinds, groups, view.min_workshops)
    version = current_version()
    rows = stored(key, version, days)
    missing = [day for day in days if day not in rows]
    pending = False
    if missing:
        if view.network.edge_count <= settings.NETWORK_SNAPSHOT_INLINE_EDGES:
            rows.update(compute(key, version, view.network, missing, view.kinds))
        else:
            transaction.on_commit(
                lambda: compute_snapshots.enqueue(
                    program_id=view.scope.program.pk if view.scope.program else None,
                    municipality_id=view.scope.municipality.pk if view.scope.municipality else None,
                    kinds=view.kinds,
                    groups=list(groups),
                    days=[day.isoformat() for day in missing],
                    version=version,
                    min_workshops=view.min_workshops,
                )
            )
            pending = True
    return [rows[day] for day in days if day in rows], pending


@task()
def compute_snapshots(program_id, municipality_id, kinds, groups, days, version, min_workshops=1):
    """Measure and store the figures of a large network on the given days (ISO dates), for the
    content version the page saw. Nothing happens for a scope that no longer exists; a newer
    version computed meanwhile is left alone (its page asks again). Returns the number of days
    stored."""
    if version != current_version():
        return 0
    program = Program.objects.filter(pk=program_id).first() if program_id else None
    municipality = (
        Municipality.objects.filter(pk=municipality_id).first() if municipality_id else None
    )
    if (program_id and program is None) or (municipality_id and municipality is None):
        return 0
    scope = Scope(program=program, municipality=municipality)
    network, _positions = restricted(
        load_network(program=program, municipality=municipality), None, groups
    )
    network = with_min_workshops(network, min_workshops)
    days = parse_days(days)
    compute(snapshot_scope(scope, kinds, groups, min_workshops), version, network, days, kinds)
    return len(days)


def delete_outdated(now=None):
    """Remove the figures computed for an earlier content version; returns how many."""
    deleted, _by_model = Snapshot.objects.filter(version__lt=current_version()).delete()
    return deleted


def parse_days(days):
    return [datetime.date.fromisoformat(day) for day in days]
