"""A pytest plugin (loaded with -p, before Django is set up): the environment tests run in.

Tests run as production does, with DEBUG off, so they need a key; this one exists only here."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DEBUG", "false")
