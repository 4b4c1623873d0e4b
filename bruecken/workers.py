"""Background workers beyond one machine.

Several `bruecken worker`s may share the queue in the database: django_tasks_db claims each task
in a transaction (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive transaction on
SQLite), so every task runs once. A worker that dies mid-task (killed, machine lost) leaves its
task RUNNING; django_tasks_db records no heartbeat, so each `bruecken worker` keeps its own
(`WorkerHeartbeat`, refreshed every HEARTBEAT_SECONDS by a thread beside the task), and the
housekeeping step `recover_lost_tasks` takes a task for lost when it has been RUNNING for
TASK_STALE_MINUTES and its worker has not been seen for as long. A long task of a live worker
(a big import, a PDF) is never taken for lost. A lost task is queued again until it has been
tried TASK_MAX_ATTEMPTS times, then marked FAILED; the app whose row mirrors the task (a build,
an import, an export) follows through the handler it registered with `when_lost`."""

import logging
import os
import signal
import socket
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
# Heartbeats of workers gone this long are deleted by the housekeeping.
FORGET_AFTER = timedelta(days=1)
# Stored as the lost task's exception: what the task list and the admin show.
LOST_EXCEPTION = "bruecken.workers.WorkerLost"

# task path ("module.function") -> handler(args, kwargs, requeued)
LOST_HANDLERS = {}


class WorkerLost(Exception):
    """The worker running a task stopped before the task finished."""


def when_lost(task, handler):
    """Call `handler(args, kwargs, requeued)` when a run of `task` is found lost, in the same
    transaction as the task's change: `requeued` says whether it will run again (the app puts
    its row back to waiting) or has failed for good (the app marks its row failed, with a
    message the user sees)."""
    LOST_HANDLERS[task.module_path] = handler


class GracefulWorker(db_worker.Worker):
    """django_tasks_db's worker loop, stopped without raising from the signal handler. Its own
    handler exits at once when no task runs, raising SystemExit wherever the loop happens to
    be: inside the COMMIT of a claim the worker then fails with another error and leaves the
    claimed task RUNNING (django-tasks-db issue #61). Here a stop signal ends the loop after
    the claim or the wait under way (at most --interval): a claimed task runs, a task under way
    finishes; a second signal stops it, as before. `bruecken worker` runs db_worker with it."""

    # A stop signal that came while the worker started (`stop_when_started`).
    stop_requested = False

    @classmethod
    def use(cls):
        """db_worker builds its worker by this name (no option for another class)."""
        cls.stop_requested = False
        db_worker.Worker = cls

    @classmethod
    def stop_when_started(cls, signum, frame):
        """The stop signals' handler until the loop has its own: kept for it. Raising instead
        would land anywhere in the start-up, where Python drops it (in a callback of the import
        system) or a library turns it into another error."""
        cls.stop_requested = True

    def configure_signals(self):
        super().configure_signals()
        if self.stop_requested:
            self.running = False

    def shutdown(self, signum, frame):
        if not self.running:
            super().shutdown(signum, frame)
        logger.warning(
            "Received %s - shutting down gracefully... (press Ctrl+C again to force)",
            signal.strsignal(signum),
        )
        self.running = False

    def run_task(self, db_task_result):
        """db_worker's, except that a task whose row was deleted while it ran (by hand, by a
        clean-up) is logged instead of ending the worker: recording its outcome fails, and so
        does recording that failure."""
        from django_tasks_db.models import DBTaskResult

        try:
            super().run_task(db_task_result)
        except DatabaseError:
            if DBTaskResult.objects.filter(pk=db_task_result.pk).exists():
                raise
            logger.warning("Task %s was deleted while it ran", db_task_result.pk)


def new_worker_id():
    """Unique across the machines, and telling where the worker runs (db_worker allows 64)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"[:64]


def heartbeat(worker_id, now=None):
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": now or timezone.now()}
    )


def stopped(worker_id):
    """A worker that stops cleanly says so: its tasks are finished."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def stale_minutes():
    return max(1, settings.TASK_STALE_MINUTES)


def lost_tasks(now):
    """The RUNNING tasks started more than TASK_STALE_MINUTES ago whose (last) worker has not
    been seen for as long (or never: a worker not started by `bruecken worker`)."""
    from django_tasks_db.models import DBTaskResult

    since = now - timedelta(minutes=stale_minutes())
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.running().filter(started_at__lt=since)
    return [
        pk
        for pk, worker_ids in running.values_list("pk", "worker_ids")
        if not (worker_ids and worker_ids[-1] in alive)
    ]


def recover_lost_tasks(now):
    """The housekeeping step: queue each lost task again or mark it failed (see the module's
    docstring). Safe with several workers at once: each task is handled under a row lock, and
    only while it is still RUNNING. Returns how many were handled."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    handled = 0
    for pk in lost_tasks(now):
        try:
            with transaction.atomic():
                result = (
                    DBTaskResult.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, status=TaskResultStatus.RUNNING)
                    .first()
                )
                if result is None:
                    continue
                requeued = len(result.worker_ids) < max(1, settings.TASK_MAX_ATTEMPTS)
                if requeued:
                    result.status = TaskResultStatus.READY
                    result.started_at = None
                else:
                    result.status = TaskResultStatus.FAILED
                    result.finished_at = now
                    result.exception_class_path = LOST_EXCEPTION
                    result.traceback = (
                        f"{LOST_EXCEPTION}: the worker {result.worker_ids[-1:]} stopped during "
                        f"attempt {len(result.worker_ids)} of {settings.TASK_MAX_ATTEMPTS} "
                        f"(not seen for {stale_minutes()} minutes)"
                    )
                result.save()
                handler = LOST_HANDLERS.get(result.task_path)
                if handler is not None:
                    args = result.args_kwargs.get("args", [])
                    handler(args, result.args_kwargs.get("kwargs", {}), requeued)
            logger.warning(
                "Task %s (%s) lost with its worker: %s",
                pk,
                result.task_path,
                "queued again" if requeued else "failed",
            )
            handled += 1
        except Exception:
            # One task's handler failing leaves that task RUNNING for the next run to try.
            logger.exception("Recovering the lost task %s failed", pk)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    return handled
