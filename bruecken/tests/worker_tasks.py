"""Tasks for the worker tests only (bruecken/tests/test_workers.py): each leaves a trace in a
file named by BRUECKEN_TEST_TRACE, which the test reads, since the workers are other processes."""

import os
import time

from django_tasks import task


def _trace(line):
    # One short write with O_APPEND: lines of several processes never mix.
    with open(os.environ["BRUECKEN_TEST_TRACE"], "a") as trace:
        trace.write(f"{line}\n")


@task()
def record(number):
    _trace(f"ran {number} {os.getpid()}")
    time.sleep(0.01)
    return number


@task()
def sleep(seconds):
    _trace(f"started {os.getpid()}")
    time.sleep(seconds)
    _trace(f"finished {os.getpid()}")
    return seconds


@task(takes_context=True)
def delete_own_result(context):
    """Deletes the row of its own run, as a clean-up by hand might while it runs."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=context.task_result.id).delete()
    _trace("deleted")


def lost_run(task, *args, attempts=1):
    """Queue `task` in the database and make it look claimed half an hour ago by a worker
    since gone (after `attempts - 1` earlier ones): what `recover_lost_tasks` looks for. Needs
    the database backend (settings.TASKS)."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    result = task.enqueue(*args)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(minutes=30),
        worker_ids=[f"gone-{n}" for n in range(attempts)],
    )
    return DBTaskResult.objects.get(pk=result.id)
