"""The `bruecken` command: Django's manage.py plus what users need day to day.

bruecken demo     load reference data and the demo dataset, create demo accounts
bruecken serve    serve the app (development server when DEBUG is on, gunicorn otherwise)
bruecken worker   run the background tasks (e-mail) and the periodic housekeeping
bruecken <any manage.py command>
"""

import argparse
import logging
import os
import signal
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
    # On SIGTERM gunicorn stops accepting connections and gives the requests under way this
    # long to finish before it stops their workers.
    sys.argv += ["--graceful-timeout", os.environ.get("WEB_GRACEFUL_TIMEOUT") or "30"]
    # Its own lines (start, workers, signals) on stdout, as JSON with LOG_FORMAT=json.
    sys.argv += ["--error-logfile", "-", "--logger-class", "bruecken.logs.GunicornLogger"]
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


def heartbeat_loop(worker_id, stop):
    """Tell the other workers' housekeeping that this worker is alive (bruecken/workers.py),
    every few seconds, also while a long task runs."""
    from django.db import connections

    from bruecken import workers

    # The first beat is written before the worker starts (see `worker`): a write from this
    # thread at the same moment as the worker's first claim fails one of them on SQLite.
    while not stop.wait(workers.HEARTBEAT_SECONDS):
        try:
            beat(worker_id)
        finally:
            connections.close_all()


def beat(worker_id):
    from bruecken import workers

    try:
        workers.heartbeat(worker_id)
    except Exception:
        logger.exception("Heartbeat failed")


def worker_id_of(rest):
    """The --worker-id given for db_worker, else a new one added to `rest`."""
    from bruecken import workers

    for index, value in enumerate(rest):
        if value == "--worker-id" and index + 1 < len(rest):
            return rest[index + 1]
        if value.startswith("--worker-id="):
            return value.split("=", 1)[1]
    worker_id = workers.new_worker_id()
    rest.extend(["--worker-id", worker_id])
    return worker_id


# How long a stopping worker waits for a housekeeping run under way to finish.
HOUSEKEEPING_STOP_SECONDS = 60


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
    from bruecken.workers import GracefulWorker

    GracefulWorker.use()
    batch = "--batch" in rest
    if batch and "--reload" not in rest and "--no-reload" not in rest:
        rest.append("--no-reload")
    reload = "--reload" in rest or (settings.DEBUG and "--no-reload" not in rest and not batch)
    # With the reloader, the worker runs in a child process: housekeeping belongs there too.
    in_worker_process = not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
    housekeeping = options.housekeeping_interval > 0 and in_worker_process
    failed = False
    stop = threading.Event()
    handlers = {}
    if in_worker_process:
        # Until db_worker installs its own handlers, a stop signal is kept for them.
        for signum in (signal.SIGTERM, signal.SIGINT):
            handlers[signum] = signal.signal(signum, GracefulWorker.stop_when_started)
    threads = []
    worker_id = worker_id_of(rest)
    if in_worker_process:
        beat(worker_id)
        threads.append(
            threading.Thread(
                target=heartbeat_loop, args=(worker_id, stop), name="heartbeat", daemon=True
            )
        )
    if housekeeping and batch:
        try:
            call_command("housekeeping", verbosity=0)
        except Exception:
            logger.exception("Housekeeping failed")
            failed = True
    elif housekeeping:
        threads.append(
            threading.Thread(
                target=housekeeping_loop,
                args=(options.housekeeping_interval, stop),
                name="housekeeping",
                daemon=True,
            )
        )
    try:
        for thread in threads:
            thread.start()
        # On SIGTERM or Ctrl+C db_worker lets the task under way finish, then returns (within
        # its --interval when idle); a second signal stops the task.
        execute_from_command_line(["bruecken", "db_worker", *rest])
    finally:
        stop_threads(stop, threads, worker_id if in_worker_process else None)
        # As they were: for a caller in the same process (the tests).
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    return 1 if failed else 0


def stop_threads(stop, threads, worker_id):
    """Stop the heartbeat and the housekeeping, letting a housekeeping run under way finish,
    and tell the other workers this one is gone."""
    from bruecken import workers

    stop.set()
    for thread in threads:
        thread.join(HOUSEKEEPING_STOP_SECONDS)
    if worker_id is not None:
        try:
            workers.stopped(worker_id)
        except Exception:
            logger.exception("Removing the heartbeat of worker %s failed", worker_id)
    logger.info("Worker %s stopped", worker_id)
