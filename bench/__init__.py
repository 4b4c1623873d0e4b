"""The benchmarks (`make bench`, `make bench-*`): `python -m bench <name> [options]`.

Each is a Django management command class run outside the apps (this package is not shipped:
pyproject.toml packages only `bruecken*`). What they share: bench/common.py (options, database
checks, users, test client), bench/timing.py (timing, query logs, percentiles),
bench/dataset.py (the synthetic organisations and people) and bench/topology.py (the processes of
several machines on this one, also for bruecken/tests/test_topology.py)."""

import importlib

# The name on the command line, and the module whose Command it runs.
BENCHMARKS = {
    "actor_list": "actor_list",
    "events": "events",
    "website": "website",
    "network": "network",
    "guide": "guide",
    "import": "imports",
    "api": "api",
    "size": "size",
    "matching": "matching",
    "cluster": "cluster",
}


def command(name):
    """A new instance of the named benchmark's command."""
    return importlib.import_module(f"bench.{BENCHMARKS[name]}").Command()
