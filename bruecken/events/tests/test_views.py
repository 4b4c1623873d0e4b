import re
from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from bruecken.events.models import AgendaItem, Document, Event, Invitation, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.places.models import Language
from bruecken.programs.models import Admission, Goal, GoalRating, Result, WorkshopKind
from bruecken.programs.tests.factories import ProgramFactory
from bruecken.tests.helpers import url_maker

BERLIN = ZoneInfo("Europe/Berlin")
Status = Registration.Status


url = url_maker("events", language="en")


@pytest.fixture
def workshop(bonn):
    return EventFactory(
        process__municipality=bonn,
        process__program__name="Migration und Entwicklung",
        title="Erweiterter Workshop Bonn",
        capacity=2,
        capacity_min=1,
    )


def event_form_data(event, **changes):
    data = {
        "title": event.title,
        "description": event.description,
        "starts_at": "2030-05-04T10:00",
        "ends_at": "2030-05-04T16:00",
        "venue": event.venue,
        "online_url": "",
        "capacity_min": event.capacity_min,
        "capacity": event.capacity,
        "admission": event.admission,
        "registration_deadline": "",
        "reminder_days": 3,
        "is_published": "on" if event.is_published else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class TestAccess:
    PAGES = [
        "event_detail",
        "event_edit",
        "event_reschedule",
        "event_cancel",
        "agenda_add",
        "document_add",
        "invite",
        "participant_add",
        "attendance",
        "sign_in_sheet",
        "result_add",
        "minutes",
    ]

    @pytest.mark.parametrize("name", PAGES)
    def test_kiel_coordinator_cannot_open_bonn_workshop_pages(
        self, client, kiel_coordinator, workshop, name
    ):
        client.force_login(kiel_coordinator)
        assert client.get(url(name, workshop.pk)).status_code == 403

    @pytest.mark.parametrize("name", PAGES)
    def test_bonn_coordinator_opens_them(self, client, bonn_coordinator, workshop, name):
        client.force_login(bonn_coordinator)
        assert client.get(url(name, workshop.pk)).status_code == 200

    @pytest.mark.parametrize(
        ("name", "status"),
        [
            ("event_detail", 200),
            ("attendance", 200),
            ("minutes", 200),
            ("agenda_add", 200),
            ("event_edit", 403),
            ("invite", 403),
            ("participant_add", 403),
            ("event_cancel", 403),
        ],
    )
    def test_facilitator_runs_the_workshop_but_does_not_manage_it(
        self, client, bonn_facilitator, workshop, name, status
    ):
        client.force_login(bonn_facilitator)
        assert client.get(url(name, workshop.pk)).status_code == status

    def test_kiel_coordinator_cannot_change_bonn_workshop(
        self, client, kiel_coordinator, workshop, enqueued
    ):
        client.force_login(kiel_coordinator)
        posts = [
            ("event_edit", event_form_data(workshop, title="Übernommen")),
            ("event_cancel", {}),
            ("agenda_add", {"starts_at": "10:00", "title": "X"}),
            ("minutes", {"minutes": "gekapert"}),
            ("invite", {"action": "email", "new-name": "X", "new-email": "x@example.org"}),
        ]
        for name, data in posts:
            assert client.post(url(name, workshop.pk), data).status_code == 403, name
        registration = RegistrationFactory(event=workshop)
        assert client.post(url("registration_cancel", registration.pk)).status_code == 403
        event = Event.objects.get(pk=workshop.pk)
        assert (event.title, event.cancelled_at, event.minutes) == (workshop.title, None, "")
        assert not AgendaItem.objects.exists()
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED

    def test_published_workshop_is_no_staff_page_for_others(self, client, kiel_coordinator, bonn):
        published = EventFactory(process__municipality=bonn, is_published=True)
        client.force_login(kiel_coordinator)
        assert client.get(published.get_absolute_url()).status_code == 403

    def test_participant_and_anonymous(self, client, participant, workshop):
        assert client.get(url("event_detail", workshop.pk)).status_code == 302
        client.force_login(participant)
        assert client.get(url("event_detail", workshop.pk)).status_code == 403

    def test_unknown_ids_are_404(self, client, office):
        client.force_login(office)
        for name in ("event_detail", "event_edit", "agenda_edit", "goal_edit", "result_edit"):
            assert client.get(url(name, 987654)).status_code == 404


class TestEventPage:
    def test_shows_facts_registrations_and_waiting_positions(
        self, client, bonn_coordinator, workshop
    ):
        organisation = OrganisationFactory(
            name="Ghana Union Bonn", municipality=workshop.municipality
        )
        confirmed = RegistrationFactory(event=workshop, person__name="Abena Mensah")
        MembershipFactory(person=confirmed.person, organisation=organisation)
        RegistrationFactory(event=workshop)
        now = timezone.now()
        second = RegistrationFactory(
            event=workshop, status=Status.WAITING, queued_at=now, person__name="Kwame Zweiter"
        )
        first = RegistrationFactory(
            event=workshop,
            status=Status.WAITING,
            queued_at=now - timedelta(hours=1),
            person__name="Efua Erste",
        )
        RegistrationFactory(event=workshop, status=Status.EXPIRED, person__name="Zu Spät")
        client.force_login(bonn_coordinator)
        # In the language of `url`, whatever an earlier test left active.
        response = client.get(url("event_detail", workshop.pk))
        content = response.content.decode()
        assert "Ghana Union Bonn" in content
        waiting = response.context["waiting"]
        assert [(r.person.name, r.position) for r in waiting] == [
            ("Efua Erste", 1),
            ("Kwame Zweiter", 2),
        ]
        from bruecken.events.services import waiting_position

        assert [waiting_position(r) for r in (first, second)] == [1, 2]
        assert "Zu Spät" in content
        assert url("registration_cancel", confirmed.pk) in content

    def test_warning_when_below_minimum_within_a_week(self, client, bonn_coordinator, bonn):
        event = EventFactory(
            process__municipality=bonn,
            capacity_min=12,
            starts_at=timezone.now() + timedelta(days=5),
        )
        client.force_login(bonn_coordinator)
        response = client.get(event.get_absolute_url())
        assert response.context["warning"]
        assert "fewer than the minimum of 12" in response.content.decode()

    def test_minutes_render_as_sanitised_markdown(self, client, bonn_coordinator, workshop):
        Event.objects.filter(pk=workshop.pk).update(
            minutes="## Ergebnisse\n\n**Wichtig** <script>alert(1)</script>"
            "[Link](javascript:alert(2)) <img src=x onerror=alert(3)>"
        )
        client.force_login(bonn_coordinator)
        content = client.get(workshop.get_absolute_url()).content.decode()
        assert "<h4>Ergebnisse</h4>" in content
        assert "<strong>Wichtig</strong>" in content
        assert "alert(" not in content
        assert "onerror" not in content

    def test_history_lists_changes(self, client, bonn_coordinator, workshop):
        client.force_login(bonn_coordinator)
        client.post(url("minutes", workshop.pk), {"minutes": "Kurz"})
        response = client.get(workshop.get_absolute_url())
        assert response.context["history"][0]["changes"][0]["new"] == "Kurz"

    def test_english_and_german(self, client, bonn_coordinator, workshop):
        client.force_login(bonn_coordinator)
        assert client.get(url("event_detail", workshop.pk, language="de")).status_code == 200
        assert client.get(url("event_detail", workshop.pk, language="en")).status_code == 200


class TestEditing:
    def test_datetime_local_is_german_time(self, client, bonn_coordinator, workshop):
        client.force_login(bonn_coordinator)
        response = client.post(url("event_edit", workshop.pk), event_form_data(workshop))
        assert response.status_code == 302
        event = Event.objects.get(pk=workshop.pk)
        assert event.starts_at == datetime(2030, 5, 4, 10, 0, tzinfo=BERLIN)
        assert event.starts_at.utcoffset() is None or event.starts_at.hour == 8
        page = client.get(url("event_edit", workshop.pk)).content.decode()
        assert 'value="2030-05-04T10:00"' in page
        assert 'type="datetime-local"' in page

    def test_time_that_does_not_exist_in_berlin_is_a_form_error(
        self, client, bonn_coordinator, workshop
    ):
        client.force_login(bonn_coordinator)
        response = client.post(
            url("event_edit", workshop.pk),
            event_form_data(workshop, starts_at="2030-03-31T02:30", ends_at="2030-03-31T05:00"),
        )
        assert response.status_code == 200
        assert "starts_at" in response.context["form"].errors

    @pytest.mark.parametrize(
        "bad",
        [
            {"starts_at": "morgen"},
            {"starts_at": "2030-13-45T99:99"},
            {"capacity": "-3"},
            {"capacity": "abc"},
            {"capacity": "0"},
            {"capacity_min": "5", "capacity": "2"},
            {"ends_at": "2030-05-03T10:00"},
            {"admission": "everyone"},
            {"admission": "initiative_circle"},
            {"online_url": "javascript:alert(1)"},
            {"languages": ["xx"]},
            {"registration_deadline": "2030-05-05T10:00"},
            {"reminder_days": "999999"},
            {"title": ""},
            {"venue": "", "online_url": ""},
        ],
    )
    def test_bad_input_is_a_form_error(self, client, bonn_coordinator, workshop, bad):
        client.force_login(bonn_coordinator)
        response = client.post(url("event_edit", workshop.pk), event_form_data(workshop, **bad))
        assert response.status_code == 200
        assert response.context["form"].errors
        assert 'class="error-summary"' in response.content.decode()
        assert Event.objects.get(pk=workshop.pk).starts_at == workshop.starts_at

    def test_fewer_places_than_taken_shown_on_the_field(self, client, bonn_coordinator, workshop):
        RegistrationFactory.create_batch(2, event=workshop)
        client.force_login(bonn_coordinator)
        response = client.post(
            url("event_edit", workshop.pk), event_form_data(workshop, capacity=1)
        )
        assert response.status_code == 200
        assert "taken already" in str(response.context["form"].errors["capacity"])

    def test_languages_and_publication(self, client, bonn_coordinator, workshop):
        german = Language.objects.get(code="de")
        client.force_login(bonn_coordinator)
        response = client.post(
            url("event_edit", workshop.pk), event_form_data(workshop, languages=[german.pk])
        )
        assert response.status_code == 302
        assert list(Event.objects.get(pk=workshop.pk).languages.all()) == [german]

    def test_evaluation_admission_is_fixed(self, client, bonn_coordinator, bonn):
        event = EventFactory(
            process__municipality=bonn,
            kind=WorkshopKind.EVALUATION,
            admission=Admission.INITIATIVE_CIRCLE,
        )
        client.force_login(bonn_coordinator)
        response = client.post(
            url("event_edit", event.pk), event_form_data(event, admission=Admission.OPEN)
        )
        assert response.status_code == 302
        assert Event.objects.get(pk=event.pk).admission == Admission.INITIATIVE_CIRCLE

    def test_reschedule_notifies(
        self, client, bonn_coordinator, workshop, enqueued, django_capture_on_commit_callbacks
    ):
        RegistrationFactory(event=workshop)
        client.force_login(bonn_coordinator)
        page = client.get(url("event_reschedule", workshop.pk)).content.decode()
        assert "1 person is registered" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("event_reschedule", workshop.pk),
                {
                    "starts_at": "2030-06-01T09:00",
                    "ends_at": "2030-06-01T15:00",
                    "venue": "Stadthaus Bonn",
                    "online_url": "",
                },
            )
        assert response.status_code == 302
        assert [(kind, ids["event"]) for kind, ids in enqueued] == [("event_changed", workshop.pk)]
        assert Event.objects.get(pk=workshop.pk).venue == "Stadthaus Bonn"

    def test_cancel_needs_post_and_notifies(
        self, client, bonn_coordinator, workshop, enqueued, django_capture_on_commit_callbacks
    ):
        RegistrationFactory(event=workshop)
        client.force_login(bonn_coordinator)
        assert client.get(url("event_cancel", workshop.pk)).status_code == 200
        assert not Event.objects.get(pk=workshop.pk).is_cancelled
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("event_cancel", workshop.pk), {"confirm": "yes"}, follow=True
            )
        assert Event.objects.get(pk=workshop.pk).is_cancelled
        assert enqueued == [("event_cancelled", {"event": workshop.pk})]
        assert "this event was cancelled." in response.content.decode()
        again = client.post(url("event_cancel", workshop.pk), {"confirm": "yes"}, follow=True)
        assert "cancelled already" in again.content.decode()
        assert client.get(url("event_edit", workshop.pk)).status_code == 302

    def test_office_creates_program_seminar(self, client, office):
        program = ProgramFactory()
        client.force_login(office)
        response = client.post(
            url("event_create", program.pk),
            {
                "kind": "seminar",
                "title": "Beratungsseminar Bildungsarbeit",
                "topic": "Entwicklungspolitische Bildungsarbeit",
                "starts_at": "2030-09-12T10:00",
                "ends_at": "2030-09-12T17:00",
                "online_url": "konferenz.example/seminar",
                "capacity_min": "5",
                "capacity": "15",
                "admission": "open",
                "reminder_days": "3",
                "is_published": "on",
            },
        )
        event = Event.objects.get()
        assert response["Location"] == event.get_absolute_url()
        assert (event.kind, event.process, event.topic) == (
            "seminar",
            None,
            "Entwicklungspolitische Bildungsarbeit",
        )
        assert event.online_url == "https://konferenz.example/seminar"

    def test_exchange_places_per_municipality_only_for_exchange(self, client, office):
        program = ProgramFactory()
        client.force_login(office)
        data = {
            "kind": "seminar",
            "title": "X",
            "capacity_min": "0",
            "capacity": "15",
            "admission": "delegates",
            "reminder_days": "3",
            "places_per_municipality": "3",
        }
        response = client.post(url("event_create", program.pk), data)
        assert "places_per_municipality" in response.context["form"].errors
        data["kind"] = "initiative"
        response = client.post(url("event_create", program.pk), data)
        assert "kind" in response.context["form"].errors
        assert not Event.objects.exists()

    def test_coordinator_cannot_create_program_events(self, client, bonn_coordinator):
        client.force_login(bonn_coordinator)
        assert client.get(url("event_create", ProgramFactory().pk)).status_code == 403


