"""The API benchmark (`make bench-api`) at a size that runs in seconds, on a database file of its
own (the command migrates and fills it)."""

import re

from .helpers import run_in_process


def test_bench_api_prints_the_figures(tmp_path):
    output = run_in_process(
        "api",
        tmp_path / "bench-api.sqlite3",
        "--organisations=200",
        "--people=200",
        "--requests=2",
        "--warmup=1",
    )
    assert "GET /api/v1/organisations, page size 50" in output
    for case in ("anonymous, unfiltered, offset 0", "coordinator token, unfiltered, offset 0"):
        line = re.search(rf"^{re.escape(case)}\s+(\d+)\s", output, re.MULTILINE)
        assert line and int(line[1]) == 50, output
    assert re.search(r"Target median ≤ 50 ms for the first page of 50 .*: (met|MISSED)", output)
