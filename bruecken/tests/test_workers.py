"""Several workers on one queue, a worker that dies mid-task, a worker told to stop
(bruecken/workers.py, `bruecken worker` in bruecken/cli.py).

The tests with real worker processes need PostgreSQL: the processes must reach the test
database, and on SQLite pytest's test database lives in the test process's memory."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings as project_settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from bruecken import cli, housekeeping, workers
from bruecken.models import WorkerHeartbeat
from bruecken.tests import worker_tasks

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="worker processes cannot reach the in-memory SQLite test database",
)


@pytest.fixture
def database_tasks(settings):
    """Tasks queue in the database, as in production, until a worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    yield
    # An in-process worker installs its own signal handlers; give pytest its own back.
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def running(task, *args, worker="gone-worker", started=timedelta(minutes=30), attempts=1):
    """A task claimed `started` ago by `worker` (after attempts - 1 earlier workers)."""
    result = task.enqueue(*args)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        started_at=timezone.now() - started,
        worker_ids=[f"earlier-{n}" for n in range(attempts - 1)] + [worker],
    )
    return DBTaskResult.objects.get(pk=result.id)


def reloaded(result):
    return DBTaskResult.objects.get(pk=result.pk)


class TestLostTasks:
    def test_a_task_of_a_worker_gone_quiet_is_queued_again(self, db, database_tasks, settings):
        settings.TASK_STALE_MINUTES = 10
        settings.TASK_MAX_ATTEMPTS = 2
        result = running(worker_tasks.record, 1, started=timedelta(minutes=11))
        WorkerHeartbeat.objects.create(
            worker_id="gone-worker", seen_at=timezone.now() - timedelta(minutes=11)
        )

        assert workers.recover_lost_tasks(now=timezone.now()) == 1

        result = reloaded(result)
        assert result.status == "READY"
        assert result.started_at is None
        # The attempts so far stay recorded: the next worker's id is added to them.
        assert result.worker_ids == ["gone-worker"]
        assert DBTaskResult.objects.ready().filter(pk=result.pk).exists()

    def test_after_the_last_attempt_it_fails_with_the_reason(self, db, database_tasks, settings):
        settings.TASK_MAX_ATTEMPTS = 2
        result = running(worker_tasks.record, 1, attempts=2)

        assert workers.recover_lost_tasks(now=timezone.now()) == 1

        result = reloaded(result)
        assert result.status == "FAILED"
        assert result.finished_at is not None
        assert result.exception_class_path == "bruecken.workers.WorkerLost"
        assert "gone-worker" in result.traceback
        assert "attempt 2 of 2" in result.traceback
        # Failed for good: the next run leaves it alone.
        assert workers.recover_lost_tasks(now=timezone.now()) == 0

    def test_a_long_task_of_a_live_worker_is_left_running(self, db, database_tasks, settings):
        settings.TASK_STALE_MINUTES = 10
        result = running(worker_tasks.record, 1, worker="busy", started=timedelta(hours=5))
        workers.heartbeat("busy", now=timezone.now() - timedelta(minutes=1))

        assert workers.recover_lost_tasks(now=timezone.now()) == 0
        assert reloaded(result).status == "RUNNING"

    def test_a_task_started_lately_is_left_running(self, db, database_tasks, settings):
        settings.TASK_STALE_MINUTES = 10
        # Its worker never sent a heartbeat (not a `bruecken worker`): its start counts.
        result = running(worker_tasks.record, 1, worker="plain", started=timedelta(minutes=9))

        assert workers.recover_lost_tasks(now=timezone.now()) == 0
        assert reloaded(result).status == "RUNNING"
        assert workers.recover_lost_tasks(now=timezone.now() + timedelta(minutes=2)) == 1

    def test_a_failing_handler_leaves_the_task_for_the_next_run(
        self, db, database_tasks, monkeypatch
    ):
        def broken(args, kwargs, requeued):
            raise RuntimeError("broken handler")

        monkeypatch.setitem(workers.LOST_HANDLERS, worker_tasks.record.module_path, broken)
        result = running(worker_tasks.record, 1)
        other = running(worker_tasks.sleep, 1)

        assert workers.recover_lost_tasks(now=timezone.now()) == 1

        assert reloaded(result).status == "RUNNING"
        assert reloaded(other).status == "READY"

    def test_the_handler_hears_the_arguments_and_the_outcome(
        self, db, database_tasks, monkeypatch, settings
    ):
        settings.TASK_MAX_ATTEMPTS = 2
        heard = []
        monkeypatch.setitem(
            workers.LOST_HANDLERS,
            worker_tasks.record.module_path,
            lambda args, kwargs, requeued: heard.append((args, kwargs, requeued)),
        )
        running(worker_tasks.record, 7)
        running(worker_tasks.record, 8, attempts=2)

        workers.recover_lost_tasks(now=timezone.now())

        assert sorted(heard) == [([7], {}, True), ([8], {}, False)]

    def test_is_a_housekeeping_step(self, db):
        assert "lost_tasks" in housekeeping.STEPS

    def test_old_heartbeats_are_forgotten(self, db):
        now = timezone.now()
        workers.heartbeat("long-gone", now=now - timedelta(days=2))
        workers.heartbeat("recent", now=now - timedelta(hours=1))

        workers.recover_lost_tasks(now=now)

        assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["recent"]

    def test_a_stopped_worker_says_so(self, db):
        workers.heartbeat("leaving")
        workers.stopped("leaving")
        assert not WorkerHeartbeat.objects.exists()