class TestAgendaAndDocuments:
    def test_agenda_add_edit_remove(self, client, bonn_facilitator, workshop):
        speaker = PersonFactory(name="Dr. Referentin", municipality=workshop.municipality)
        client.force_login(bonn_facilitator)
        response = client.post(
            url("agenda_add", workshop.pk),
            {"starts_at": "10:30", "title": "Begrüßung", "responsible": speaker.pk},
        )
        assert response.status_code == 302
        item = AgendaItem.objects.get()
        assert item.responsible == speaker
        assert "Begrüßung" in client.get(workshop.get_absolute_url()).content.decode()
        client.post(url("agenda_edit", item.pk), {"starts_at": "11:00", "title": "Start"})
        item.refresh_from_db()
        assert (item.title, item.responsible) == ("Start", None)
        update = AuditEntry.objects.get(object_type="events.agendaitem", action="update")
        assert update.changes["title"] == ["Begrüßung", "Start"]
        client.post(url("agenda_edit", item.pk), {"delete": "1", "confirm": "yes"})
        assert not AgendaItem.objects.exists()

    def test_agenda_item_gets_an_english_title(self, client, bonn_facilitator, workshop):
        client.force_login(bonn_facilitator)
        response = client.post(
            url("agenda_add", workshop.pk),
            {"starts_at": "10:30", "title": "Begrüßung", "title_en": "Welcome"},
        )
        assert response.status_code == 302
        item = AgendaItem.objects.get()
        assert item.title_en == "Welcome"
        client.post(
            url("agenda_edit", item.pk),
            {"starts_at": "10:30", "title": "Begrüßung", "title_en": "Welcome and introductions"},
        )
        update = AuditEntry.objects.get(object_type="events.agendaitem", action="update")
        assert update.changes["title_en"] == ["Welcome", "Welcome and introductions"]
        assert 'name="title_en"' in client.get(url("agenda_edit", item.pk)).content.decode()

    def test_agenda_bad_input(self, client, bonn_facilitator, workshop):
        invisible = PersonFactory()  # in another municipality
        client.force_login(bonn_facilitator)
        response = client.post(
            url("agenda_add", workshop.pk),
            {"starts_at": "25:99", "title": "", "responsible": invisible.pk},
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"starts_at", "title", "responsible"}

    def test_kiel_cannot_edit_bonn_agenda_item(self, client, kiel_coordinator, workshop):
        item = AgendaItem.objects.create(event=workshop, starts_at="10:00", title="Start")
        client.force_login(kiel_coordinator)
        assert client.get(url("agenda_edit", item.pk)).status_code == 403
        assert client.post(url("agenda_edit", item.pk), {"delete": "1"}).status_code == 403
        assert AgendaItem.objects.exists()

    def test_upload_download_remove(self, client, bonn_facilitator, workshop, media):
        client.force_login(bonn_facilitator)
        upload = SimpleUploadedFile("Programm.pdf", b"%PDF-1.4 Ablauf", "application/pdf")
        response = client.post(
            url("document_add", workshop.pk), {"title": "Ablauf", "file": upload}
        )
        assert response.status_code == 302
        document = Document.objects.get()
        download = client.get(url("document_download", document.pk))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.4 Ablauf"
        assert download["Content-Disposition"].startswith("attachment")
        assert client.get(url("document_delete", document.pk)).status_code == 200
        assert Document.objects.exists()
        client.post(url("document_delete", document.pk), {"confirm": "yes"})
        assert not Document.objects.exists()

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("virus.exe", b"MZ", "File extension"),
            ("riesig.pdf", b"x" * (10 * 2**20 + 1), "larger than 10 MB"),
        ],
    )
    def test_upload_errors_are_shown(
        self, client, bonn_facilitator, workshop, media, name, content, message
    ):
        client.force_login(bonn_facilitator)
        upload = SimpleUploadedFile(name, content)
        response = client.post(url("document_add", workshop.pk), {"title": "X", "file": upload})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Document.objects.exists()

    def test_upload_without_file(self, client, bonn_facilitator, workshop, media):
        client.force_login(bonn_facilitator)
        response = client.post(url("document_add", workshop.pk), {"title": "X"})
        assert "file" in response.context["form"].errors

    def test_kiel_cannot_download_bonn_document(self, client, kiel_coordinator, workshop, media):
        document = Document.objects.create(
            event=workshop, title="Intern", file=SimpleUploadedFile("intern.pdf", b"%PDF")
        )
        client.force_login(kiel_coordinator)
        assert client.get(url("document_download", document.pk)).status_code == 403
        assert client.post(url("document_delete", document.pk)).status_code == 403

    def test_missing_file_is_404(self, client, bonn_facilitator, workshop, media):
        document = Document.objects.create(event=workshop, title="Weg", file="events/1/weg.pdf")
        client.force_login(bonn_facilitator)
        assert client.get(url("document_download", document.pk)).status_code == 404


