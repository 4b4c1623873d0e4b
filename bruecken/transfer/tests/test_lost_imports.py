"""A large import whose worker died is started again, or failed with a problem the run shows
(services.import_lost, bruecken/workers.py)."""

import pytest
from django.utils import timezone, translation

from bruecken import workers
from bruecken.accounts.tests.factories import UserFactory
from bruecken.tests.worker_tasks import lost_run
from bruecken.transfer import services
from bruecken.transfer.models import ImportRun

Status = ImportRun.Status


@pytest.fixture
def run(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_MAX_ATTEMPTS = 2
    return ImportRun.objects.create(
        kind="organisations",
        original_name="gross.csv",
        created_by=UserFactory(),
        status=Status.COMMITTING,
        in_background=True,
    )


@pytest.mark.parametrize("task", [services.check_import_task, services.commit_import_task])
def test_queued_again_it_stays_under_way(run, task):
    lost_run(task, run.pk)
    assert workers.recover_lost_tasks(now=timezone.now()) == 1
    run.refresh_from_db()
    assert run.status == Status.COMMITTING


@pytest.mark.parametrize("task", [services.check_import_task, services.commit_import_task])
def test_given_up_it_fails_and_says_why(run, task):
    lost_run(task, run.pk, attempts=2)
    with translation.override("en"):
        assert workers.recover_lost_tasks(now=timezone.now()) == 1
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.problem_count == 1
    assert "background worker stopped" in str(run.problems)


def test_a_finished_run_is_left_alone(run):
    ImportRun.objects.filter(pk=run.pk).update(status=Status.DONE)
    lost_run(services.commit_import_task, run.pk, attempts=2)
    workers.recover_lost_tasks(now=timezone.now())
    run.refresh_from_db()
    assert run.status == Status.DONE
