"""The public website's benchmark (`make bench-website`), at a size that runs in seconds.

The command starts gunicorn, another process, which cannot open the tests' in-memory database:
the full run goes through the `bruecken` command line on a database file of its own."""

import os
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.website.management.commands import bench_website
from bruecken.website.management.commands.bench_website import Server

SMALL = ["--organisations=300", "--people=500", "--requests=3", "--warmup=1", "--workers=1"]
PAGES = ["home", "directory, filtered", "directory, new address", "municipality"]


def bench(database, *args):
    environ = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-test-not-a-secret",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    environ.pop("WEBSITE_CACHE_SECONDS", None)
    done = subprocess.run(
        [sys.executable, "-c", bench_website.CLI, "bench_website", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


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
            for median, p90, server, ratio in (figures[:4], figures[4:]):
                assert 0 < server <= median <= p90
                assert ratio > 0
    # Served from the cache in the first run, rendered (a dozen queries) in the second.
    directory = row(output, "directory, filtered", "de")
    assert directory[0] < directory[4]
    assert output.count("Target median ≤ 50 ms warm, page cache") == 2
    counts = re.search(r"Invalidation on change: yes \(.* (\d+) → (\d+) found → (\d+);", output)
    assert counts, output
    before, withdrawn, restored = (int(number) for number in counts.groups())
    assert withdrawn == before - 1 and restored == before

    again = bench(database, *SMALL)
    assert "Reusing the synthetic dataset: 300 organisations, 500 people." in again
    assert "Reusing the synthetic program" in again
    assert "Generated in" not in again
    # The organisation whose consent was withdrawn has it again.
    with_consent = r"\((\d+) with consent"
    assert re.search(with_consent, again)[1] == re.search(with_consent, output)[1]


def test_stops_the_server_on_an_error(tmp_path):
    """Also on Ctrl+C: whatever leaves the block stops gunicorn and its workers."""
    environ = bench_website.server_environ(
        f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path / "static", workers=1
    )
    bench_website.collect_static(environ)
    with pytest.raises(KeyboardInterrupt), Server(environ, tmp_path / "access.log") as server:
        response = server.get(bench_website.STATIC_PATH)
        assert response.status == 200 and response.body
        raise KeyboardInterrupt
    assert server.process.returncode is not None
    with pytest.raises(ConnectionRefusedError):
        server.get(bench_website.STATIC_PATH)


def test_a_broken_page_is_not_measured():
    case = bench_website.Case("home", "home", "de", "/de/", ['<html lang="de"'])
    for response, problem in (
        (bench_website.Response(500, {}, b'<html lang="de">', 0.001), "status 500"),
        (bench_website.Response(200, {}, b'<html lang="en">', 0.001), "no '<html lang"),
    ):
        with pytest.raises(CommandError, match=problem):
            bench_website.check(case, response)


def test_refuses_a_database_holding_other_data(db):
    OrganisationFactory(name="Ein echter Verein")
    with pytest.raises(CommandError, match="not synthetic bench data"):
        call_command("bench_website", *SMALL, "--yes")


def test_fills_an_empty_database_only_if_it_is_named_as_a_bench_one_or_told_to(db, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/bruecken/bruecken.sqlite3")
    with pytest.raises(CommandError, match="not a bench database"):
        call_command("bench_website", *SMALL)


def test_needs_a_database_the_server_can_open(db):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite keeps the tests' database in memory")
    with pytest.raises(CommandError, match="in memory"):
        call_command("bench_website", *SMALL, "--yes")
