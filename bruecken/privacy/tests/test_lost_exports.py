"""A data export whose worker died is built again, or marked failed so that the page says so
(exports.export_lost, bruecken/workers.py)."""

import pytest
from django.utils import timezone

from bruecken import workers
from bruecken.accounts.tests.factories import UserFactory
from bruecken.privacy import exports
from bruecken.privacy.models import DataExport
from bruecken.tests.worker_tasks import lost_run

Status = DataExport.Status


@pytest.fixture
def export(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_MAX_ATTEMPTS = 2
    return DataExport.objects.create(user=UserFactory())


def test_queued_again_it_stays_being_prepared(export):
    lost_run(exports.build_export_task, str(export.pk))
    assert workers.recover_lost_tasks(now=timezone.now()) == 1
    export.refresh_from_db()
    assert export.status == Status.PENDING


def test_given_up_it_is_failed(export):
    lost_run(exports.build_export_task, str(export.pk), attempts=2)
    assert workers.recover_lost_tasks(now=timezone.now()) == 1
    export.refresh_from_db()
    assert export.status == Status.FAILED
    assert export.finished_at is not None


def test_a_ready_export_is_left_alone(export):
    DataExport.objects.filter(pk=export.pk).update(status=Status.READY)
    lost_run(exports.build_export_task, str(export.pk), attempts=2)
    workers.recover_lost_tasks(now=timezone.now())
    export.refresh_from_db()
    assert export.status == Status.READY
