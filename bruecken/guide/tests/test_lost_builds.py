"""An edition whose build worker died is queued again, then (given up) becomes a draft again
and says why; a redacted rebuild likewise is queued again, then failed (bruecken/workers.py)."""

import pytest
from django.utils import timezone, translation

from bruecken import workers
from bruecken.guide import redaction, services
from bruecken.guide.models import BuildStatus, Edition
from bruecken.tests.worker_tasks import lost_run


@pytest.fixture
def building(
    office, edition, accepted, private_files, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        services.publish_edition(office, edition)
    # The tasks queue in the database from here on (the publication's own was not run).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_MAX_ATTEMPTS = 2
    Edition.objects.filter(pk=edition.pk).update(
        build_status=BuildStatus.RUNNING, build_percent=50, build_step="PDF"
    )
    return Edition.objects.get(pk=edition.pk)


def test_queued_again_the_build_starts_over(building):
    lost_run(services.build_edition_task, building.pk)
    assert workers.recover_lost_tasks(now=timezone.now()) == 1
    building.refresh_from_db()
    assert building.build_status == BuildStatus.QUEUED
    assert building.build_percent == 0
    assert building.number == 1
    assert not services.is_stalled(building)


def test_given_up_the_edition_is_a_draft_again_and_says_why(building):
    lost_run(services.build_edition_task, building.pk, attempts=2)
    with translation.override("en"):
        assert workers.recover_lost_tasks(now=timezone.now()) == 1
    building.refresh_from_db()
    assert building.build_status == BuildStatus.FAILED
    assert building.number is None
    assert "background worker stopped" in building.build_error


def test_a_redacted_rebuild_is_queued_again_then_failed(building):
    Edition.objects.filter(pk=building.pk).update(
        build_status=BuildStatus.DONE, redaction_status=BuildStatus.RUNNING
    )
    lost_run(redaction.build_redacted_edition_task, building.pk)
    workers.recover_lost_tasks(now=timezone.now())
    building.refresh_from_db()
    assert building.redaction_status == BuildStatus.QUEUED

    Edition.objects.filter(pk=building.pk).update(redaction_status=BuildStatus.RUNNING)
    lost_run(redaction.build_redacted_edition_task, building.pk, attempts=2)
    with translation.override("en"):
        workers.recover_lost_tasks(now=timezone.now())
    building.refresh_from_db()
    assert building.redaction_status == BuildStatus.FAILED
    assert "background worker stopped" in building.redaction_error
