"""The demo's people are fictional: the e-mails the services queue about them (invitations,
registration confirmations: a few hundred) would only fill the console where `make run` prints
e-mails. The services have no switch to leave them out, so while the demo is built its background
tasks go to django-tasks' dummy backend, which keeps them in memory and runs nothing."""

from contextlib import contextmanager

from django.test.utils import override_settings

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@contextmanager
def tasks_dropped():
    """Drop the tasks queued inside the block. The transaction must commit inside it too: the
    services queue their e-mails when it commits."""
    with override_settings(TASKS=DUMMY_TASKS):
        yield
