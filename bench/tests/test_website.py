"""The public website's benchmark (`make bench-website`), at a size that runs in seconds.

The command starts gunicorn, another process, which cannot open the tests' in-memory database:
the full run goes through `python -m bench` on a database file of its own."""

import os
import re
import time
from functools import partial

import pytest
from django.core.management import CommandError
from django.db import connection

from bench import website
from bench.website import Server

from . import helpers

SMALL = ["--organisations=300", "--people=500", "--requests=3", "--warmup=1", "--workers=1"]
PAGES = ["home", "directory, filtered", "directory, new address", "municipality"]
run = partial(helpers.run, "website")
bench = partial(helpers.run_in_process, "website")


def row(output, label, language):
    """The figures of one table row: median, p90, server, ratio with the cache on, then off."""
    line = re.search(rf"^{re.escape(label)}\s+{language}\s+\d+ (.*)$", output, re.MULTILINE)
    assert line, f"no row for {label} ({language}) in:\n{output}"
    return [float(number) for number in re.findall(r"\d+\.\d+", line[1])]


def test_serves_the_pages_and_prints_the_figures(tmp_path):
    database = tmp_path / "bench-website.sqlite3"
    output = bench(database, *SMALL)

    assert re.search(r"Generated in \d+\.\d s: 300 organisations, 500 people", output)
    assert "gunicorn (`bruecken serve`, 1 sync worker, DEBUG off)" in output
    assert "page cache on (600 s)" in output and "page cache off" in output
    static = row(output, "static file (baseline)", "–")
    assert len(static) == 8 and static[3] == static[7] == 1.0
    for label in PAGES:
        for language in ("de", "en"):
            figures = row(output, label, language)
            assert len(figures) == 8, f"{label} ({language}): {figures}"
            # Figures only: the server's time and the round trip are two timings, never
            # compared (a busy machine turns any order around).
            for median, p90, server, ratio in (figures[:4], figures[4:]):
                assert server > 0 and 0 < median <= p90
                assert ratio > 0
    assert output.count("Target median ≤ 50 ms warm, page cache") == 2
    counts = re.search(r"Invalidation on change: yes \(.* (\d+) → (\d+) found → (\d+);", output)
    assert counts, output
    before, withdrawn, restored = (int(number) for number in counts.groups())
    assert withdrawn == before - 1 and restored == before

    assert "Collecting the static files (as for production) into" in output
    again = bench(database, *SMALL)
    assert f"Reusing the static files in {tmp_path / 'bench-website-static'}" in again
    assert "Reusing the synthetic dataset: 300 organisations, 500 people." in again
    assert "Reusing the synthetic program" in again
    assert "Generated in" not in again
    # The organisation whose consent was withdrawn has it again.
    with_consent = r"\((\d+) with consent"
    assert re.search(with_consent, again)[1] == re.search(with_consent, output)[1]


def test_collected_static_files_are_current_until_a_source_file_is_newer(tmp_path):
    assert not website.static_is_current(tmp_path)
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text("{}")
    os.utime(manifest, (0, 0))
    assert not website.static_is_current(tmp_path)
    later = time.time() + 3600
    os.utime(manifest, (later, later))
    assert website.static_is_current(tmp_path)


def test_stops_the_server_on_an_error(tmp_path):
    """Also on Ctrl+C: whatever leaves the block stops gunicorn and its workers."""
    environ = website.server_environ(
        f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path / "static", workers=1
    )
    website.collect_static(environ)
    with pytest.raises(KeyboardInterrupt), Server(environ, tmp_path / "access.log") as server:
        response = server.get(website.STATIC_PATH)
        assert response.status == 200 and response.body
        raise KeyboardInterrupt
    assert server.process.returncode is not None
    with pytest.raises(ConnectionRefusedError):
        server.get(website.STATIC_PATH)


def test_a_broken_page_is_not_measured():
    case = website.Case("home", "home", "de", "/de/", ['<html lang="de"'])
    for response, problem in (
        (website.Response(500, {}, b'<html lang="de">', 0.001), "status 500"),
        (website.Response(200, {}, b'<html lang="en">', 0.001), "no '<html lang"),
    ):
        with pytest.raises(CommandError, match=problem):
            website.check(case, response)


def test_needs_a_database_the_server_can_open(db):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite keeps the tests' database in memory")
    with pytest.raises(CommandError, match="in memory"):
        run(*SMALL, "--yes")
