"""Running a benchmark from the tests: in this process, on the tests' database, or as `python
-m bench` in another process, on a database file of its own."""

import os
import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command

from bench import command


def run(name, *args, **options):
    out = StringIO()
    call_command(command(name), *args, stdout=out, **options)
    return out.getvalue()


def run_in_process(name, database, *args, timeout=300):
    environ = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-test-not-a-secret",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    environ.pop("WEBSITE_CACHE_SECONDS", None)
    # As `make bench*` runs: DEBUG off requires the second factor of the program office (the
    # tests' settings turn that off, and the environment would pass it on).
    environ.pop("MFA_REQUIRED_FOR_PROGRAM_OFFICE", None)
    done = subprocess.run(
        [sys.executable, "-m", "bench", name, *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
