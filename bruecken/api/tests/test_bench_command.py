"""The API benchmark (`make bench-api`) at a size that runs in seconds, on a database file of its
own (the command migrates and fills it)."""

import os
import re
import subprocess
import sys

from django.conf import settings


def test_bench_api_prints_the_figures(tmp_path):
    environ = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-test-not-a-secret",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench-api.sqlite3'}",
    }
    environ.pop("WEBSITE_CACHE_SECONDS", None)
    done = subprocess.run(
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "bench_api",
            "--organisations=200",
            "--people=200",
            "--requests=2",
            "--warmup=1",
        ],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    output = done.stdout
    assert "GET /api/v1/organisations, page size 50" in output
    for case in ("anonymous, unfiltered, offset 0", "coordinator token, unfiltered, offset 0"):
        line = re.search(rf"^{re.escape(case)}\s+(\d+)\s", output, re.MULTILINE)
        assert line and int(line[1]) == 50, output
    assert re.search(r"Target median ≤ 50 ms for the first page of 50 .*: (met|MISSED)", output)
