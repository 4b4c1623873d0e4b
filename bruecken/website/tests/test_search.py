"""The global search for staff (website/views/search.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bruecken import fulltext
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.events.tests.factories import EventFactory
from bruecken.guide.models import Category, Recommendation
from bruecken.programs.models import Goal, Result, ResultKind
from bruecken.programs.tests.factories import LocalProcessFactory

pytestmark = pytest.mark.django_db


def search(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("website:search"), query)
    assert response.status_code == 200
    return response


def found(response):
    """{kind: [titles]} of the overview, sorted (the order of relevance has tests of its own,
    bruecken/tests/test_fulltext.py)."""
    return {
        group["kind"].key: sorted(_title(row) for row in group["rows"])
        for group in response.context["groups"]
    }


def _title(row):
    return getattr(row, "name", None) or getattr(row, "title", None) or row.text


@pytest.fixture
def world(bonn, kiel, program, office):
    bonn_process = LocalProcessFactory(program=program, municipality=bonn)
    kiel_process = LocalProcessFactory(program=program, municipality=kiel)
    w = type("World", (), {})()
    w.bonn_public = OrganisationFactory(name="Brunnenbau Bonn", municipality=bonn, public=True)
    w.bonn_private = OrganisationFactory(name="Brunnenfreunde Bonn", municipality=bonn)
    w.kiel_private = OrganisationFactory(name="Brunnen Kiel", municipality=kiel)
    w.person = PersonFactory(name="Anna Brunnenmacher", municipality=bonn)
    w.event = EventFactory(process=bonn_process, title="Werkstatt Brunnenbau", is_published=False)
    w.kiel_event = EventFactory(process=kiel_process, title="Kieler Werkstatt")
    w.goal = Goal.objects.create(
        process=bonn_process, title="Zehn Brunnen bauen", indicator="Brunnen in Betrieb"
    )
    w.result = Result.objects.create(
        workshop=w.event,
        kind=ResultKind.AGREEMENT,
        text="Wir vereinbaren eine Patenschaft für die Zisterne in Gondar.",
    )
    w.recommendation = Recommendation.objects.create(
        program=program,
        title="Brunnenprojekte gemeinsam planen",
        text="Kommunen und Vereine planen zusammen.",
        category=Category.objects.create(name="Wasser"),
        created_by=office,
    )
    return w


def test_office_finds_every_kind(client, office, world):
    response = search(client, office, q="brunnen")
    assert found(response) == {
        "organisations": ["Brunnen Kiel", "Brunnenbau Bonn", "Brunnenfreunde Bonn"],
        "people": ["Anna Brunnenmacher"],
        "events": ["Werkstatt Brunnenbau"],
        "goals": ["Zehn Brunnen bauen"],
        "results": [],
        "recommendations": ["Brunnenprojekte gemeinsam planen"],
    }
    html = response.content.decode()
    assert world.bonn_private.get_absolute_url() in html
    assert reverse("programs:process_detail", args=[world.goal.process_id]) in html


def test_a_result_is_found_by_a_word_of_its_text(client, office, world):
    response = search(client, office, q="Zisterne")
    assert found(response)["results"] == [world.result.text]
    assert reverse("events:event_detail", args=[world.event.pk]) in response.content.decode()


def test_kiel_sees_only_what_kiel_may_see(client, kiel_coordinator, world):
    response = search(client, kiel_coordinator, q="brunnen")
    assert found(response) == {
        "organisations": ["Brunnen Kiel", "Brunnenbau Bonn"],
        "people": [],
        "events": [],
        "goals": [],
        "results": [],
        "recommendations": ["Brunnenprojekte gemeinsam planen"],
    }
    html = response.content.decode()
    assert "Brunnenfreunde" not in html
    assert "Anna Brunnenmacher" not in html
    # Nor through the page of one kind.
    response = search(client, kiel_coordinator, q="brunnen", kind="organisations")
    assert sorted(o.name for o in response.context["page"].object_list) == [
        "Brunnen Kiel",
        "Brunnenbau Bonn",
    ]


def test_bonn_sees_its_own(client, bonn_coordinator, world):
    response = search(client, bonn_coordinator, q="brunnen")
    assert found(response)["organisations"] == [
        "Brunnenbau Bonn",
        "Brunnenfreunde Bonn",
    ]
    assert found(response)["goals"] == ["Zehn Brunnen bauen"]


def test_a_word_inside_a_compound(client, office, world):
    # "macher" ends "Brunnenmacher", "bau" ends "Brunnenbau": German compounds are found by
    # their parts, the whole words first.
    response = search(client, office, q="macher")
    assert found(response)["people"] == ["Anna Brunnenmacher"]
    response = search(client, office, q="bau")
    assert found(response)["organisations"] == ["Brunnenbau Bonn"]
    assert found(response)["events"] == ["Werkstatt Brunnenbau"]


def test_only_staff(client, participant, world):
    assert client.get(reverse("website:search"), {"q": "brunnen"}).status_code == 302
    client.force_login(participant)
    assert client.get(reverse("website:search"), {"q": "brunnen"}).status_code == 403


def test_staff_bar_has_the_box(client, office, bonn_coordinator, participant):
    client.force_login(bonn_coordinator)
    html = client.get(reverse("website:personal_home")).content.decode()
    assert 'id="staff-search-q"' in html
    client.force_login(participant)
    html = client.get(reverse("website:personal_home")).content.decode()
    assert 'id="staff-search-q"' not in html


def test_more_links_to_the_page_of_the_kind(client, office, bonn):
    for number in range(7):
        OrganisationFactory(name=f"Gartenverein {number}", municipality=bonn)
    response = search(client, office, q="garten")
    group = response.context["groups"][0]
    assert len(group["rows"]) == 5
    assert group["count"] == 7
    assert group["more_url"] in response.content.decode().replace("&amp;", "&")
    response = client.get(group["more_url"])
    assert len(response.context["page"].object_list) == 7


def test_query_count_does_not_grow(client, office, bonn, world):
    client.force_login(office)

    def measure():
        fulltext.flush()
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("website:search"), {"q": "brunnen"})
        return len(queries)

    def more(count):
        for _number in range(count):
            OrganisationFactory(municipality=bonn, name=f"Brunnenhaus {_number} {count}")

    more(5)
    before = measure()
    more(10)
    assert measure() == before


@pytest.mark.parametrize(
    "q",
    ['"', "NEAR(a b", "a*", "-x", "a:b", "(a", "a)", "x\x00y", "ä" * 10_000, "&|!<->", ""],
)
def test_hostile_queries(client, office, world, q):
    search(client, office, q=q)
    search(client, office, q=q, kind="results", page="99999999999999999999")
