"""The import benchmark (`make bench-import`), at a size that runs in seconds."""

import re
from functools import partial

from bench.imports import BENCH_DOMAIN, generate_csv
from bruecken.actors.models import Organisation
from bruecken.transfer.parsing import read_table

from . import helpers

run = partial(helpers.run, "import")


def test_prints_figures_and_the_ratio(reference_data):
    output = run("--rows=60", "--import-export-rows=20", "--yes")
    assert re.search(r"dry run \(read, check every row\)\s+\d+\.\d\d s", output)
    assert re.search(r"import \(check again, write, audit\)\s+\d+\.\d\d s", output)
    assert "target: import ≤ 60 s: OK" in output
    assert re.search(r"django-import-export import_data\s+\d+\.\d\d s for 20 rows", output)
    assert "extrapolated linearly from 20 rows" in output
    assert re.search(r"ratio \(django-import-export / our import\): \d+\.\d×", output)
    # The last state is django-import-export's import of the sample.
    assert Organisation.objects.filter(email__endswith=BENCH_DOMAIN).count() == 20


def test_the_generated_file_is_german_excel_csv(reference_data, bonn, kiel):
    data = generate_csv(10, [bonn, kiel])
    table = read_table(data, "bench.csv")
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.headers[0] == "Organisationsname"
    assert len(table.rows) == 10
