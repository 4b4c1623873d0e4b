"""Content that staff write for the public (organisation description and competences, goals,
results, agenda items) has an English version: shown on English pages, else the German text
with lang="de" and a visible "(in German)"; German pages show the German text unmarked."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.events.models import AgendaItem
from bruecken.events.tests.factories import EventFactory
from bruecken.programs.models import Goal, Result, ResultKind
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory

pytestmark = pytest.mark.django_db

MARK = "(in German)"


def page(client, name, *args, language="en"):
    with translation.override(language):
        address = reverse(name, args=args)
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def german(html, text):
    """The element right around `text` says it is German."""
    return re.search(r'lang="de"[^<>]*>\s*' + re.escape(text), html) is not None


@pytest.fixture
def organisation(bonn):
    return OrganisationFactory(
        municipality=bonn,
        public=True,
        description="Wir fördern Schulen.",
        competences="Schulpartnerschaften",
    )


class TestOrganisationProfile:
    def test_english_where_written(self, client, organisation):
        organisation.description_en = "We support schools."
        organisation.competences_en = "School partnerships"
        organisation.save()
        html = page(client, "website:organisation", organisation.pk)
        assert "We support schools." in html and "School partnerships" in html
        assert "Wir fördern Schulen." not in html
        assert MARK not in html

    def test_german_marked_where_no_english(self, client, organisation):
        html = page(client, "website:organisation", organisation.pk)
        assert german(html, "<p>Wir fördern Schulen.")
        assert german(html, "Schulpartnerschaften")
        assert html.count(MARK) == 2

    def test_german_page_unmarked(self, client, organisation):
        organisation.description_en = "We support schools."
        organisation.save()
        html = page(client, "website:organisation", organisation.pk, language="de")
        assert "Wir fördern Schulen." in html and "We support schools." not in html
        assert MARK not in html and "(auf Deutsch)" not in html


@pytest.fixture
def bonn_process(bonn):
    program = ProgramFactory(municipalities=[bonn])
    return LocalProcessFactory(program=program, municipality=bonn)


def test_goals_and_results_in_english(client, bonn, bonn_process):
    workshop = EventFactory(process=bonn_process)
    Goal.objects.create(
        process=bonn_process,
        title="Runder Tisch",
        title_en="Round table",
        indicator="Vier Treffen",
        is_public=True,
    )
    Result.objects.create(
        workshop=workshop,
        kind=ResultKind.AGREEMENT,
        text="Vereinbarung zum Beirat",
        is_public=True,
    )
    html = page(client, "website:municipality", bonn.pk)
    assert "Round table" in html and "Runder Tisch" not in html
    # No English indicator or result text: the German one, marked.
    assert german(html, "Vier Treffen")
    assert german(html, "Vereinbarung zum Beirat")
    assert html.count(MARK) == 2


def test_agenda_items_in_english(client, bonn_process):
    event = EventFactory(process=bonn_process)
    AgendaItem.objects.create(event=event, starts_at="10:00", title="Begrüßung", title_en="Welcome")
    AgendaItem.objects.create(event=event, starts_at="11:00", title="Arbeitsgruppen")
    html = page(client, "participate:event", event.pk)
    assert "Welcome" in html and "Begrüßung" not in html
    assert german(html, "Arbeitsgruppen")
    assert html.count(MARK) == 1
    html = page(client, "participate:event", event.pk, language="de")
    assert "Begrüßung" in html and "Welcome" not in html
