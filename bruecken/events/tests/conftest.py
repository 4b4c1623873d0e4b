"""Fixtures shared by the events tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bruecken.events.tests.factories import EventFactory
from bruecken.programs.models import Admission, WorkshopKind


@pytest.fixture
def enqueued(monkeypatch):
    """The notifications queued, as (kind, ids); nothing is sent."""
    calls = []

    class Task:
        def enqueue(self, kind, ids):
            calls.append((kind, ids))

    monkeypatch.setattr("bruecken.events.emails.send_notification", Task())
    return calls


@pytest.fixture
def initiative(bonn):
    """Bonn's initiative workshop, begun an hour ago."""
    return EventFactory(
        process__municipality=bonn,
        kind=WorkshopKind.INITIATIVE,
        admission=Admission.INVITED,
        title="Initiativworkshop Bonn",
        starts_at=timezone.now() - timedelta(hours=1),
    )
