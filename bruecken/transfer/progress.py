"""How far an import has got while its one transaction runs.

The run's own row cannot tell: PostgreSQL shows the transaction's writes to nobody else before
the commit, and SQLite lets no other connection write while it runs. So the count goes to a
small file beside the uploads, which the web processes and the worker share already (the worker
reads the uploaded file from there); the page shows the larger of the two counts."""

import contextlib
import os

from .models import upload_dir


def _path(run_id):
    return upload_dir() / "progress" / str(int(run_id))


def report(run_id, rows):
    path = _path(run_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_text(str(int(rows)))
        os.replace(partial, path)  # whole or not at all: a reader never sees half a number
    except OSError:
        pass  # the progress bar stands still; the import goes on


def read(run_id):
    try:
        return int(_path(run_id).read_text())
    except (OSError, ValueError):
        return 0


def clear(run_id):
    with contextlib.suppress(OSError):
        _path(run_id).unlink()
