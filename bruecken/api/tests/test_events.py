import pytest
from django.utils import timezone

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.programs.models import WorkshopKind

from .conftest import Api, make_token


def titles(response):
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_anonymous_sees_published_events(anonymous, world):
    assert titles(anonymous.get("/events")) == ["Bonn published"]
    assert anonymous.get(f"/events/{world.bonn_draft.pk}").status_code == 404


def test_a_coordinator_also_sees_their_municipalitys_drafts(bonn_api, kiel_api, world):
    assert sorted(titles(bonn_api.get("/events"))) == ["Bonn draft", "Bonn published"]
    assert sorted(titles(kiel_api.get("/events"))) == ["Bonn published", "Kiel draft"]
    assert kiel_api.get(f"/events/{world.bonn_draft.pk}").status_code == 404


def test_the_office_sees_all(office_api, world):
    assert len(titles(office_api.get("/events"))) == 3


def test_event_fields(anonymous, world):
    RegistrationFactory(event=world.bonn_event)
    data = anonymous.get(f"/events/{world.bonn_event.pk}").json()
    assert data["places_free"] == 39
    assert data["municipality"]["name"] == "Bonn"
    assert data["program"]["id"] == world.program.pk
    assert data["registration_open"] is True
    assert data["kind_label"] == "extended workshop"


def test_filters(anonymous, world, kiel):
    seminar = EventFactory(
        process=None, program=world.program, kind=WorkshopKind.SEMINAR, title="Seminar"
    )
    assert titles(anonymous.get("/events", {"kind": "seminar"})) == ["Seminar"]
    assert titles(anonymous.get("/events", {"municipality": kiel.pk})) == []
    assert titles(anonymous.get("/events", {"program": world.program.pk})) == [
        "Bonn published",
        "Seminar",
    ]
    # The filter takes days in the site's time zone (an event at 23:30 UTC is on the next day
    # in Berlin).
    start = timezone.localdate(seminar.starts_at).isoformat()
    assert len(titles(anonymous.get("/events", {"starts_from": start, "starts_until": start})))
    assert titles(anonymous.get("/events", {"starts_until": "2000-01-01"})) == []
    assert anonymous.get("/events", {"starts_from": "soon"}).status_code == 422


def test_own_registrations(client, world):
    # Tokens are for staff roles; a representative is registered for events too.
    user = user_with_role(Role.REPRESENTATIVE, organisation=world.bonn_public)
    person = PersonFactory(user=user)
    mine = RegistrationFactory(event=world.bonn_event, person=person)
    RegistrationFactory(event=world.bonn_event)
    api = Api(client, make_token(user))
    response = api.get("/registrations/mine")
    assert response.status_code == 200, response.content
    data = response.json()
    assert [row["id"] for row in data["results"]] == [mine.pk]
    assert data["results"][0]["event"]["title"] == "Bonn published"
    assert data["results"][0]["status"] == "confirmed"
    assert api.get("/registrations/mine", {"status": "waiting"}).json()["results"] == []
    assert api.get("/registrations/mine", {"status": "lost"}).status_code == 422


def test_own_registrations_of_someone_without_a_person_record(office_api, world):
    RegistrationFactory(event=world.bonn_event)
    assert office_api.get("/registrations/mine").json()["results"] == []


@pytest.mark.parametrize("fixture", ["anonymous", "office_api"])
def test_the_list_needs_a_fixed_number_of_queries(
    request, fixture, world, django_assert_max_num_queries
):
    api = request.getfixturevalue(fixture)
    for _ in range(15):
        event = EventFactory(process=None, program=world.program, kind=WorkshopKind.SEMINAR)
        RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    api.get("/events")
    with django_assert_max_num_queries(3 if fixture == "anonymous" else 5):
        response = api.get("/events")
    assert response.json()["count"] >= 16
