"""The `bruecken` command: Django's manage.py plus what users need day to day.

bruecken demo     load reference data and the demo dataset, create demo accounts
bruecken serve    serve the app (development server when DEBUG is on, gunicorn otherwise)
bruecken worker   run the background tasks (e-mail) and the periodic housekeeping
bruecken <any manage.py command>
"""

import argparse
import logging
import os
import sys
import threading

logger = logging.getLogger("bruecken.worker")


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bruecken.settings")
    command = argv[1] if len(argv) > 1 else "help"
    if command == "serve":
        return serve(argv[2:])
    if command == "worker":
        return worker(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


def serve(args):
    import django
    from django.conf import settings

    if args:
        # Read by the settings (SITE_URL) here and in the development server's reloaded process.
        os.environ["BRUECKEN_ADDRESS"] = args[0]
    django.setup()
    address = args[0] if args else os.environ.get("BRUECKEN_ADDRESS", "127.0.0.1:8000")
    if settings.DEBUG:
        from django.core.management import call_command

        call_command("runserver", address)
        return 0
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", "--bind", address, "--workers", os.environ.get("WEB_WORKERS", "2")]
    sys.argv.append("bruecken.wsgi:application")
    return run()


def seconds(value):
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not 0 <= number < float("inf"):
        raise argparse.ArgumentTypeError(f"a number of seconds, 0 or more, not {value!r}")
    return number


def worker_arguments(args):
    """Our own option; everything else goes to django_tasks_db's `db_worker`."""
    parser = argparse.ArgumentParser(prog="bruecken worker", add_help=False)
    parser.add_argument(
        "--housekeeping-interval",
        type=seconds,
        # A string default goes through `type` as well: a bad environment value is reported.
        default=os.environ.get("WORKER_HOUSEKEEPING_INTERVAL") or "300",
        help="seconds between housekeeping runs; 0 turns housekeeping off for this worker",
    )
    return parser.parse_known_args(args)


def housekeeping_loop(interval, stop):
    """Run the housekeeping at once and then every `interval` seconds until `stop` is set. A
    failed run is logged and retried next time; the worker goes on."""
    from django.core.management import call_command
    from django.db import connections

    while not stop.is_set():
        try:
            call_command("housekeeping", verbosity=0)
        except Exception:
            logger.exception("Housekeeping failed")
        finally:
            connections.close_all()
        stop.wait(interval)


def worker(args):
    """`db_worker` (the tasks queued in the database: e-mails) in the foreground and the
    housekeeping beside it in a thread. With --batch: housekeeping once, every queued task,
    then exit (for cron or tests)."""
    import django
    from django.conf import settings
    from django.core.management import call_command, execute_from_command_line
    from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

    options, rest = worker_arguments(args)
    if "-h" in rest or "--help" in rest:
        print(
            "bruecken worker [--housekeeping-interval SECONDS] [db_worker options]\n\n"
            "  --housekeeping-interval SECONDS  between housekeeping runs (default 300, or\n"
            "                                   WORKER_HOUSEKEEPING_INTERVAL); 0 turns it off\n"
        )
        execute_from_command_line(["bruecken", "db_worker", "--help"])
        return 0
    django.setup()
    batch = "--batch" in rest
    if batch and "--reload" not in rest and "--no-reload" not in rest:
        rest.append("--no-reload")
    reload = "--reload" in rest or (settings.DEBUG and "--no-reload" not in rest and not batch)
    # With the reloader, the worker runs in a child process: housekeeping belongs there too.
    in_worker_process = not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
    housekeeping = options.housekeeping_interval > 0 and in_worker_process
    failed = False
    stop = threading.Event()
    if housekeeping and batch:
        try:
            call_command("housekeeping", verbosity=0)
        except Exception:
            logger.exception("Housekeeping failed")
            failed = True
    elif housekeeping:
        threading.Thread(
            target=housekeeping_loop,
            args=(options.housekeeping_interval, stop),
            name="housekeeping",
            daemon=True,
        ).start()
    try:
        execute_from_command_line(["bruecken", "db_worker", *rest])
    finally:
        stop.set()
    return 1 if failed else 0
