from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation
from icalendar import Calendar

from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import calendars
from bruecken.events.models import Event, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory
from bruecken.tests.helpers import url_maker

Status = Registration.Status
START = datetime(2030, 3, 10, 9, 30, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("language_reset")


url = url_maker("participate", language="de")


def feed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return calendar


def entries(calendar):
    return {str(entry["SUMMARY"]): entry for entry in calendar.walk("VEVENT")}


def program_event(program, **kwargs):
    kwargs.setdefault("kind", WorkshopKind.EXCHANGE)
    kwargs.setdefault("admission", Admission.DELEGATES)
    return EventFactory(process=None, program=program, **kwargs)


@pytest.fixture
def bonn_process(bonn):
    process = LocalProcessFactory(municipality=bonn)
    process.program.municipalities.add(bonn)
    return process


class TestProgramFeed:
    def test_published_events_of_the_program_only(self, client, bonn_process):
        program = bonn_process.program
        workshop = EventFactory(
            process=bonn_process,
            title="Initiativworkshop Bonn",
            starts_at=START,
            ends_at=START + timedelta(hours=5),
        )
        exchange = program_event(program, title="Erfahrungsaustausch")
        EventFactory(process=bonn_process, title="Entwurf", is_published=False)
        EventFactory(title="Anderes Programm")
        calendar = feed(client, url("program_calendar", program.pk))
        found = entries(calendar)
        assert set(found) == {"Initiativworkshop Bonn", "Erfahrungsaustausch"}
        assert calendar["X-WR-CALNAME"] == program.name
        entry = found["Initiativworkshop Bonn"]
        start, end = entry.decoded("DTSTART"), entry.decoded("DTEND")
        assert start == START and start.utcoffset() == timedelta(0)
        assert end == START + timedelta(hours=5)
        assert entry.to_ical().decode().count("DTSTART:20300310T093000Z") == 1
        assert str(entry["UID"]) == f"event-{workshop.pk}@bruecken"
        assert str(found["Erfahrungsaustausch"]["UID"]) == f"event-{exchange.pk}@bruecken"
        assert str(entry["URL"]).endswith(url("event", workshop.pk))
        assert "Altes Rathaus, Markt 2" in str(entry["LOCATION"])
        assert str(entry["STATUS"]) == "CONFIRMED"

    def test_unknown_program_is_not_found(self, client, db):
        assert client.get(url("program_calendar", 999999)).status_code == 404

    def test_cancelled_event_stays_in_the_feed_marked_cancelled(self, client, bonn_process):
        EventFactory(process=bonn_process, title="Abgesagt", cancelled_at=timezone.now())
        entry = entries(feed(client, url("program_calendar", bonn_process.program_id)))["Abgesagt"]
        assert str(entry["STATUS"]) == "CANCELLED"

    def test_sequence_grows_when_the_event_changes(self, client, bonn_process):
        event = EventFactory(process=bonn_process, title="Workshop")
        path = url("program_calendar", bonn_process.program_id)
        before = int(entries(feed(client, path))["Workshop"]["SEQUENCE"])
        Event.objects.filter(pk=event.pk).update(
            updated_at=event.updated_at + timedelta(minutes=5), starts_at=START, ends_at=None
        )
        entry = entries(feed(client, path))["Workshop"]
        assert int(entry["SEQUENCE"]) > before
        assert entry.decoded("DTSTART") == START

    def test_multiline_venue_and_online_link_make_one_location(self, client, bonn_process):
        EventFactory(
            process=bonn_process,
            title="Hybrid",
            venue="Stadthaus\r\nBerliner Platz 2\r\n53111 Bonn",
            online_url="https://meet.example.org/x",
        )
        entry = entries(feed(client, url("program_calendar", bonn_process.program_id)))["Hybrid"]
        assert str(entry["LOCATION"]) == (
            "Stadthaus, Berliner Platz 2, 53111 Bonn, https://meet.example.org/x"
        )


class TestMunicipalityFeed:
    def test_own_workshops_and_program_events_of_its_programs(
        self, client, bonn, kiel, bonn_process
    ):
        program = bonn_process.program
        EventFactory(process=bonn_process, title="Workshop Bonn")
        program_event(program, title="Austausch aller Modellkommunen")
        EventFactory(process=bonn_process, title="Entwurf Bonn", is_published=False)
        program_event(program, title="Entwurf Austausch", is_published=False)
        # Kiel's workshop in the same program, and a program Bonn does not take part in.
        EventFactory(process=LocalProcessFactory(program=program, municipality=kiel), title="Kiel")
        other = ProgramFactory(municipalities=[kiel])
        program_event(other, title="Seminar eines anderen Programms")
        calendar = feed(client, url("municipality_calendar", bonn.pk, language="en"))
        assert set(entries(calendar)) == {"Workshop Bonn", "Austausch aller Modellkommunen"}
        assert "Bonn" in str(calendar["X-WR-CALNAME"])

    def test_program_event_listed_once_for_several_programs(self, client, bonn, bonn_process):
        ProgramFactory(municipalities=[bonn])
        program_event(bonn_process.program, title="Einmal")
        calendar = feed(client, url("municipality_calendar", bonn.pk))
        assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Einmal"]

    def test_unknown_municipality_is_not_found(self, client, db):
        assert client.get(url("municipality_calendar", 999999)).status_code == 404


class TestPersonFeed:
    @pytest.fixture
    def person(self, db):
        return PersonFactory()

    def test_active_registrations_at_published_events(self, client, person):
        confirmed = RegistrationFactory(person=person, event__title="Bestätigt").event
        RegistrationFactory(person=person, event__title="Warteliste", status=Status.WAITING)
        RegistrationFactory(person=person, event__title="Storniert", status=Status.CANCELLED)
        RegistrationFactory(person=person, event__title="Abgelaufen", status=Status.EXPIRED)
        RegistrationFactory(person=person, event__title="Entwurf", event__is_published=False)
        RegistrationFactory(event__title="Jemand anderes")
        token = calendars.person_feed_token(person)
        found = entries(feed(client, url("person_calendar", token, language="en")))
        assert set(found) == {"Bestätigt", "Warteliste (waiting list)"}
        assert str(found["Bestätigt"]["STATUS"]) == "CONFIRMED"
        # Calendars count in whole seconds.
        assert found["Bestätigt"].decoded("DTSTART") == confirmed.starts_at.replace(microsecond=0)
        assert str(found["Warteliste (waiting list)"]["STATUS"]) == "TENTATIVE"

    def test_link_is_absolute(self, person, settings):
        settings.SITE_URL = "https://bruecken.example.org"
        token = calendars.person_feed_token(person)
        with translation.override("de"):
            assert calendars.person_feed_url(person) == (
                "https://bruecken.example.org" + url("person_calendar", token)
            )

    def test_private_response(self, client, person):
        response = client.get(url("person_calendar", calendars.person_feed_token(person)))
        assert "no-store" in response["Cache-Control"]

    @pytest.mark.parametrize(
        "token",
        ["garbage", "1:abc", "12", "%3Cscript%3E"],
    )
    def test_bad_tokens_are_not_found(self, client, person, token):
        assert client.get(url("person_calendar", token)).status_code == 404

    def test_altered_token_is_not_found(self, client, person):
        other = PersonFactory()
        token = calendars.person_feed_token(person)
        forged = f"{other.pk}:{token.split(':', 1)[1]}"
        assert client.get(url("person_calendar", forged)).status_code == 404

    def test_token_for_a_deleted_person_is_not_found(self, client, person):
        token = calendars.person_feed_token(person)
        person.delete()
        assert client.get(url("person_calendar", token)).status_code == 404


def test_event_without_a_date_is_left_out(db):
    draft = EventFactory(is_published=False, starts_at=None, ends_at=None)
    calendar = Calendar.from_ical(calendars.ics_for_events("x", [draft]))
    assert calendar.walk("VEVENT") == []
