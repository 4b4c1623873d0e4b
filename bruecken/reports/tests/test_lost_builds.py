"""A process documentation build whose worker died is queued again, then failed with a
message (services.build_lost, bruecken/workers.py)."""

import pytest
from django.utils import timezone

from bruecken import workers
from bruecken.programs.tests.factories import LocalProcessFactory
from bruecken.reports import services
from bruecken.reports.models import ProcessDocumentBuild
from bruecken.tests.worker_tasks import lost_run

Status = ProcessDocumentBuild.Status


@pytest.fixture
def build(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_MAX_ATTEMPTS = 2
    return ProcessDocumentBuild.objects.create(
        process=LocalProcessFactory(), language="de", status=Status.RUNNING, progress=40
    )


def test_queued_again_then_failed_with_the_reason(build):
    lost_run(services.build_process_document, build.pk)
    assert workers.recover_lost_tasks(now=timezone.now()) == 1
    build.refresh_from_db()
    assert (build.status, build.progress, build.step) == (Status.QUEUED, 0, "queued")

    lost_run(services.build_process_document, build.pk, attempts=2)
    ProcessDocumentBuild.objects.filter(pk=build.pk).update(status=Status.RUNNING)
    assert workers.recover_lost_tasks(now=timezone.now()) == 1
    build.refresh_from_db()
    assert build.status == Status.FAILED
    assert build.finished_at is not None
    assert build.error == services.STALE
    assert services.error_text(build) == services.ERRORS[services.STALE]


def test_a_finished_build_is_left_alone(build):
    ProcessDocumentBuild.objects.filter(pk=build.pk).update(status=Status.DONE)
    lost_run(services.build_process_document, build.pk, attempts=2)
    workers.recover_lost_tasks(now=timezone.now())
    build.refresh_from_db()
    assert build.status == Status.DONE
