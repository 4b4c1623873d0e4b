"""The benchmark of the staff organisation list (`make bench`), at a size that runs in seconds."""

import re
from functools import partial

from bruecken.actors.models import Organisation, Person, Tie

from . import helpers

# At this size the default filters find nothing; these find two pages for both users (the
# full-text search finds "deutsch" in the languages' names: most organisations speak German).
SMALL = [
    "--organisations=200",
    "--people=500",
    "--requests=5",
    "--warmup=0",
    "--stack-offsets=1",
    "--filters=region=002&q=deutsch",
]


run = partial(helpers.run, "actor_list")


def figures(output, user, case):
    """rows, found, median, p90, CPU, queries, plain SQL, ratio of one table row."""
    line = re.search(rf"^{user}\s+{re.escape(case)}\s+(.*)$", output, re.MULTILINE)
    assert line, f"no row for {user}, {case} in:\n{output}"
    return re.findall(r"\d+(?:\.\d+)?", line[1])


def test_prints_the_figures_and_reuses_the_dataset(db):
    output = run(*SMALL, "--yes")

    assert re.search(r"Generated in \d+\.\d s: 200 organisations, 500 people", output)
    assert (Organisation.objects.count(), Person.objects.count()) == (200, 500)
    assert Tie.objects.exists()
    for user in ("program office", "coordinator"):
        for case in (
            "filtered, page 1",
            "filtered, page 2",
            "filtered, htmx",
            "unfiltered, page 1",
        ):
            # The queries column lists each count seen when calls differed (e.g. [7, 8]).
            rows, found, median, p90, _cpu, queries, *_plain, ratio = figures(output, user, case)
            assert 0 < int(rows) <= 25 < int(found)
            assert 0 < float(median) <= float(p90)
            assert int(queries) > 0 and float(ratio) > 0
    # The program office sees all organisations; a coordinator the public ones and their own.
    assert figures(output, "program office", "unfiltered, page 1")[1] == "200"
    assert int(figures(output, "coordinator", "unfiltered, page 1")[1]) < 200
    assert "Target median ≤ 150 ms" in output
    assert "Queries per request constant: yes" in output

    # The dataset marks the database as a bench one: no --yes needed the second time.
    again = run(*SMALL[:2], "--requests=1", "--warmup=0", "--stack-offsets=1")
    assert "Reusing the synthetic dataset: 200 organisations, 500 people." in again
    assert "Generated in" not in again


def test_runs_on_a_fresh_clone_without_var(tmp_path):
    """`make bench` on a fresh clone: the database's folder does not exist yet."""
    database = tmp_path / "fresh-clone" / "var" / "bench.sqlite3"
    output = helpers.run_in_process(
        "actor_list",
        database,
        "--organisations=30",
        "--people=50",
        "--requests=1",
        "--warmup=0",
        "--filters=q=verein",
    )
    assert "Generated in" in output and "Target median ≤ 150 ms" in output
    assert database.exists()


def test_query_verdict_allows_a_searchs_first_page_its_tiers_only():
    from bench.actor_list import HEAD_QUERIES, query_verdict

    def measured(*counts):
        return [
            {"case": f"filtered, page {page}", "queries": count}
            for page, count in enumerate(counts, start=1)
        ]

    assert query_verdict(measured(10, 10)).startswith("yes")
    assert query_verdict(measured(10 + HEAD_QUERIES, 10)).startswith("yes")
    assert query_verdict(measured(10 + HEAD_QUERIES + 1, 10)).startswith("NO")
    # Calls of one request that differ: never constant.
    assert query_verdict(measured("[7, 8]", 7)).startswith("NO")
