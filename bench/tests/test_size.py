"""The real-size benchmark of issue #16 (`make bench-size`), all of it at a tiny scale.

It starts gunicorn for the directory, another process, which cannot open the tests' in-memory
database: the run goes through `python -m bench` on a database file of its own."""

import re
import sqlite3
from functools import partial

from . import helpers

TINY = [
    "--scale=0.001",
    "--requests=1",
    "--warmup=0",
    "--workers=1",
    "--connections=2",
    "--baseline-rows=5",
]
# Minutes on a busy machine (a few dozen pages, an import, gunicorn): more than the default.
bench = partial(helpers.run_in_process, "size", timeout=900)


def summary_row(output, label):
    line = re.search(rf"^{re.escape(label)}.*$", output, re.MULTILINE)
    assert line, f"no summary row {label!r} in:\n{output}"
    return line[0]


def test_prints_every_figure_beside_its_target_and_baseline(tmp_path):
    database = tmp_path / "bench-size.sqlite3"
    output = bench(database, *TINY)

    assert re.search(r"Generated in \d+\.\d s: 50 organisations, 200 people", output)
    summary = output[output.index("Summary (targets of issue #16") :]
    for user in ("program office", "coordinator"):
        for kind in ("organisations", "people"):
            assert "≤ 30 ms" in summary_row(summary, f"picker search, {user}, {kind}")
        assert "≤ 150 ms" in summary_row(summary, f"slowest form, {user}")
        assert "≤ 100 KB" in summary_row(summary, f"largest form, {user}")
        for kind in ("organisations", "people"):
            assert "LIKE" in summary_row(summary, f"text search, {user}, {kind}")
    row = summary_row(summary, "import 200 people + 300 memberships")
    assert "≤ 120 s" in row and "row by row" in row
    assert "first load" in summary_row(summary, "composer, 2 municipalities")
    for case in ("filtered", "text search"):
        assert "static file" in summary_row(summary, f"directory, {case} on a cache miss")
    assert "requests/s" in summary_row(summary, "directory, filtered, 2 connections")
    # Every staff form was opened by the office (the coordinator may be refused some).
    forms = re.findall(r"^(.{26}) program office +(\d+\.\d) ", output, re.MULTILINE)
    assert len(forms) >= 20, output
    assert "within target" in summary

    # The imported people and the composer's program are gone again: the dataset is reused.
    with sqlite3.connect(database) as db:
        imported = db.execute(
            "SELECT COUNT(*) FROM actors_person WHERE email LIKE 'import-%'"
        ).fetchone()[0]
    assert imported == 0
    again = bench(database, *TINY, "--only=search")
    assert "Reusing the synthetic dataset: 50 organisations, 200 people." in again
    assert "Generated in" not in again
    assert "picker search" not in again and "text search, coordinator, organisations" in again


def test_memberships_beyond_the_rows_of_a_file_go_into_several_files():
    from bench import size_import

    joined = [("Verein", "Bonn", "05314000", "Mitglied", 1)] * 2
    people = [
        (
            {"name": f"P {n}", "email": f"p{n}@x.example", "ags": "05314000", "competences": ""},
            joined,
        )
        for n in range(5)
    ]
    people_file, membership_files, count = size_import.files(people, rows_per_file=4)
    assert count == 10
    assert [rows for _data, rows in membership_files] == [4, 4, 2]
    for data, rows in membership_files:
        lines = data.decode().splitlines()
        assert lines[0] == ";".join(size_import.MEMBERSHIP_HEADER) and len(lines) == rows + 1
    assert len(people_file.decode().splitlines()) == 6


def test_a_dataset_size_given_wins_over_the_scale_even_at_the_full_size():
    from bench.size import scaled

    assert scaled(None, 0.1, 50_000, 2) == 5_000
    assert scaled(50_000, 0.1, 50_000, 2) == 50_000
    assert scaled(None, 0.00001, 50_000, 2) == 2
