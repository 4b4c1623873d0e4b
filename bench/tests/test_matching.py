"""The matching benchmark (`make bench-matching`) at a size that runs in seconds, on a database
file of its own (the command migrates and fills it). Figures only, never compared."""

import re

from .helpers import run_in_process


def test_bench_matching_prints_the_figures(tmp_path):
    output = run_in_process(
        "matching",
        tmp_path / "bench-matching.sqlite3",
        "--organisations=300",
        "--people=20",
        "--partnerships=12",
        "--sample=3",
        "--requests=2",
        "--warmup=0",
    )
    assert "Generating 12 partnerships with profiles" in output
    for case in ("suggestions_for_partnership", "floor: plain SQL filter on country alone"):
        assert re.search(rf"^{re.escape(case)}\s+\d+\.\d\s+\d+\.\d$", output, re.MULTILINE), output
    assert re.search(r"ratio: \d+\.\d× the floor", output)
    assert re.search(
        r"Background recomputation of all \d+ partnerships: \d+\.\d s \(CPU \d+\.\d s\)", output
    )
    assert re.search(r"Target ≤ 60 s for the recomputation: (met|MISSED)", output)