def offered(client, page, event, text):
    """The people the picker offers for `text`, both ways: the search step without JavaScript
    (the form comes back with the matches) and the search view the page's script asks (with the
    form's signed scope). Both must agree."""
    step = client.post(
        url(page, event.pk),
        {"action": "people", "picker_search": "people", "people__search": text},
    )
    assert step.status_code == 200
    matches, _more = step.context["choice_form"].fields["people"].matches(text)
    html = step.content.decode()
    assert all(f'value="{item["value"]}"' in html for item in matches)
    search_url = re.search(r'data-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    found = client.get(f"{search_url}&{urlencode({'q': text})}").json()["results"]
    assert {row["label"] for row in found} == {item["label"] for item in matches}
    return {item["label"] for item in matches}


class TestInvitations:
    def test_picker_offers_only_people_the_user_may_see(
        self, client, bonn, kiel, bonn_coordinator, workshop
    ):
        PersonFactory(name="Abena Probe", municipality=bonn)
        PersonFactory(name="Neema Probe", municipality=kiel)
        PersonFactory(name="Baraka Probe", municipality=kiel, public=True)
        PersonFactory(name="Ohne Probe", municipality=bonn, email="")
        client.force_login(bonn_coordinator)
        assert offered(client, "invite", workshop, "probe") == {"Abena Probe", "Baraka Probe"}
        assert offered(client, "participant_add", workshop, "probe") == {
            "Abena Probe",
            "Baraka Probe",
            "Ohne Probe",
        }

    def test_page_lists_nobody_until_searched(self, client, bonn, office, workshop):
        """The picker replaces the list of the registry: the page holds no person."""
        PersonFactory(name="Entscheiderin", municipality=bonn)
        client.force_login(office)
        for page in ("invite", "participant_add"):
            html = client.get(url(page, workshop.pk)).content.decode()
            assert "Entscheiderin" not in html
            assert 'role="combobox"' in html
            assert 'name="people__search"' in html

    def test_office_finds_people_of_any_municipality(self, client, bonn, kiel, office, workshop):
        PersonFactory(name="Kielerin", municipality=kiel)
        client.force_login(office)
        assert offered(client, "invite", workshop, "kieler") == {"Kielerin"}

    @pytest.mark.parametrize(
        "data",
        [
            {"people__search": "\x00"},
            {"people__search": "x" * 10_000, "picker_search": "people"},
            {"people__search": "\u202e😀\ufffd", "picker_search": "people"},
            {"people": ["99999999999999999999999"]},
            {"people": ["1\x00"]},
            {"people": ["x" * 10_000]},
        ],
    )
    def test_hostile_input_never_fails(self, client, bonn_coordinator, workshop, data):
        client.force_login(bonn_coordinator)
        for page in ("invite", "participant_add"):
            response = client.post(url(page, workshop.pk), {"action": "people", **data})
            assert response.status_code == 200
            assert response.context["choice_form"].errors
        assert client.get(url("invite", workshop.pk), {"municipality": "\x00"}).status_code == 200

    def test_queries_do_not_grow_with_the_people(
        self, client, bonn, bonn_coordinator, workshop, django_assert_max_num_queries
    ):
        """The page names no one but the chosen: its queries are the same for 3 people in the
        registry or 60, invited or not."""
        client.force_login(bonn_coordinator)
        PersonFactory.create_batch(3, municipality=bonn)
        pages = ("invite", "participant_add")
        with CaptureQueriesContext(connection) as few:
            for page in pages:
                client.get(url(page, workshop.pk))
        for person in PersonFactory.create_batch(60, municipality=bonn):
            MembershipFactory(person=person)
        Invitation.objects.bulk_create(
            Invitation(event=workshop, person=p) for p in Person.objects.all()[:30]
        )
        with django_assert_max_num_queries(len(few)):
            for page in pages:
                assert client.get(url(page, workshop.pk)).status_code == 200
        # The chosen shown again with the search step: one query for them all.
        chosen = [p.pk for p in Person.objects.all()[30:]]
        step = {"people__search": "person", "picker_search": "people"}
        with CaptureQueriesContext(connection) as two:
            client.post(url("participant_add", workshop.pk), {"people": chosen[:2], **step})
        with django_assert_max_num_queries(len(two)):
            response = client.post(url("participant_add", workshop.pk), {"people": chosen, **step})
        assert response.content.decode().count("checked>") >= len(chosen)

    def test_invite_chosen_people_and_show_answers(
        self, client, bonn, bonn_coordinator, workshop, enqueued, django_capture_on_commit_callbacks
    ):
        first = PersonFactory(name="Abena Mensah", municipality=bonn)
        second = PersonFactory(name="Kofi Boateng", municipality=bonn)
        client.force_login(bonn_coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("invite", workshop.pk), {"action": "people", "people": [first.pk, second.pk]}
            )
        assert response.status_code == 302
        assert Invitation.objects.count() == 2
        assert sorted(kind for kind, _ in enqueued) == ["invitation", "invitation"]
        Invitation.objects.filter(person=second).update(status="declined")
        response = client.get(workshop.get_absolute_url())
        assert response.context["invitation_counts"] == {
            "pending": 1,
            "accepted": 0,
            "declined": 1,
        }
        assert "Kofi Boateng" in response.content.decode()
        # Already invited people are not offered again.
        assert offered(client, "invite", workshop, "mensah") == set()
        assert offered(client, "invite", workshop, "boateng") == set()

    def test_cannot_invite_someone_invisible(self, client, kiel, bonn_coordinator, workshop):
        hidden = PersonFactory(municipality=kiel)
        client.force_login(bonn_coordinator)
        response = client.post(
            url("invite", workshop.pk), {"action": "people", "people": [hidden.pk]}
        )
        assert response.status_code == 200
        assert response.context["choice_form"].errors
        assert not Invitation.objects.exists()

    @pytest.mark.parametrize("people", [[], ["abc"], ["999999"], ["1; drop table"]])
    def test_bad_choice_is_a_form_error(self, client, bonn_coordinator, workshop, people):
        client.force_login(bonn_coordinator)
        response = client.post(url("invite", workshop.pk), {"action": "people", "people": people})
        assert response.status_code == 200
        assert 'class="error-summary"' in response.content.decode()

    def test_invite_new_person_by_email(self, client, bonn, bonn_coordinator, workshop):
        client.force_login(bonn_coordinator)
        response = client.post(
            url("invite", workshop.pk),
            {
                "action": "email",
                "new-name": "Amara Diallo",
                "new-email": "amara@verein.example",
                "new-language": "en",
            },
        )
        assert response.status_code == 302
        person = Person.objects.get(email="amara@verein.example")
        assert person.municipality == bonn
        assert Invitation.objects.get().person == person

    def test_invite_by_email_bad_input(self, client, bonn_coordinator, workshop):
        client.force_login(bonn_coordinator)
        response = client.post(
            url("invite", workshop.pk),
            {"action": "email", "new-name": "", "new-email": "kein-at", "new-language": "fr"},
        )
        assert response.status_code == 200
        assert set(response.context["email_form"].errors) == {"name", "email", "language"}
        assert not Person.objects.exists()


class TestEvaluationPicker:
    """The evaluation workshop admits the initiative circle only: its pickers offer the circle,
    not everyone in the municipality (issue 13)."""

    @pytest.fixture
    def evaluation(self, bonn, kiel):
        initiative = EventFactory(
            process__municipality=bonn,
            kind=WorkshopKind.INITIATIVE,
            starts_at=timezone.now() - timedelta(days=60),
        )
        came = RegistrationFactory(event=initiative, attended=True, person__name="Kam")
        RegistrationFactory(event=initiative, attended=False, person__name="Kam nicht")
        came.person.municipality = kiel
        came.person.save()
        PersonFactory(name="Nur in Bonn", municipality=bonn)
        return EventFactory(
            process=initiative.process,
            kind=WorkshopKind.EVALUATION,
            admission=Admission.INITIATIVE_CIRCLE,
        )

    @pytest.mark.parametrize("page", ["invite", "participant_add"])
    def test_offers_the_initiative_circle(self, client, office, evaluation, page):
        client.force_login(office)
        response = client.get(url(page, evaluation.pk))
        assert "Only the initiative circle takes part" in response.content.decode()
        # The circle, wherever its people live; nobody else.
        assert offered(client, page, evaluation, "kam") == {"Kam"}
        assert offered(client, page, evaluation, "bonn") == set()

    def test_nobody_new_is_invited_by_address(self, client, office, evaluation):
        client.force_login(office)
        page = client.get(url("invite", evaluation.pk)).content.decode()
        assert "Invite someone new" not in page
        client.post(
            url("invite", evaluation.pk),
            {"action": "email", "new-name": "Neu", "new-email": "neu@example.org"},
        )
        assert not Invitation.objects.exists()
        assert not Person.objects.filter(email="neu@example.org").exists()

    def test_other_workshops_keep_the_municipality_and_everyone(self, client, office, workshop):
        client.force_login(office)
        page = client.get(url("invite", workshop.pk)).content.decode()
        assert "Invite someone new" in page
        assert "Only the initiative circle" not in page


class TestRegistrations:
    def test_add_participants_fills_places_then_waiting_list(
        self, client, bonn, bonn_coordinator, workshop
    ):
        people = [PersonFactory(municipality=bonn) for _ in range(3)]
        client.force_login(bonn_coordinator)
        response = client.post(
            url("participant_add", workshop.pk), {"people": [p.pk for p in people]}, follow=True
        )
        assert "2 people confirmed. 1 person is on the waiting list." in response.content.decode()
        assert Registration.objects.filter(status=Status.CONFIRMED).count() == 2
        assert [(r.position) for r in response.context["waiting"]] == [1]

    def test_refusal_names_the_person_and_adds_nobody(self, client, bonn, bonn_coordinator):
        initiative = EventFactory(
            process__municipality=bonn,
            kind=WorkshopKind.INITIATIVE,
            starts_at=timezone.now() - timedelta(days=30),
        )
        evaluation = EventFactory(
            process=initiative.process,
            kind=WorkshopKind.EVALUATION,
            admission=Admission.INITIATIVE_CIRCLE,
        )
        member = RegistrationFactory(
            event=initiative, attended=True, person__municipality=bonn
        ).person
        outsider = PersonFactory(name="Nicht im Kreis", municipality=bonn)
        client.force_login(bonn_coordinator)
        response = client.post(
            url("participant_add", evaluation.pk), {"people": [member.pk, outsider.pk]}
        )
        assert response.status_code == 200
        assert "Nicht im Kreis: Only the people who took part" in response.content.decode()
        assert not Registration.objects.filter(event=evaluation).exists()

    def test_cancel_registration_offers_the_place_on(
        self, client, bonn_coordinator, workshop, enqueued
    ):
        holder = RegistrationFactory(event=workshop)
        RegistrationFactory(event=workshop)
        waiting = RegistrationFactory(
            event=workshop, status=Status.WAITING, queued_at=timezone.now()
        )
        client.force_login(bonn_coordinator)
        assert client.get(url("registration_cancel", holder.pk)).status_code == 200
        client.post(url("registration_cancel", holder.pk), {"confirm": "yes"})
        holder.refresh_from_db()
        waiting.refresh_from_db()
        assert holder.status == Status.CANCELLED
        assert waiting.status == Status.OFFERED
        response = client.post(url("registration_cancel", holder.pk), follow=True)
        assert "no longer active" in response.content.decode()

    def test_offered_places_and_expired_offers_are_shown(self, client, bonn_coordinator, workshop):
        RegistrationFactory(
            event=workshop,
            status=Status.OFFERED,
            offer_expires_at=timezone.now() + timedelta(hours=5),
            person__name="Angebot Offen",
        )
        RegistrationFactory(event=workshop, status=Status.EXPIRED, person__name="Angebot Verfallen")
        client.force_login(bonn_coordinator)
        content = client.get(workshop.get_absolute_url()).content.decode()
        assert "Angebot Offen" in content
        assert "Angebot Verfallen" in content
        assert "Expired offers" in content


class TestAttendance:
    def test_check_in_on_screen(self, client, bonn_facilitator, initiative):
        registration = RegistrationFactory(event=initiative, person__name="Abena Mensah")
        client.force_login(bonn_facilitator)
        page = client.get(url("attendance", initiative.pk))
        assert "Abena Mensah" in page.content.decode()
        assert page.context["attendance_open"]
        response = client.post(
            url("attendance", initiative.pk), {"registration": registration.pk, "attended": "yes"}
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"#registration-{registration.pk}")
        registration.refresh_from_db()
        assert registration.attended is True
        client.post(
            url("attendance", initiative.pk), {"registration": registration.pk, "attended": "no"}
        )
        registration.refresh_from_db()
        assert registration.attended is False
        assert AuditEntry.objects.filter(object_type="events.registration").count() == 2

    def test_htmx_gets_the_row_and_the_new_counts(self, client, bonn_facilitator, initiative):
        registration = RegistrationFactory(event=initiative, person__name="Abena Mensah")
        client.force_login(bonn_facilitator)
        response = client.post(
            url("attendance", initiative.pk),
            {"registration": registration.pk, "attended": "yes"},
            HTTP_HX_REQUEST="true",
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in content
        assert f'id="registration-{registration.pk}"' in content
        assert 'hx-swap-oob="innerHTML"' in content
        assert "1 confirmed: 1 attended, 0 no-show." in content
        assert "autofocus" in content

    def test_htmx_refusal_shows_in_the_row(self, client, bonn_facilitator, workshop):
        registration = RegistrationFactory(event=workshop)
        client.force_login(bonn_facilitator)
        response = client.post(
            url("attendance", workshop.pk),
            {"registration": registration.pk, "attended": "yes"},
            HTTP_HX_REQUEST="true",
        )
        assert 'role="alert"' in response.content.decode()
        assert "from the day of the event on" in response.content.decode()

    def test_too_early_is_a_message(self, client, bonn_facilitator, workshop):
        registration = RegistrationFactory(event=workshop)
        client.force_login(bonn_facilitator)
        page = client.get(url("attendance", workshop.pk))
        assert not page.context["attendance_open"]
        response = client.post(
            url("attendance", workshop.pk),
            {"registration": registration.pk, "attended": "yes"},
            follow=True,
        )
        assert "from the day of the event on" in response.content.decode()
        registration.refresh_from_db()
        assert registration.attended is None

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"registration": "abc", "attended": "yes"},
            {"registration": "999999", "attended": "yes"},
            {"attended": "vielleicht"},
        ],
    )
    def test_bad_input_never_fails(self, client, bonn_facilitator, initiative, data):
        registration = RegistrationFactory(event=initiative)
        data = {"registration": registration.pk, **data}
        client.force_login(bonn_facilitator)
        response = client.post(url("attendance", initiative.pk), data, follow=True)
        assert response.status_code == 200
        registration.refresh_from_db()
        assert registration.attended is None

    def test_registration_of_another_event_is_refused(
        self, client, bonn_facilitator, initiative, bonn
    ):
        other = RegistrationFactory(
            event=EventFactory(
                process__municipality=bonn, starts_at=timezone.now() - timedelta(hours=2)
            )
        )
        client.force_login(bonn_facilitator)
        client.post(url("attendance", initiative.pk), {"registration": other.pk, "attended": "yes"})
        other.refresh_from_db()
        assert other.attended is None

    def test_sign_in_sheet_lists_confirmed_people_with_organisation(
        self, client, bonn_facilitator, initiative
    ):
        registration = RegistrationFactory(event=initiative, person__name="Abena Mensah")
        MembershipFactory(
            person=registration.person,
            organisation=OrganisationFactory(
                name="Ghana Union", municipality=initiative.municipality
            ),
        )
        RegistrationFactory(event=initiative, status=Status.WAITING, person__name="Wartend")
        client.force_login(bonn_facilitator)
        content = client.get(url("sign_in_sheet", initiative.pk)).content.decode()
        assert "Abena Mensah" in content
        assert "Ghana Union" in content
        assert "Wartend" not in content
        assert "Signature" in content