class TestWorkerId:
    def test_given_or_new(self):
        assert cli.worker_id_of(["--worker-id", "mine", "--batch"]) == "mine"
        assert cli.worker_id_of(["--worker-id=mine"]) == "mine"
        rest = ["--batch"]
        worker_id = cli.worker_id_of(rest)
        assert rest == ["--batch", "--worker-id", worker_id]
        assert len(worker_id) <= 64
        assert str(os.getpid()) in worker_id
        assert cli.worker_id_of([]) != worker_id


@pytest.mark.django_db(transaction=True)
def test_batch_worker_leaves_no_heartbeat(database_tasks):
    worker_tasks.record.enqueue(1)
    os.environ["BRUECKEN_TEST_TRACE"] = os.devnull
    try:
        args = ["bruecken", "worker", "--batch", "--no-startup-delay", "--verbosity", "0"]
        assert cli.main([*args, "--worker-id", "batch"]) == 0
    finally:
        del os.environ["BRUECKEN_TEST_TRACE"]
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    assert result.worker_ids == ["batch"]
    assert not WorkerHeartbeat.objects.filter(worker_id="batch").exists()


# Real worker processes


def database_url():
    database = connection.settings_dict
    user = quote(database["USER"] or "")
    password = quote(database["PASSWORD"] or "")
    host = database["HOST"] or "localhost"
    return f"postgres://{user}:{password}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


START = "import sys; from bruecken.cli import main; sys.exit(main(['bruecken', *sys.argv[1:]]))"


def start_worker(trace, worker_id, housekeeping_interval="0"):
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "1",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "BRUECKEN_TEST_TRACE": str(trace),
    }
    command = [sys.executable, "-c", START, "worker", "--no-reload", "--no-startup-delay"]
    command += ["--interval", "0.05", "--verbosity", "1", "--worker-id", worker_id]
    command += ["--housekeeping-interval", housekeeping_interval]
    return subprocess.Popen(
        command,
        cwd=project_settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds} s")
        time.sleep(0.1)


def trace_lines(trace):
    return trace.read_text().splitlines() if trace.exists() else []


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return process.returncode, output


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_of_200_tasks_once(database_tasks, tmp_path):
    trace = tmp_path / "trace"
    processes = [start_worker(trace, f"racer-{n}") for n in (1, 2)]
    try:
        wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id__startswith="racer").count() == 2)
        for number in range(200):
            worker_tasks.record.enqueue(number)
        wait_for(
            lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 200, seconds=180
        )
    finally:
        outcomes = [stop(process) for process in processes]
    assert [code for code, _output in outcomes] == [0, 0], outcomes

    runs = [line.split() for line in trace_lines(trace)]
    assert sorted(int(number) for _ran, number, _pid in runs) == list(range(200))
    # Both processes took part: they raced for the same rows.
    assert len({pid for _ran, _number, pid in runs}) == 2
    results = DBTaskResult.objects.all()
    assert {result.status for result in results} == {"SUCCESSFUL"}
    assert all(len(result.worker_ids) == 1 for result in results)
    assert {result.worker_ids[0] for result in results} == {"racer-1", "racer-2"}


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_task_of_a_killed_worker_is_queued_again_and_run(database_tasks, tmp_path, settings):
    trace = tmp_path / "trace"
    process = start_worker(trace, "doomed")
    try:
        result = worker_tasks.sleep.enqueue(300)
        wait_for(lambda: any(line.startswith("started") for line in trace_lines(trace)))
    finally:
        process.kill()
        process.communicate(timeout=60)
    lost = DBTaskResult.objects.get(pk=result.id)
    assert lost.status == "RUNNING"

    settings.TASK_STALE_MINUTES = 1
    # Seen alive a moment ago: not yet taken for lost.
    assert workers.recover_lost_tasks(now=timezone.now()) == 0
    assert workers.recover_lost_tasks(now=timezone.now() + timedelta(minutes=2)) == 1
    lost = DBTaskResult.objects.get(pk=result.id)
    assert lost.status == "READY"
    assert lost.worker_ids == ["doomed"]

    # The next worker runs it (made short, to keep the test quick).
    DBTaskResult.objects.filter(pk=result.id).update(args_kwargs={"args": [0], "kwargs": {}})
    os.environ["BRUECKEN_TEST_TRACE"] = str(trace)
    try:
        args = ["bruecken", "worker", "--batch", "--no-startup-delay", "--verbosity", "0"]
        assert cli.main([*args, "--worker-id", "rescuer"]) == 0
    finally:
        del os.environ["BRUECKEN_TEST_TRACE"]
    done = DBTaskResult.objects.get(pk=result.id)
    assert done.status == "SUCCESSFUL"
    assert done.worker_ids == ["doomed", "rescuer"]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_task_finish_and_stops_the_worker(database_tasks, tmp_path):
    trace = tmp_path / "trace"
    # Housekeeping every half second: its thread must stop too, or the process would not end.
    process = start_worker(trace, "polite", housekeeping_interval="0.5")
    try:
        result = worker_tasks.sleep.enqueue(3)
        wait_for(lambda: any(line.startswith("started") for line in trace_lines(trace)))
        process.send_signal(signal.SIGTERM)
        code, output = stop(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert code == 0, output
    assert "shutting down gracefully" in output
    assert "Traceback" not in output
    assert [line.split()[0] for line in trace_lines(trace)] == ["started", "finished"]
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    # It said goodbye: its tasks are not waited for as if it might come back.
    assert not WorkerHeartbeat.objects.filter(worker_id="polite").exists()


@pytest.fixture
def stop_signals():
    """The handlers a test installs, put back after it."""
    stop = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)
    handlers = {signum: signal.getsignal(signum) for signum in stop}
    yield
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


