"""The network of a scope is kept until something relevant changes (graph.cached_network)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from bruecken.actors.tests.factories import OrganisationFactory, TieFactory
from bruecken.events.tests.factories import EventFactory
from bruecken.network import graph
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory


@pytest.fixture(autouse=True)
def caching(settings):
    settings.WEBSITE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def loads(monkeypatch):
    calls = []
    original = graph.load_network

    def load(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(graph, "load_network", load)
    return calls


def test_kept_until_the_content_changes(bonn, loads, django_capture_on_commit_callbacks):
    first = OrganisationFactory(municipality=bonn)
    second = OrganisationFactory(municipality=bonn)
    assert graph.cached_network(municipality=bonn).edge_count == 0
    assert graph.cached_network(municipality=bonn).edge_count == 0
    assert len(loads) == 1
    with django_capture_on_commit_callbacks(execute=True):
        TieFactory(source=first, target=second)
    assert graph.cached_network(municipality=bonn).edge_count == 1
    assert len(loads) == 2
    # Another scope is another network.
    graph.cached_network(program=ProgramFactory())
    assert len(loads) == 3


def test_a_workshop_that_starts_counts_as_a_change(bonn, loads):
    process = LocalProcessFactory(program=ProgramFactory(), municipality=bonn)
    start = timezone.now() + datetime.timedelta(days=2)
    event = EventFactory(process=process, starts_at=start, ends_at=start)
    graph.cached_network(municipality=bonn)
    past = timezone.now() - datetime.timedelta(minutes=1)
    type(event).objects.filter(pk=event.pk).update(starts_at=past, ends_at=past)
    graph.cached_network(municipality=bonn)
    assert len(loads) == 2
