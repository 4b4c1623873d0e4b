"""A pytest plugin (loaded with -p, before Django is set up): the environment tests run in.

Tests run as production does, with DEBUG off, so they need a key; this one exists only here."""

import os
import tempfile

import pytest

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Tasks run at once (after commit) instead of waiting for a worker.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# Collected static files live here in production; tests serve them from the finders.
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="bruecken-static-"))
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bruecken-media-"))
# Pages are rendered afresh in tests; the cache has tests of its own that turn it on.
os.environ.setdefault("WEBSITE_CACHE_SECONDS", "0")
# Staff tests sign in the program office without a second factor; the accounts tests turn the
# requirement on where they test it.
os.environ.setdefault("MFA_REQUIRED_FOR_PROGRAM_OFFICE", "false")


DATABASE_FIXTURES = frozenset({"db", "transactional_db"})


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef, request):
    """A test must say that it uses the database (a fixture argument or the django_db mark), not
    only ask for it while it runs (`request.getfixturevalue`): pytest-django orders it among
    the tests without one, after the browser tests, and on PostgreSQL the connection it opens
    there is never closed, so that the test database cannot be dropped at the end."""
    item = request.node
    if (
        fixturedef.argname in DATABASE_FIXTURES
        and isinstance(item, pytest.Function)
        and fixturedef.argname not in item.fixturenames
        and item.get_closest_marker("django_db") is None
        # pytest-django's own way for the browser tests, which it orders as using the database.
        and "live_server" not in item.fixturenames
    ):
        pytest.fail(
            f"{item.nodeid} asks for the database only while it runs: add the fixture "
            "`db` to its arguments or mark it with `pytest.mark.django_db`.",
            pytrace=False,
        )