def graceful_worker(**options):
    return workers.GracefulWorker(
        **{
            "queue_names": ["default"],
            "interval": 0.01,
            "batch": False,
            "backend_name": "default",
            "startup_delay": False,
            "max_tasks": None,
            "worker_id": "graceful",
            "excluded_queue_names": [],
            **options,
        }
    )


@pytest.mark.django_db(transaction=True)
def test_a_stop_signal_during_a_claim_lets_the_claimed_task_run(
    database_tasks, stop_signals, monkeypatch
):
    """db_worker's own handler raised SystemExit inside the claim (issue #61 upstream: within
    its COMMIT the worker failed and the task stayed RUNNING); this one lets the loop end."""
    claim = DBTaskResult.claim

    def claim_and_be_stopped(result, worker_id):
        claim(result, worker_id)
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(DBTaskResult, "claim", claim_and_be_stopped)
    os.environ["BRUECKEN_TEST_TRACE"] = os.devnull
    try:
        result = worker_tasks.record.enqueue(1)
        worker = graceful_worker()
        worker.configure_signals()
        worker.run()  # returns: the signal ended the loop
    finally:
        del os.environ["BRUECKEN_TEST_TRACE"]
    assert not worker.running
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_row_is_deleted_while_it_runs_does_not_end_the_worker(
    database_tasks, tmp_path, caplog
):
    trace = tmp_path / "trace"
    os.environ["BRUECKEN_TEST_TRACE"] = str(trace)
    try:
        worker_tasks.delete_own_result.enqueue()
        after = worker_tasks.record.enqueue(7)
        graceful_worker(batch=True).run()  # runs both, then returns
    finally:
        del os.environ["BRUECKEN_TEST_TRACE"]
    assert trace_lines(trace)[0] == "deleted"
    assert trace_lines(trace)[1].startswith("ran 7 ")
    assert DBTaskResult.objects.get(pk=after.id).status == "SUCCESSFUL"
    assert "was deleted while it ran" in caplog.text


def test_a_stop_signal_during_the_start_stops_the_loop_once_it_begins(stop_signals, monkeypatch):
    """Not raised into whatever the start-up is doing (an import, a library's C code), but kept
    for the loop."""
    # use() replaces db_worker's class for the whole process: as it was after the test.
    monkeypatch.setattr(db_worker, "Worker", db_worker.Worker)
    workers.GracefulWorker.use()
    signal.signal(signal.SIGTERM, workers.GracefulWorker.stop_when_started)
    signal.raise_signal(signal.SIGTERM)
    worker = graceful_worker()
    worker.configure_signals()
    assert not worker.running
    workers.GracefulWorker.use()
    assert graceful_worker().running


def test_a_second_stop_signal_stops_the_task_under_way(stop_signals):
    worker = graceful_worker()
    worker.configure_signals()
    signal.raise_signal(signal.SIGTERM)
    assert not worker.running
    with pytest.raises(SystemExit) as stopped:
        signal.raise_signal(signal.SIGINT)
    assert stopped.value.code == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_an_idle_worker_at_once(database_tasks, tmp_path):
    process = start_worker(tmp_path / "trace", "idle", housekeeping_interval="0.5")
    try:
        wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id="idle").exists())
        started = time.monotonic()
        code, output = stop(process)
        print(f"an idle worker stopped in {time.monotonic() - started:.2f} s")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert code == 0, output
    assert not WorkerHeartbeat.objects.filter(worker_id="idle").exists()
