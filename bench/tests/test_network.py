"""The network benchmark (`make bench-network`), at a size that runs in seconds."""

import re
from functools import partial

import pytest
from django.core.management import CommandError

from bench import network
from bruecken.actors.models import Organisation, Tie
from bruecken.programs.tests.factories import ProgramFactory

from . import helpers

SMALL = [
    "--organisations=60",
    "--ties=300",
    "--runs=1",
    "--nx-nodes=80",
    "--nx-edges=300",
    "--sample=10",
]


run = partial(helpers.run, "network")


def duration(output, label, unit="s"):
    found = re.search(rf"^\s*{re.escape(label)}: (\d+\.\d+) {unit}\b", output, re.MULTILINE)
    assert found, f"no {label!r} in:\n{output}"
    return float(found[1])


def ratio(output, after):
    found = re.search(rf"{re.escape(after)}.*?ratio: (\d+\.\d+)×", output, re.DOTALL)
    assert found, f"no ratio after {after!r} in:\n{output}"
    return float(found[1])


def test_prints_the_figures_and_reuses_the_dataset(db):
    output = run(*SMALL, "--yes")

    assert "Generated in" in output and "60 organisations, 300 ties." in output
    assert (Organisation.objects.count(), Tie.objects.count()) == (60, 300)
    edges = re.search(r"Loading: 60 nodes, ([\d,]+) edges \(from 300 tie rows\)", output)
    assert edges and 0 < int(edges[1]) <= 300
    # Figures only: two timings are never compared (a busy machine turns any order around).
    assert duration(output, "plain SQL fetch of the tie rows", "ms") > 0
    assert duration(output, "load_network (all queries, merged into edges)", "ms") > 0
    assert ratio(output, "Loading:") > 0
    assert re.search(r"igraph graph from the network: \d+\.\d+ s \(60 vertices", output)
    # The measures exist (bruecken/network/metrics.py): timed end to end.
    assert duration(output, "metrics.measure (betweenness from 10 sampled sources)") >= 0
    end_to_end = re.search(r"Full metric set end to end .*: (\d+\.\d+) s ✓", output)
    assert end_to_end, output
    assert "80 nodes and 300 edges" in output
    assert duration(output, "igraph", "ms") > 0 and duration(output, "NetworkX", "ms") > 0
    assert ratio(output, "against NetworkX") > 0
    assert "(aim: ≥ 20×)" in output and "(target: within 2×)" in output

    # The dataset marks the database as a bench one: no --yes needed the second time.
    again = run(*SMALL)
    assert "Reusing the synthetic network: 60 organisations, 300 ties." in again
    assert "Generated in" not in again


def test_refuses_other_programs(db):
    ProgramFactory(name="Migration und Entwicklung")
    with pytest.raises(CommandError, match="programs that are not synthetic"):
        run(*SMALL, "--yes")


def test_says_what_is_missing_without_the_measures(db, monkeypatch):
    monkeypatch.setattr(network, "metrics_module", lambda: None)
    output = run(*SMALL, "--yes")
    assert "metrics.measure is missing" in output
    assert re.search(r"igraph betweenness from 10 sampled sources: \d+\.\d+ s", output)
    assert "Full metric set end to end" not in output
