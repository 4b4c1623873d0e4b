"""`python -m bench <name> [options]`: run one benchmark with the project's settings."""

import os
import sys
from pathlib import Path

from . import BENCHMARKS, command


def main(argv):
    if not argv or argv[0] not in BENCHMARKS:
        sys.stderr.write(f"Usage: python -m bench {{{','.join(BENCHMARKS)}}} [options]\n")
        return 2
    name, args = argv[0], argv[1:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bruecken.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import CommandError, call_command

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and database["NAME"] != ":memory:":
        # SQLite makes the file but not its folder: var/ on a fresh clone.
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)

    benchmark = command(name)
    if {"-h", "--help"} & set(args):
        benchmark.print_help("python -m bench", name)
        return 0
    try:
        call_command(benchmark, *args)
    except CommandError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return error.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
