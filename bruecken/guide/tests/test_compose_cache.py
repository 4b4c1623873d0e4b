"""The composer keeps a draft's content (compose.composed) until something relevant changes."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from bruecken import cache as content_cache
from bruecken.guide import compose as compose_module
from bruecken.guide import services
from bruecken.guide.models import ChapterKind
from bruecken.programs.models import Result


@pytest.fixture(autouse=True)
def caching(settings):
    settings.WEBSITE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def counted(monkeypatch):
    calls = []
    original = compose_module.compose

    def compose(*args, **kwargs):
        calls.append(kwargs.get("figures", True))
        return original(*args, **kwargs)

    monkeypatch.setattr(compose_module, "compose", compose)
    return calls


def test_composed_once_and_kept(edition, accepted, counted):
    first = compose_module.composed(edition)
    assert compose_module.composed(edition) == first
    assert counted == [True]
    fresh = compose_module.compose(edition)
    assert first["chapters"] == fresh["chapters"]


def test_problems_without_the_network_figures(edition, accepted, counted):
    services.problems(edition)
    services.problems(edition)
    assert counted == [False]
    municipalities = next(
        chapter
        for chapter in compose_module.composed(edition, figures=False)["chapters"]
        if chapter["kind"] == ChapterKind.MUNICIPALITIES
    )["municipalities"]
    assert municipalities[0]["network"] is None and municipalities[0]["workshops"]


def test_a_change_of_the_content_computes_again(
    office, edition, accepted, counted, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        assert not any("empty" in problem for problem in services.problems(edition))
        with django_capture_on_commit_callbacks(execute=True):
            services.add_chapter(office, edition, {"kind": ChapterKind.TEXT, "title": "Leer"})
        assert "Chapter 5 “Leer” is empty." in services.problems(edition)
        result = Result.objects.filter(is_public=True).first()
        with django_capture_on_commit_callbacks(execute=True):
            result.text = "Ein neuer Text"
            result.save()
        services.problems(edition)
    assert len(counted) == 3


def test_a_change_without_a_commit_is_not_seen_by_others(edition, accepted, counted):
    version = content_cache.current_version()
    compose_module.composed(edition)
    compose_module.composed(edition)
    assert content_cache.current_version() == version
    assert len(counted) == 1


def test_a_workshop_that_starts_counts_as_a_change(edition, accepted, process, counted):
    later = process.test_workshops[-1]

    def starts(at):
        type(later).objects.filter(pk=later.pk).update(
            starts_at=at, ends_at=at + datetime.timedelta(hours=2)
        )

    starts(timezone.now() + datetime.timedelta(days=3))
    compose_module.composed(edition)
    # No save, no signal: the time passes.
    starts(timezone.now() - datetime.timedelta(minutes=1))
    compose_module.composed(edition)
    assert len(counted) == 2


def test_composer_page_loads_from_what_is_kept(client, office, edition, accepted, counted):
    client.force_login(office)
    path = reverse("guide:edition_detail", args=[edition.pk])
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    assert counted == [False]