class TestGoalsResultsRatings:
    def test_initiative_records_goals(self, client, bonn_facilitator, initiative):
        organisation = OrganisationFactory(name="Stadt Bonn", municipality=initiative.municipality)
        client.force_login(bonn_facilitator)
        response = client.post(
            url("goal_add", initiative.pk),
            {
                "title": "Migrantenorganisationen im Beirat",
                "indicator": "Zwei Sitze bis 2027",
                "responsible": organisation.pk,
                "target_date": "2027-06-30",
            },
        )
        assert response.status_code == 302
        goal = Goal.objects.get()
        assert (goal.process, goal.workshop, goal.responsible) == (
            initiative.process,
            initiative,
            organisation,
        )
        client.post(
            url("goal_edit", goal.pk),
            {"title": goal.title, "indicator": "Drei Sitze", "target_date": ""},
        )
        goal.refresh_from_db()
        assert goal.indicator == "Drei Sitze"
        entry = AuditEntry.objects.filter(object_type="programs.goal", action="update").get()
        assert entry.changes["indicator"] == ["Zwei Sitze bis 2027", "Drei Sitze"]

    def test_goals_only_at_the_initiative_workshop(self, client, bonn_facilitator, workshop):
        client.force_login(bonn_facilitator)
        assert client.get(url("goal_add", workshop.pk)).status_code == 404

    def test_goal_form_errors(self, client, bonn_facilitator, initiative):
        client.force_login(bonn_facilitator)
        response = client.post(
            url("goal_add", initiative.pk),
            {"title": "", "indicator": "", "target_date": "gestern", "responsible": "abc"},
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {
            "title",
            "indicator",
            "target_date",
            "responsible",
        }

    def test_results_with_status_history(self, client, bonn_facilitator, initiative):
        goal = Goal.objects.create(
            process=initiative.process, workshop=initiative, title="Netzwerk", indicator="x"
        )
        organisation = OrganisationFactory(municipality=initiative.municipality)
        client.force_login(bonn_facilitator)
        response = client.post(
            url("result_add", initiative.pk),
            {
                "kind": "agreement",
                "text": "Ein runder Tisch trifft sich vierteljährlich.",
                "goals": [goal.pk],
                "organisations": [organisation.pk],
                "status": "planned",
            },
        )
        assert response.status_code == 302
        result = Result.objects.get()
        assert list(result.goals.all()) == [goal]
        client.post(
            url("result_edit", result.pk),
            {
                "kind": "agreement",
                "text": result.text,
                "goals": [goal.pk],
                "organisations": [organisation.pk],
                "status": "in_progress",
                "note": "Erstes Treffen im März",
            },
        )
        changes = list(result.status_changes.values_list("status", "note"))
        assert changes == [("planned", ""), ("in_progress", "Erstes Treffen im März")]
        content = client.get(initiative.get_absolute_url()).content.decode()
        assert "Erstes Treffen im März" in content

    def test_result_cannot_link_another_process_goal(self, client, office, initiative):
        foreign = Goal.objects.create(
            process=EventFactory(kind=WorkshopKind.INITIATIVE).process, title="Fremd", indicator="x"
        )
        client.force_login(office)
        response = client.post(
            url("result_add", initiative.pk),
            {"kind": "lesson", "text": "x", "goals": [foreign.pk], "status": "planned"},
        )
        assert response.status_code == 200
        assert "goals" in response.context["form"].errors
        assert not Result.objects.exists()

    def test_program_event_results_have_no_goals(self, client, office):
        program = ProgramFactory()
        seminar = Event.objects.create(
            program=program, kind="seminar", title="Beratung", capacity=10, admission="open"
        )
        client.force_login(office)
        page = client.get(url("result_add", seminar.pk))
        assert "goals" not in page.context["form"].fields
        response = client.post(
            url("result_add", seminar.pk),
            {"kind": "lesson", "text": "Beraten zu Förderanträgen", "status": "done"},
        )
        assert response.status_code == 302

    def test_evaluation_rates_the_process_goals(self, client, bonn_facilitator, initiative):
        evaluation = EventFactory(
            process=initiative.process,
            kind=WorkshopKind.EVALUATION,
            admission=Admission.INITIATIVE_CIRCLE,
        )
        reached = Goal.objects.create(process=initiative.process, title="A", indicator="x")
        missed = Goal.objects.create(process=initiative.process, title="B", indicator="y")
        client.force_login(bonn_facilitator)
        response = client.post(
            url("ratings", evaluation.pk),
            {
                f"goal-{reached.pk}-rating": "achieved",
                f"goal-{reached.pk}-comment": "Beirat tagt",
                f"goal-{missed.pk}-rating": "",
                f"goal-{missed.pk}-comment": "",
            },
        )
        assert response.status_code == 302
        assert GoalRating.objects.get().goal == reached
        response = client.post(
            url("ratings", evaluation.pk),
            {
                f"goal-{reached.pk}-rating": "achieved",
                f"goal-{reached.pk}-comment": "Beirat tagt",
                f"goal-{missed.pk}-rating": "",
                f"goal-{missed.pk}-comment": "Kommentar ohne Bewertung",
            },
        )
        assert response.status_code == 200
        assert "Choose a rating" in response.content.decode()
        response = client.post(
            url("ratings", evaluation.pk),
            {f"goal-{reached.pk}-rating": "great", f"goal-{missed.pk}-rating": "not_achieved"},
        )
        assert response.status_code == 200
        assert GoalRating.objects.count() == 1
        assert "Beirat tagt" in client.get(evaluation.get_absolute_url()).content.decode()

    def test_no_ratings_on_an_undated_draft(self, client, bonn_facilitator, initiative):
        draft = EventFactory(
            process=initiative.process,
            kind=WorkshopKind.EVALUATION,
            admission=Admission.INITIATIVE_CIRCLE,
            starts_at=None,
            ends_at=None,
            is_published=False,
        )
        goal = Goal.objects.create(process=initiative.process, title="A", indicator="x")
        client.force_login(bonn_facilitator)
        detail = client.get(draft.get_absolute_url()).content.decode()
        assert url("ratings", draft.pk) not in detail
        assert "rated once the workshop has a date" in detail
        page = client.get(url("ratings", draft.pk))
        assert page.status_code == 200
        assert "<form" not in page.content.decode().split("<main", 1)[1].split("</main>")[0]
        response = client.post(url("ratings", draft.pk), {f"goal-{goal.pk}-rating": "achieved"})
        assert response.status_code == 200
        assert "rated once the workshop has a date" in response.content.decode()
        assert not GoalRating.objects.exists()

    def test_ratings_only_at_the_evaluation_workshop(self, client, bonn_facilitator, initiative):
        client.force_login(bonn_facilitator)
        assert client.get(url("ratings", initiative.pk)).status_code == 404

    def test_kiel_cannot_touch_bonn_goals_or_results(self, client, kiel_coordinator, initiative):
        goal = Goal.objects.create(
            process=initiative.process, workshop=initiative, title="A", indicator="x"
        )
        result = Result.objects.create(workshop=initiative, kind="lesson", text="x")
        client.force_login(kiel_coordinator)
        assert client.get(url("goal_add", initiative.pk)).status_code == 403
        assert client.get(url("goal_edit", goal.pk)).status_code == 403
        assert client.post(url("goal_edit", goal.pk), {"title": "B"}).status_code == 403
        assert client.get(url("result_edit", result.pk)).status_code == 403


class TestMinutes:
    def test_preview_then_save(self, client, bonn_facilitator, workshop):
        client.force_login(bonn_facilitator)
        text = "# Protokoll\n\n- Punkt **eins**\n\n<script>alert(1)</script>"
        preview = client.post(url("minutes", workshop.pk), {"minutes": text, "preview": "1"})
        content = preview.content.decode()
        assert "<h3>Protokoll</h3>" in content
        assert "<script>alert(1)</script>" not in content
        assert Event.objects.get(pk=workshop.pk).minutes == ""
        response = client.post(url("minutes", workshop.pk), {"minutes": text})
        assert response.status_code == 302
        assert Event.objects.get(pk=workshop.pk).minutes.startswith("# Protokoll")

    def test_too_long_is_a_form_error(self, client, bonn_facilitator, workshop):
        client.force_login(bonn_facilitator)
        response = client.post(url("minutes", workshop.pk), {"minutes": "x" * 100_001})
        assert response.status_code == 200
        assert response.context["form"].errors


class TestNoServerErrors:
    JUNK = {
        "title": "\x00" * 3,
        "starts_at": "2030-02-30T25:61",
        "ends_at": ["a", "b"],
        "capacity": "1e9",
        "capacity_min": "-1",
        "people": ["abc", "999999999999999999999"],
        "registration": "-5",
        "attended": "maybe",
        "responsible": "x",
        "goals": ["x"],
        "organisations": ["99999999"],
        "rating": "best",
        "minutes": "\x00",
        "file": "not-a-file",
        "action": "email",
        "new-email": "\x00@",
        "kind": "party",
        "languages": ["\x00"],
        "goal-1-rating": "x",
    }

    @pytest.mark.parametrize(
        "name",
        [
            "event_edit",
            "event_reschedule",
            "event_cancel",
            "agenda_add",
            "document_add",
            "invite",
            "participant_add",
            "attendance",
            "goal_add",
            "result_add",
            "ratings",
            "minutes",
        ],
    )
    @pytest.mark.parametrize("kind", ["initiative", "evaluation", "exchange"])
    def test_junk_posts_never_fail(self, client, office, bonn, name, kind, media):
        if kind == "exchange":
            event = Event.objects.create(
                program=ProgramFactory(municipalities=[bonn]),
                kind=kind,
                title="Austausch",
                capacity=10,
                admission="delegates",
            )
        else:
            event = EventFactory(
                process__municipality=bonn,
                kind=kind,
                admission="initiative_circle" if kind == "evaluation" else "invited",
            )
        client.force_login(office)
        response = client.post(url(name, event.pk), self.JUNK)
        assert response.status_code in (200, 302, 404)
        response = client.get(url(name, event.pk), {"municipality": "\x00", "q": "%", "page": "x"})
        assert response.status_code in (200, 302, 404)

    def test_held_event_offers_no_cancelling(self, client, bonn_coordinator, initiative):
        registration = RegistrationFactory(event=initiative)
        client.force_login(bonn_coordinator)
        content = client.get(initiative.get_absolute_url()).content.decode()
        assert url("event_cancel", initiative.pk) not in content
        assert url("registration_cancel", registration.pk) not in content
        response = client.post(
            url("registration_cancel", registration.pk), {"confirm": "yes"}, follow=True
        )
        assert "already begun" in response.content.decode()
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED


class TestHiddenOrganisations:
    """Goals and results of Bonn's process may name another municipality's organisation: a
    Bonn coordinator sees it by name only where it is public (`Organisation.objects.shown_to`)."""

    @pytest.fixture
    def named(self, bonn, kiel, initiative):
        hidden = OrganisationFactory(municipality=kiel, name="Geheimer Kieler Verein")
        public = OrganisationFactory(municipality=kiel, name="Offener Kieler Verein", public=True)
        Goal.objects.create(
            process=initiative.process,
            workshop=initiative,
            title="Netzwerk",
            indicator="Treffen",
            responsible=hidden,
        )
        result = Result.objects.create(workshop=initiative, kind="agreement", text="Runder Tisch")
        result.organisations.add(hidden, public)
        return initiative

    def test_workshop_page(self, client, bonn_coordinator, named):
        client.force_login(bonn_coordinator)
        content = client.get(url("event_detail", named.pk)).content.decode()
        assert "Geheimer Kieler Verein" not in content
        assert content.count("Organisation (not public)") == 2
        assert "Offener Kieler Verein" in content

    def test_process_dashboard(self, client, bonn_coordinator, named):
        client.force_login(bonn_coordinator)
        response = client.get(f"/en/programs/processes/{named.process_id}/")
        content = response.content.decode()
        assert response.status_code == 200
        assert "Geheimer Kieler Verein" not in content
        assert content.count("Organisation (not public)") == 2
        assert "Offener Kieler Verein" in content

    def test_the_program_office_sees_the_name(self, client, office, named):
        client.force_login(office)
        content = client.get(url("event_detail", named.pk)).content.decode()
        assert content.count("Geheimer Kieler Verein") == 2
        assert "Organisation (not public)" not in content

    def test_participants_organisations(self, client, bonn, kiel, bonn_coordinator, initiative):
        hidden = OrganisationFactory(municipality=kiel, name="Geheimer Kieler Verein")
        own = OrganisationFactory(municipality=bonn, name="Bonner Verein")
        person = PersonFactory(municipality=bonn, name="Amina Diallo")
        MembershipFactory(person=person, organisation=hidden)
        MembershipFactory(person=person, organisation=own)
        RegistrationFactory(event=initiative, person=person)
        client.force_login(bonn_coordinator)
        for name in ("event_detail", "attendance", "sign_in_sheet"):
            content = client.get(url(name, initiative.pk)).content.decode()
            assert "Amina Diallo" in content, name
            assert "Geheimer Kieler Verein" not in content, name
            assert "Bonner Verein; Organisation (not public)" in content, name
        content = client.get(url("participant_add", initiative.pk)).content.decode()
        assert "Geheimer Kieler Verein" not in content
