"""One app server against two (`make bench-cluster`), at a size that runs in about a minute.

The servers are other processes, which cannot open the tests' in-memory database: the run goes
through `python -m bench` on a database file of its own."""

import re
from functools import partial

from bench import topology

from . import helpers

SMALL = [
    "--organisations=40",
    "--people=40",
    "--requests=8",
    "--warmup=8",
    "--registrations=6",
    "--clients=2",
    "--workers=1",
]
bench = partial(helpers.run_in_process, "cluster")


def test_measures_one_and_two_servers_and_prints_the_table(tmp_path):
    output = bench(tmp_path / "bench-cluster.sqlite3", *SMALL)

    assert "1 sync worker each, DEBUG off" in output
    assert "SQLite: the servers share one database file" in output
    caches = ["embedded"] if topology.missing_redis() else ["embedded", "Redis"]
    for workload in ("public pages", "registrations"):
        for cache in caches:
            line = re.search(rf"^{workload}\s+{cache}\s+│(.*)$", output, re.MULTILINE)
            assert line, f"no row for {workload}, {cache} in:\n{output}"
            figures = [float(number) for number in re.findall(r"\d+\.\d+", line[1])]
            # Per second, median and p90 for one server and for two, and the ratio: figures
            # only, never compared with each other.
            assert len(figures) == 7 and all(number > 0 for number in figures), line[0]
    if len(caches) == 1:
        assert "Redis runs skipped: redis-server is not installed" in output
    else:
        assert "Redis / embedded (per second): public pages: one server" in output
    assert "Places exact after every run: yes (3 confirmed" in output
