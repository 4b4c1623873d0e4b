"""The public events calendar: the list with its filters, past events, cancelled events marked,
pagination and feeds; the month view; constant query counts; the page cache."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.programs.tests.factories import LocalProcessFactory
from bruecken.website.views import calendar as calendar_views

pytestmark = pytest.mark.usefixtures("language_reset")


def url(name, *args, language="de", query=""):
    with translation.override(language):
        return reverse(name, args=args) + query


def get(client, name, *args, language="de", query=""):
    response = client.get(url(name, *args, language=language, query=query))
    assert response.status_code == 200
    return response, response.content.decode()


def titles(response):
    return [event.title for event in response.context["events"]]


@pytest.fixture
def processes(program, bonn, kiel):
    return (
        LocalProcessFactory(program=program, municipality=bonn),
        LocalProcessFactory(program=program, municipality=kiel),
    )


def days(n, hour=10):
    moment = timezone.localtime() + timedelta(days=n)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def events(program, processes):
    bonn, kiel = processes
    return {
        "bonn": EventFactory(
            process=bonn, title="Erweiterter Workshop Bonn", starts_at=days(10), capacity=40
        ),
        "kiel": EventFactory(
            process=kiel,
            title="Erweiterter Workshop Kiel",
            title_en="Extended workshop Kiel",
            starts_at=days(20),
            admission=Admission.INVITED,
        ),
        "seminar": EventFactory(
            process=None,
            program=program,
            kind=WorkshopKind.SEMINAR,
            title="Beratungsseminar Fördermittel",
            starts_at=days(15),
            venue="Online",
            online_url="https://konferenz.example/seminar",
            capacity=2,
        ),
        "cancelled": EventFactory(
            process=bonn,
            title="Abgesagter Workshop Bonn",
            starts_at=days(12),
            cancelled_at=timezone.now(),
        ),
        "past": EventFactory(process=kiel, title="Initiativworkshop Kiel", starts_at=days(-30)),
        "draft": EventFactory(process=bonn, title="Entwurf Bonn", is_published=False),
    }


class TestList:
    def test_upcoming_published_events_in_order_with_cancelled_ones_marked(self, client, events):
        response, content = get(client, "website:calendar")
        assert titles(response) == [
            "Erweiterter Workshop Bonn",
            "Abgesagter Workshop Bonn",
            "Beratungsseminar Fördermittel",
            "Erweiterter Workshop Kiel",
        ]
        assert "Entwurf Bonn" not in content
        assert "Initiativworkshop Kiel" not in content
        cancelled = content.split("Abgesagter Workshop Bonn")[1].split("</h3>")[0]
        assert "abgesagt" in cancelled

    def test_an_event_under_way_is_still_upcoming(self, client, program, processes):
        EventFactory(
            process=processes[0],
            title="Läuft gerade",
            starts_at=timezone.now() - timedelta(hours=1),
            ends_at=timezone.now() + timedelta(hours=3),
        )
        response, _content = get(client, "website:calendar")
        assert titles(response) == ["Läuft gerade"]

    def test_each_event_says_when_where_who_and_how_to_take_part(self, client, events):
        RegistrationFactory(event=events["seminar"])
        RegistrationFactory(event=events["bonn"], status=Registration.Status.WAITING)
        _response, content = get(client, "website:calendar", language="en")
        seminar = content.split("Beratungsseminar Fördermittel")[1].split("</article>")[0]
        assert "Advisory seminar" in seminar
        assert "program-wide" in seminar
        assert "online" in seminar
        assert "Open registration" in seminar
        assert "1 of 2 places free" in seminar
        bonn = content.split("Erweiterter Workshop Bonn")[1].split("</article>")[0]
        assert "Altes Rathaus" in bonn
        assert "Bonn" in bonn
        assert "40 of 40 places free" in bonn  # the waiting list holds no place
        # By invitation: no places to count for the public.
        kiel = content.split("Extended workshop Kiel")[1].split("</article>")[0]
        assert "By invitation" in kiel
        assert "places free" not in kiel

    def test_a_full_open_event_says_waiting_list(self, client, events):
        for _ in range(2):
            RegistrationFactory(event=events["seminar"])
        _response, content = get(client, "website:calendar", language="en")
        seminar = content.split("Beratungsseminar Fördermittel")[1].split("</article>")[0]
        assert "Fully booked – waiting list" in seminar

    def test_links_to_the_event_page_and_the_calendar_files(self, client, events, program):
        _response, content = get(client, "website:calendar")
        assert url("participate:event", events["bonn"].pk) in content
        assert url("participate:event_ics", events["bonn"].pk) in content
        assert url("participate:program_calendar", program.pk) in content
        assert url(
            "participate:municipality_calendar", events["bonn"].process.municipality_id
        ) not in (content)

    def test_english_title_where_there_is_one(self, client, events):
        _response, content = get(client, "website:calendar", language="en")
        assert "Extended workshop Kiel" in content
        assert "Erweiterter Workshop Kiel" not in content
        _response, content = get(client, "website:calendar", language="de")
        assert "Erweiterter Workshop Kiel" in content

    def test_filter_by_municipality(self, client, events, bonn):
        response, content = get(client, "website:calendar", query=f"?municipality={bonn.pk}")
        assert titles(response) == ["Erweiterter Workshop Bonn", "Abgesagter Workshop Bonn"]
        # The municipality's own feed is offered.
        assert url("participate:municipality_calendar", bonn.pk) in content

    def test_filter_program_wide_events(self, client, events):
        response, _content = get(client, "website:calendar", query="?municipality=program")
        assert titles(response) == ["Beratungsseminar Fördermittel"]

    def test_filter_by_kind(self, client, events):
        response, _content = get(client, "website:calendar", query="?kind=seminar")
        assert titles(response) == ["Beratungsseminar Fördermittel"]
        response, _content = get(client, "website:calendar", query="?kind=exchange")
        assert titles(response) == []

    def test_municipality_choices_are_those_with_published_events(self, client, events, bonn):
        other = LocalProcessFactory(program=events["bonn"].program).municipality
        EventFactory(process=other.processes.get(), is_published=False)
        _response, content = get(client, "website:calendar")
        assert f'<option value="{bonn.pk}">Bonn</option>' in content
        assert f'value="{other.pk}"' not in content

    def test_past_events_newest_first(self, client, events, processes):
        EventFactory(process=processes[0], title="Noch älter", starts_at=days(-60))
        response, content = get(client, "website:calendar", language="en", query="?when=past")
        assert titles(response) == ["Initiativworkshop Kiel", "Noch älter"]
        assert '<h2 id="results-heading">Past events</h2>' in content

    def test_unknown_filter_values_show_everything(self, client, events):
        response, _content = get(
            client, "website:calendar", query="?municipality=999999&kind=party&when=soon"
        )
        assert len(titles(response)) == 4

    def test_pages(self, client, events, monkeypatch):
        monkeypatch.setattr(calendar_views, "EVENTS_PER_PAGE", 3)
        response, content = get(client, "website:calendar", language="en")
        assert len(titles(response)) == 3
        assert "Page 1 of 2" in content
        response, _content = get(client, "website:calendar", query="?page=2")
        assert titles(response) == ["Erweiterter Workshop Kiel"]

    def test_nothing_found(self, client, db):
        _response, content = get(client, "website:calendar", language="en")
        assert "No upcoming events match these filters." in content

    def test_queries_do_not_grow_with_the_events(
        self, client, program, processes, django_assert_max_num_queries
    ):
        def make(count):
            for index in range(count):
                event = EventFactory(
                    process=processes[index % 2] if index % 3 else None,
                    program=program,
                    starts_at=days(index + 1),
                )
                RegistrationFactory(event=event)

        make(3)
        with django_assert_max_num_queries(6) as few:
            get(client, "website:calendar")
        make(15)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response, _content = get(client, "website:calendar")
        assert len(titles(response)) == 18


class TestMonth:
    def test_events_on_their_days(self, client, program, processes):
        EventFactory(
            process=processes[0],
            title="Erweiterter Workshop Bonn",
            starts_at=datetime(2030, 3, 5, 9, 0, tzinfo=UTC),
            ends_at=datetime(2030, 3, 5, 15, 0, tzinfo=UTC),
        )
        EventFactory(
            process=processes[1],
            title="Zweitägig Kiel",
            starts_at=datetime(2030, 3, 30, 9, 0, tzinfo=UTC),
            ends_at=datetime(2030, 4, 1, 15, 0, tzinfo=UTC),
        )
        EventFactory(
            process=processes[0], title="Im April", starts_at=datetime(2030, 4, 2, 9, 0, tzinfo=UTC)
        )
        response, content = get(client, "website:calendar_month", 2030, 3)
        assert "<caption>März 2030</caption>" in content
        cells = {
            day.date.day: [event.title for event in day.events]
            for week in response.context["weeks"]
            for day in week
            if day
        }
        assert cells[5] == ["Erweiterter Workshop Bonn"]
        assert cells[30] == cells[31] == ["Zweitägig Kiel"]
        assert "Im April" not in content
        # 09:00 UTC is 10:00 in Berlin in winter.
        assert "10:00" in content
        # A two-day event continues into April.
        response, content = get(client, "website:calendar_month", 2030, 4)
        cells = {d.date.day: d.events for w in response.context["weeks"] for d in w if d}
        assert [e.title for e in cells[1]] == ["Zweitägig Kiel"]
        assert [e.title for e in cells[2]] == ["Im April"]

    def test_german_weeks_start_on_monday_and_name_their_days(self, client, db):
        response, content = get(client, "website:calendar_month", 2030, 3)
        # 1 March 2030 is a Friday: four empty cells before it.
        assert response.context["weeks"][0][:5] == [
            None,
            None,
            None,
            None,
            response.context["weeks"][0][4],
        ]
        assert response.context["weeks"][0][4].date.day == 1
        headers = re.findall(r'<th scope="col">(.*?)</th>', content)
        assert len(headers) == 7
        assert 'title="Montag"' in headers[0]
        assert "Montag" in headers[0] and "Sonntag" in headers[6]

    def test_today_is_marked_in_words(self, client, db):
        today = timezone.localdate()
        _response, content = get(
            client, "website:calendar_month", today.year, today.month, language="en"
        )
        assert 'aria-current="date"' in content
        assert ">today</strong>" in content
        other = today.replace(day=1) - timedelta(days=1)
        _response, content = get(client, "website:calendar_month", other.year, other.month)
        assert 'aria-current="date"' not in content

    def test_neighbour_months_keep_the_filters(self, client, db, bonn):
        _response, content = get(
            client, "website:calendar_month", 2030, 1, language="en", query="?kind=seminar&page=2"
        )
        assert url("website:calendar_month", 2029, 12, language="en", query="?kind=seminar") in (
            content
        )
        assert url("website:calendar_month", 2030, 2, language="en", query="?kind=seminar") in (
            content
        )
        assert "Previous month: December 2029" in content

    def test_filters_apply(self, client, program, processes, bonn):
        EventFactory(
            process=processes[0], title="Bonn", starts_at=datetime(2030, 3, 5, 9, tzinfo=UTC)
        )
        EventFactory(
            process=processes[1], title="Kiel", starts_at=datetime(2030, 3, 6, 9, tzinfo=UTC)
        )
        response, _content = get(
            client, "website:calendar_month", 2030, 3, query=f"?municipality={bonn.pk}"
        )
        assert [event.title for event in response.context["events"]] == ["Bonn"]

    def test_cancelled_and_unpublished(self, client, processes):
        EventFactory(
            process=processes[0],
            title="Abgesagt",
            starts_at=datetime(2030, 3, 5, 9, tzinfo=UTC),
            cancelled_at=timezone.now(),
        )
        EventFactory(
            process=processes[0],
            title="Entwurf",
            starts_at=datetime(2030, 3, 6, 9, tzinfo=UTC),
            is_published=False,
        )
        _response, content = get(client, "website:calendar_month", 2030, 3)
        assert "Abgesagt</a> <strong>(abgesagt)</strong>" in content
        assert "Entwurf" not in content

    @pytest.mark.parametrize(
        "path", ["/de/calendar/2030/13/", "/de/calendar/2030/0/", "/de/calendar/1999/5/"]
    )
    def test_invalid_months_are_not_found(self, client, db, path):
        assert client.get(path).status_code == 404

    def test_queries_do_not_grow_with_the_events(
        self, client, program, processes, django_assert_max_num_queries
    ):
        def make(count):
            for index in range(count):
                EventFactory(
                    process=processes[index % 2],
                    starts_at=datetime(2030, 3, 1 + index, 9, tzinfo=UTC),
                )

        make(2)
        with django_assert_max_num_queries(5) as few:
            get(client, "website:calendar_month", 2030, 3)
        make(20)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response, _content = get(client, "website:calendar_month", 2030, 3)
        assert len(response.context["events"]) == 22


class TestCache:
    def test_list_and_month_are_cached_for_visitors(
        self, client, settings, events, django_assert_max_num_queries
    ):
        settings.WEBSITE_CACHE_SECONDS = 600
        for name, args in (("website:calendar", ()), ("website:calendar_month", (2030, 3))):
            get(client, name, *args)
            # Only the content version is read the second time.
            with django_assert_max_num_queries(1):
                get(client, name, *args)
