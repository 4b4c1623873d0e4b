"""The database connection settings: how long a process keeps its connection, and that a kept
connection the database closed (a restart) is replaced before a request uses it."""

import json
import os
import subprocess
import sys

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, connections


def database_settings(tmp_path, **environment):
    """CONN_MAX_AGE and CONN_HEALTH_CHECKS as a fresh process reads them from `environment`
    (nothing connects: the settings alone)."""
    script = (
        "import json; from django.conf import settings; "
        "database = settings.DATABASES['default']; "
        "print(json.dumps([database['CONN_MAX_AGE'], database['CONN_HEALTH_CHECKS']]))"
    )
    env = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_CONN_MAX_AGE"},
        "DJANGO_SETTINGS_MODULE": "bruecken.settings",
        "DEBUG": "false",
        "SECRET_KEY": "tests-only-secret-key-not-used-anywhere-else-0123456789",
        "BRUECKEN_VAR_DIR": str(tmp_path),
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return tuple(json.loads(result.stdout))


@pytest.mark.parametrize(
    ("url", "kept"),
    [("sqlite:///bruecken.sqlite3", 600), ("postgres://brucken@db.example.org:5432/b", 60)],
)
def test_a_process_keeps_its_connection_between_requests(tmp_path, url, kept):
    assert database_settings(tmp_path, DATABASE_URL=url) == (kept, True)


def test_the_development_server_gets_a_new_postgresql_connection_for_each_request(tmp_path):
    # It serves each request in a thread of its own (`bruecken serve` with DEBUG).
    url = "postgres://brucken@db.example.org:5432/b"
    assert database_settings(tmp_path, DATABASE_URL=url, DEBUG="true") == (0, True)


def test_database_conn_max_age_sets_how_long(tmp_path):
    url = "postgres://brucken@db.example.org:5432/b"
    assert database_settings(tmp_path, DATABASE_URL=url, DATABASE_CONN_MAX_AGE="0") == (0, True)


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_the_database_closed_is_replaced_at_the_next_request():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL closes a connection from another one (pg_terminate_backend)")
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        kept = cursor.fetchone()[0]
    request_finished.send(sender=None)
    assert connection.connection is not None, "kept between requests"

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [kept])
    finally:
        other.close()

    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        replaced = cursor.fetchone()[0]
    request_finished.send(sender=None)
    assert replaced != kept


@pytest.mark.django_db
def test_postgresql_compiles_no_query():
    """JIT compilation is off: PostgreSQL compiled a coordinator's search of people (estimated
    far above its cost) for 900 ms at every request, which then ran in 60."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's JIT compilation")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
