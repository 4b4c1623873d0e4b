"""The staff-side services: events, agenda, documents, invitations by address, attendance,
minutes, and the notifications they send."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import notifications, services
from bruecken.events.models import AgendaItem, Document, Event, Invitation, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory

Status = Registration.Status


@pytest.fixture
def bonn_event(bonn):
    return EventFactory(process__municipality=bonn, capacity=3)


def audit_actions(obj_type):
    return list(
        AuditEntry.objects.filter(object_type=obj_type)
        .order_by("id")
        .values_list("action", flat=True)
    )


class TestNotifications:
    def test_event_cancelled_and_changed_queue_their_kind(
        self, db, enqueued, django_capture_on_commit_callbacks
    ):
        event = EventFactory()
        with django_capture_on_commit_callbacks(execute=True):
            notifications.event_cancelled(event)
            notifications.event_changed(event, {"venue": ["Alt", "Neu"]})
        assert enqueued == [
            ("event_cancelled", {"event": event.pk}),
            ("event_changed", {"event": event.pk, "changes": {"venue": ["Alt", "Neu"]}}),
        ]


class TestUpdateEvent:
    def test_change_is_audited(self, bonn_event, bonn_coordinator):
        services.update_event(bonn_coordinator, bonn_event, {"title": "Neuer Titel"})
        entry = AuditEntry.objects.get(object_type="events.event")
        assert entry.changes["title"][1] == "Neuer Titel"
        assert Event.objects.get().title == "Neuer Titel"

    def test_other_municipality_refused(self, bonn_event, kiel_coordinator):
        with pytest.raises(PermissionDenied):
            services.update_event(kiel_coordinator, bonn_event, {"title": "X"})
        assert Event.objects.get().title == bonn_event.title

    def test_facilitator_may_not_change_facts(self, bonn_event, bonn_facilitator):
        with pytest.raises(PermissionDenied):
            services.update_event(bonn_facilitator, bonn_event, {"title": "X"})

    def test_fewer_places_than_taken_is_refused(self, bonn_event, bonn_coordinator):
        RegistrationFactory.create_batch(2, event=bonn_event)
        RegistrationFactory(event=bonn_event, status=Status.OFFERED)
        with pytest.raises(ValidationError) as error:
            services.update_event(bonn_coordinator, bonn_event, {"capacity": 2})
        assert "capacity" in error.value.error_dict
        assert Event.objects.get().capacity == 3
        assert not AuditEntry.objects.exists()

    def test_more_places_go_to_the_waiting_list(
        self, bonn_event, bonn_coordinator, enqueued, django_capture_on_commit_callbacks
    ):
        now = timezone.now()
        RegistrationFactory.create_batch(3, event=bonn_event)
        first = RegistrationFactory(
            event=bonn_event, status=Status.WAITING, queued_at=now - timedelta(hours=2)
        )
        second = RegistrationFactory(
            event=bonn_event, status=Status.WAITING, queued_at=now - timedelta(hours=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.update_event(bonn_coordinator, bonn_event, {"capacity": 4})
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Status.OFFERED
        assert second.status == Status.WAITING
        assert ("registration_offered", {"registration": first.pk}) in enqueued
        assert not [kind for kind, _ids in enqueued if kind == "event_changed"]

    def test_new_time_tells_everyone_registered(
        self, bonn_event, bonn_coordinator, enqueued, django_capture_on_commit_callbacks
    ):
        RegistrationFactory(event=bonn_event)
        old_start, old_end = bonn_event.starts_at, bonn_event.ends_at
        with django_capture_on_commit_callbacks(execute=True):
            services.update_event(
                bonn_coordinator,
                bonn_event,
                {
                    "starts_at": old_start + timedelta(days=1),
                    "ends_at": old_end + timedelta(days=1),
                },
            )
        (kind, ids), *others = enqueued
        assert (kind, ids["event"], others) == ("event_changed", bonn_event.pk, [])
        assert ids["changes"] == {
            "starts_at": [old_start.isoformat(), (old_start + timedelta(days=1)).isoformat()],
            "ends_at": [old_end.isoformat(), (old_end + timedelta(days=1)).isoformat()],
        }

    @pytest.mark.parametrize(
        "values",
        [{"venue": "Stadthaus, Berliner Platz 2"}, {"online_url": "https://konferenz.example/x"}],
    )
    def test_new_place_tells_everyone_registered(
        self, bonn_event, bonn_coordinator, enqueued, django_capture_on_commit_callbacks, values
    ):
        RegistrationFactory(event=bonn_event, status=Status.WAITING)
        with django_capture_on_commit_callbacks(execute=True):
            services.update_event(bonn_coordinator, bonn_event, values)
        (name, new), *_others = values.items()
        old = getattr(bonn_event, name)
        assert enqueued == [
            ("event_changed", {"event": bonn_event.pk, "changes": {name: [old, new]}})
        ]

    def test_nobody_to_tell_or_nothing_moved(
        self, bonn_event, bonn_coordinator, enqueued, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.update_event(bonn_coordinator, bonn_event, {"venue": "Anderswo"})
        RegistrationFactory(event=bonn_event)
        with django_capture_on_commit_callbacks(execute=True):
            services.update_event(bonn_coordinator, bonn_event, {"title": "Nur der Titel"})
        assert enqueued == []

    def test_evaluation_keeps_the_initiative_circle(self, bonn, bonn_coordinator):
        event = EventFactory(
            process__municipality=bonn,
            kind=WorkshopKind.EVALUATION,
            admission=Admission.INITIATIVE_CIRCLE,
        )
        with pytest.raises(ValidationError) as error:
            services.update_event(bonn_coordinator, event, {"admission": Admission.OPEN})
        assert "admission" in error.value.error_dict
        assert Event.objects.get().admission == Admission.INITIATIVE_CIRCLE

    def test_deadline_after_start_refused(self, bonn_event, bonn_coordinator):
        with pytest.raises(ValidationError) as error:
            services.update_event(
                bonn_coordinator,
                bonn_event,
                {"registration_deadline": bonn_event.starts_at + timedelta(hours=1)},
            )
        assert "registration_deadline" in error.value.error_dict

    def test_published_event_needs_a_place(self, bonn_event, bonn_coordinator):
        with pytest.raises(ValidationError) as error:
            services.update_event(bonn_coordinator, bonn_event, {"venue": "", "online_url": ""})
        assert "venue" in error.value.error_dict

    def test_cancelled_event_is_not_changed(self, bonn_event, bonn_coordinator):
        Event.objects.filter(pk=bonn_event.pk).update(cancelled_at=timezone.now())
        with pytest.raises(services.Refused):
            services.update_event(bonn_coordinator, bonn_event, {"title": "X"})


class TestCancelEvent:
    def test_cancel_tells_everyone_and_keeps_registrations(
        self, bonn_event, bonn_coordinator, enqueued, django_capture_on_commit_callbacks
    ):
        registration = RegistrationFactory(event=bonn_event)
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_event(bonn_coordinator, bonn_event)
        event = Event.objects.get()
        assert event.is_cancelled
        assert enqueued == [("event_cancelled", {"event": event.pk})]
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED
        assert audit_actions("events.event") == ["update"]

    def test_twice_refused(self, bonn_event, bonn_coordinator):
        services.cancel_event(bonn_coordinator, bonn_event)
        with pytest.raises(services.Refused) as refusal:
            services.cancel_event(bonn_coordinator, bonn_event)
        assert refusal.value.code == "cancelled"

    def test_begun_event_is_not_cancelled(self, bonn, bonn_coordinator):
        event = EventFactory(
            process__municipality=bonn, starts_at=timezone.now() - timedelta(hours=1)
        )
        with pytest.raises(services.Refused) as refusal:
            services.cancel_event(bonn_coordinator, event)
        assert refusal.value.code == "begun"
        assert not Event.objects.get().is_cancelled

    def test_other_municipality_refused(self, bonn_event, kiel_coordinator, enqueued):
        with pytest.raises(PermissionDenied):
            services.cancel_event(kiel_coordinator, bonn_event)
        assert not Event.objects.get().is_cancelled

    def test_registration_is_refused_afterwards(self, bonn_event, bonn_coordinator):
        services.cancel_event(bonn_coordinator, bonn_event)
        with pytest.raises(services.Refused):
            services.take_place(bonn_event, PersonFactory(), source=Registration.Source.SELF)


class TestProgramEvents:
    def values(self, **changes):
        values = {
            "kind": WorkshopKind.EXCHANGE,
            "title": "Erfahrungsaustausch der Modellkommunen",
            "capacity": 20,
            "capacity_min": 5,
            "places_per_municipality": 4,
            "admission": Admission.DELEGATES,
            "reminder_days": 3,
        }
        values.update(changes)
        return values

    def test_office_creates_exchange_without_process(self, db, office):
        program = ProgramFactory()
        event = services.create_program_event(office, program, self.values())
        assert event.process is None
        assert event.kind == WorkshopKind.EXCHANGE
        assert audit_actions("events.event") == ["create"]

    def test_coordinator_refused(self, db, bonn_coordinator):
        with pytest.raises(PermissionDenied):
            services.create_program_event(bonn_coordinator, ProgramFactory(), self.values())
        assert not Event.objects.exists()

    @pytest.mark.parametrize("kind", ["initiative", "extended", "evaluation", "", None])
    def test_only_exchange_and_seminar(self, db, office, kind):
        with pytest.raises(ValidationError):
            services.create_program_event(office, ProgramFactory(), self.values(kind=kind))
        assert not Event.objects.exists()

    def test_no_initiative_circle_without_a_process(self, db, office):
        with pytest.raises(ValidationError) as error:
            services.create_program_event(
                office,
                ProgramFactory(),
                self.values(kind="seminar", admission=Admission.INITIATIVE_CIRCLE),
            )
        assert "admission" in error.value.error_dict


class TestParticipantsAndInvitations:
    def test_add_participants_all_or_nothing(self, bonn, bonn_coordinator):
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
        circle = RegistrationFactory(event=initiative, attended=True).person
        outsider = PersonFactory(name="Außenstehend")
        with pytest.raises(services.Refused) as refusal:
            services.add_participants(bonn_coordinator, evaluation, [circle, outsider])
        assert "Außenstehend" in refusal.value.message
        assert not Registration.objects.filter(event=evaluation).exists()
        added = services.add_participants(bonn_coordinator, evaluation, [circle])
        assert [r.status for r in added] == [Status.CONFIRMED]

    def test_only_the_initiative_circle_is_invited_to_the_evaluation(
        self, bonn, bonn_coordinator, enqueued
    ):
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
        circle = RegistrationFactory(event=initiative, person__municipality=bonn).person
        outsider = PersonFactory(name="Außenstehend", municipality=bonn)
        with pytest.raises(services.Refused) as refusal:
            services.invite(bonn_coordinator, evaluation, [circle, outsider])
        assert refusal.value.code == "not_in_circle"
        assert "Außenstehend" in refusal.value.message
        assert not Invitation.objects.exists()
        assert [i.person for i in services.invite(bonn_coordinator, evaluation, [circle])] == [
            circle
        ]

    def test_invite_by_email_creates_the_person_in_the_municipality(
        self, bonn_event, bonn_coordinator, bonn
    ):
        person = services.invite_by_email(
            bonn_coordinator,
            bonn_event,
            {"name": "Amara Diallo", "email": "Amara@Verein.example", "language": "en"},
        )
        assert person.municipality == bonn
        assert person.email == "amara@verein.example"
        assert person.language == "en"
        assert Invitation.objects.get().person == person
        assert audit_actions("actors.person") == ["create"]

    def test_invite_by_email_reuses_someone_the_user_sees(self, bonn_event, bonn_coordinator, bonn):
        known = PersonFactory(municipality=bonn, email="amara@verein.example")
        person = services.invite_by_email(
            bonn_coordinator, bonn_event, {"name": "A. Diallo", "email": "AMARA@verein.example"}
        )
        assert person == known
        assert Person.objects.count() == 1

    def test_invite_by_email_refused_for_other_municipality(self, bonn_event, kiel_coordinator):
        with pytest.raises(PermissionDenied):
            services.invite_by_email(
                kiel_coordinator, bonn_event, {"name": "X", "email": "x@example.org"}
            )
        assert not Person.objects.exists()

    def test_invite_by_email_to_cancelled_event_creates_nobody(self, bonn_event, bonn_coordinator):
        services.cancel_event(bonn_coordinator, bonn_event)
        with pytest.raises(services.Refused):
            services.invite_by_email(
                bonn_coordinator, bonn_event, {"name": "X", "email": "x@example.org"}
            )
        assert not Person.objects.exists()


class TestAgendaAndDocuments:
    def test_agenda_item_lifecycle_is_audited(self, bonn_event, bonn_facilitator):
        item = services.add_agenda_item(
            bonn_facilitator, bonn_event, {"starts_at": "10:00", "title": "Begrüßung"}
        )
        services.update_agenda_item(bonn_facilitator, item, {"title": "Begrüßung und Vorstellung"})
        services.delete_agenda_item(bonn_facilitator, item)
        assert not AgendaItem.objects.exists()
        assert audit_actions("events.agendaitem") == ["create", "update", "delete"]

    def test_agenda_needs_a_time(self, bonn_event, bonn_facilitator):
        with pytest.raises(ValidationError):
            services.add_agenda_item(bonn_facilitator, bonn_event, {"title": "Ohne Zeit"})

    def test_other_municipality_cannot_touch_the_agenda(self, bonn_event, kiel_coordinator):
        with pytest.raises(PermissionDenied):
            services.add_agenda_item(
                kiel_coordinator, bonn_event, {"starts_at": "10:00", "title": "X"}
            )

    def test_document_upload_and_removal(
        self, bonn_event, bonn_facilitator, media, django_capture_on_commit_callbacks
    ):
        upload = SimpleUploadedFile("Einladung.pdf", b"%PDF-1.4 test", "application/pdf")
        document = services.add_document(
            bonn_facilitator, bonn_event, {"title": "Einladung", "file": upload}
        )
        path = media / document.file.name
        assert path.exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.delete_document(bonn_facilitator, document)
        assert not Document.objects.exists()
        assert not path.exists()
        assert audit_actions("events.document") == ["create", "delete"]

    @pytest.mark.parametrize(
        ("name", "size"), [("skript.exe", 10), ("seite.html", 10), ("gross.pdf", 11 * 2**20)]
    )
    def test_document_type_and_size_are_limited(
        self, bonn_event, bonn_facilitator, media, name, size
    ):
        upload = SimpleUploadedFile(name, b"x" * size)
        with pytest.raises(ValidationError) as error:
            services.add_document(bonn_facilitator, bonn_event, {"title": "X", "file": upload})
        assert "file" in error.value.error_dict
        assert not Document.objects.exists()
        assert not any(media.rglob("*.*"))


class TestAttendance:
    @pytest.fixture
    def today(self, bonn):
        return EventFactory(
            process__municipality=bonn,
            kind=WorkshopKind.INITIATIVE,
            admission=Admission.INVITED,
            starts_at=timezone.now() - timedelta(minutes=30),
        )

    def test_check_in_and_no_show_are_audited(self, today, bonn_facilitator):
        registration = RegistrationFactory(event=today)
        services.mark_attendance(bonn_facilitator, registration, True)
        registration.refresh_from_db()
        assert registration.attended is True
        assert registration.checked_in_at is not None
        services.mark_attendance(bonn_facilitator, registration, False)
        registration.refresh_from_db()
        assert registration.attended is False
        assert registration.checked_in_at is None
        entries = AuditEntry.objects.filter(object_type="events.registration").order_by("id")
        assert [e.changes["attended"] for e in entries] == [["", True], [True, False]]

    def test_attendance_builds_the_initiative_circle(self, today, bonn_facilitator):
        # The circle are those who took part (`Registration.objects.participants`): the
        # confirmed, until attendance is recorded; then those marked attended.
        came = RegistrationFactory(event=today)
        stayed_away = RegistrationFactory(event=today)
        RegistrationFactory(event=today, status=Status.WAITING)
        assert set(services.initiative_circle(today.process)) == {came.person, stayed_away.person}
        services.mark_attendance(bonn_facilitator, came, True)
        assert list(services.initiative_circle(today.process)) == [came.person]
        services.mark_attendance(bonn_facilitator, came, None)
        assert set(services.initiative_circle(today.process)) == {came.person, stayed_away.person}

    def test_no_circle_before_the_initiative_workshop_or_when_cancelled(self, bonn):
        coming = EventFactory(process__municipality=bonn, kind=WorkshopKind.INITIATIVE)
        RegistrationFactory(event=coming)
        assert not services.initiative_circle(coming.process).exists()
        Event.objects.filter(pk=coming.pk).update(
            starts_at=timezone.now() - timedelta(days=1), cancelled_at=timezone.now()
        )
        assert not services.initiative_circle(coming.process).exists()

    def test_only_confirmed(self, today, bonn_facilitator):
        waiting = RegistrationFactory(event=today, status=Status.WAITING)
        with pytest.raises(services.Refused) as refusal:
            services.mark_attendance(bonn_facilitator, waiting, True)
        assert refusal.value.code == "not_confirmed"

    def test_not_before_the_day(self, bonn_event, bonn_facilitator):
        registration = RegistrationFactory(event=bonn_event)
        with pytest.raises(services.Refused) as refusal:
            services.mark_attendance(bonn_facilitator, registration, True)
        assert refusal.value.code == "too_early"
        registration.refresh_from_db()
        assert registration.attended is None

    def test_other_municipality_refused(self, today, kiel_coordinator):
        registration = RegistrationFactory(event=today)
        with pytest.raises(PermissionDenied):
            services.mark_attendance(kiel_coordinator, registration, True)


class TestMinutes:
    def test_minutes_are_audited(self, bonn_event, bonn_facilitator):
        services.update_minutes(bonn_facilitator, bonn_event, "# Protokoll\r\n\r\n- Punkt eins\r\n")
        event = Event.objects.get()
        assert event.minutes == "# Protokoll\n\n- Punkt eins"
        entry = AuditEntry.objects.get(object_type="events.event")
        assert entry.changes == {"minutes": ["", "# Protokoll\n\n- Punkt eins"]}
        services.update_minutes(bonn_facilitator, event, event.minutes)
        assert AuditEntry.objects.filter(object_type="events.event").count() == 1

    def test_other_municipality_refused(self, bonn_event, kiel_coordinator):
        with pytest.raises(PermissionDenied):
            services.update_minutes(kiel_coordinator, bonn_event, "x")


def test_program_level_event_is_managed_by_the_office_only(db, office, bonn_coordinator):
    process = LocalProcessFactory()
    event = services.create_program_event(
        office,
        process.program,
        {"kind": "seminar", "title": "Beratung", "capacity": 15, "admission": "open"},
    )
    with pytest.raises(PermissionDenied):
        services.update_event(bonn_coordinator, event, {"title": "X"})
    services.update_event(office, event, {"topic": "Entwicklungspolitische Bildungsarbeit"})
    assert Event.objects.get().topic == "Entwicklungspolitische Bildungsarbeit"


class TestCancelRegistration:
    def test_organiser_cancels_and_the_place_is_offered(self, bonn_event, bonn_coordinator):
        holder = RegistrationFactory(event=bonn_event)
        RegistrationFactory.create_batch(2, event=bonn_event)
        waiting = RegistrationFactory(
            event=bonn_event, status=Status.WAITING, queued_at=timezone.now()
        )
        services.cancel_registration(bonn_coordinator, holder)
        waiting.refresh_from_db()
        assert waiting.status == Status.OFFERED
        holder.refresh_from_db()
        assert holder.status == Status.CANCELLED
        entry = AuditEntry.objects.get(object_id=str(holder.pk), object_type="events.registration")
        assert entry.user == bonn_coordinator

    def test_not_after_the_start(self, bonn, bonn_coordinator):
        event = EventFactory(
            process__municipality=bonn, starts_at=timezone.now() - timedelta(hours=1)
        )
        registration = RegistrationFactory(event=event)
        with pytest.raises(services.Refused) as refusal:
            services.cancel_registration(bonn_coordinator, registration)
        assert refusal.value.code == "begun"

    def test_other_municipality_refused(self, bonn_event, kiel_coordinator):
        registration = RegistrationFactory(event=bonn_event)
        with pytest.raises(PermissionDenied):
            services.cancel_registration(kiel_coordinator, registration)
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED
