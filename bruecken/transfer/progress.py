"""How far an import has got while its one transaction runs.

The run's own row cannot tell: PostgreSQL shows the transaction's writes to nobody else before
the commit, and SQLite lets no other connection write while it runs. So the count goes to a
small file beside the uploads, in the storage the web processes and the worker share already
(the worker reads the uploaded file from there); the page shows the larger of the two counts."""

from bruecken.storage import UNAVAILABLE, write_whole

from .models import private_storage


def _name(run_id):
    return f"progress/{int(run_id)}"


def report(run_id, rows):
    try:
        # Whole or not at all: a reader never sees half a number.
        write_whole(private_storage, _name(run_id), str(int(rows)).encode())
    except (OSError, *UNAVAILABLE):
        pass  # the progress bar stands still; the import goes on


def read(run_id):
    try:
        with private_storage.open(_name(run_id), "rb") as handle:
            return int(handle.read())
    except (OSError, ValueError, *UNAVAILABLE):
        return 0


def clear(run_id):
    try:
        private_storage.delete(_name(run_id))
    except (OSError, *UNAVAILABLE):
        pass
