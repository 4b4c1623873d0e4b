"""The events benchmark (`make bench-events`), at a size that runs in seconds."""

import re
from functools import partial

import pytest

from bruecken.events.models import Event, Registration
from bruecken.programs.models import LocalProcess

from . import helpers

SMALL = [
    "--municipalities=6",
    "--events=26",
    "--clients=3",
    "--per-client=2",
    "--capacity=4",
    "--requests=2",
    "--warmup=0",
]


run = partial(helpers.run, "events")


# The clients are threads with connections of their own: they must see committed rows.
@pytest.mark.django_db(transaction=True)
def test_prints_the_figures_and_reuses_the_dataset():
    output = run(*SMALL, "--yes")

    for case in ("take_place, 3 clients", "plain INSERT, 3 clients", "take_place, 1 client"):
        line = re.search(rf"^{re.escape(case)}\s+(\d+)\s.*│\s+(\d+\.\d+)×$", output, re.M)
        assert line, f"no row for {case} in:\n{output}"
        assert line[1] == "6" and float(line[2]) > 0
    assert output.count("4 confirmed (capacity 4), 2 waiting with 2 distinct positions") == 2
    assert "BROKEN" not in output
    # The load events are removed again; the dashboards' program stays.
    assert not Registration.objects.filter(event__title__startswith="Bench: ").exists()
    assert re.search(r"Generated in \d+\.\d s: [\d,]+ people, 30 events", output)
    assert LocalProcess.objects.count() == 6
    assert Event.objects.filter(process__isnull=False).count() == 26
    for page in ("trivial view (baseline)", "program dashboard", "process dashboard"):
        line = re.search(rf"^{re.escape(page)}\s+(.*)│\s+(\d+\.\d+)×$", output, re.M)
        assert line, f"no row for {page} in:\n{output}"
    assert "Target median ≤ 300 ms at 6 municipalities" in output

    again = run(*SMALL[:2], "--only=dashboards", "--requests=1", "--warmup=0")
    assert "Reusing the synthetic program: 6 municipalities, 26 workshops." in again
