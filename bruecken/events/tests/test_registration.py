import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, connections
from django.utils import timezone

from bruecken.accounts.models import AuditEntry
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import services
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.programs.models import Admission, WorkshopKind

Status = Registration.Status
Source = Registration.Source


def register(event, person=None, **kwargs):
    kwargs.setdefault("source", Source.SELF)
    return services.take_place(event, person or PersonFactory(), **kwargs)


class TestTakePlace:
    def test_confirmed_until_full_then_waiting_list_in_order(self, db):
        event = EventFactory(capacity=2)
        first, second = register(event), register(event)
        third, fourth = register(event), register(event)
        assert [first.status, second.status] == [Status.CONFIRMED, Status.CONFIRMED]
        assert [third.status, fourth.status] == [Status.WAITING, Status.WAITING]
        assert services.waiting_position(third) == 1
        assert services.waiting_position(fourth) == 2
        assert services.waiting_position(first) is None

    def test_registering_twice_is_refused(self, db):
        event = EventFactory()
        person = PersonFactory()
        register(event, person)
        with pytest.raises(services.Refused) as refusal:
            register(event, person)
        assert refusal.value.code == "registered"
        assert Registration.objects.count() == 1

    @pytest.mark.parametrize(
        ("changes", "code"),
        [
            ({"cancelled_at": timezone.now()}, "cancelled"),
            ({"is_published": False}, "not_open"),
            ({"registration_deadline": timezone.now() - timedelta(minutes=1)}, "deadline"),
            ({"starts_at": timezone.now() - timedelta(hours=1)}, "begun"),
        ],
    )
    def test_closed_events_refuse_and_change_nothing(self, db, changes, code):
        event = EventFactory()
        for name, value in changes.items():
            setattr(event, name, value)
        if "starts_at" in changes:
            event.ends_at = event.starts_at + timedelta(hours=3)
        event.save()
        with pytest.raises(services.Refused) as refusal:
            register(event)
        assert refusal.value.code == code
        assert not Registration.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_organiser_may_add_after_the_deadline_but_not_beyond_capacity(
        self, db, bonn_coordinator
    ):
        event = EventFactory(
            capacity=1,
            process__municipality=bonn_coordinator.roles.get().municipality,
            registration_deadline=timezone.now() - timedelta(days=1),
        )
        first = services.add_participant(bonn_coordinator, event, PersonFactory())
        second = services.add_participant(bonn_coordinator, event, PersonFactory())
        assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITING)

    def test_other_municipality_cannot_add(self, db, kiel_coordinator):
        with pytest.raises(PermissionDenied):
            services.add_participant(kiel_coordinator, EventFactory(), PersonFactory())

    def test_invitation_only_refuses_self_registration(self, db):
        event = EventFactory(admission=Admission.INVITED)
        with pytest.raises(services.Refused) as refusal:
            register(event)
        assert refusal.value.code == "invitation_only"

    def test_rejoining_after_cancelling_goes_to_the_end(self, db):
        event = EventFactory(capacity=1)
        register(event)
        person = PersonFactory()
        waiting = register(event, person)
        later = register(event)
        services.cancel(waiting)
        again = register(event, person)
        assert again.pk == waiting.pk
        assert services.waiting_position(again) == 2
        assert services.waiting_position(Registration.objects.get(pk=later.pk)) == 1


class TestWaitingList:
    def test_freed_place_is_offered_to_the_first_and_counts_against_capacity(self, db):
        event = EventFactory(capacity=1)
        holder = register(event)
        first, second = register(event), register(event)
        services.cancel(holder)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Status.OFFERED
        assert first.offer_expires_at > timezone.now()
        assert second.status == Status.WAITING
        # The offered place is held: a newcomer queues behind.
        assert register(event).status == Status.WAITING

    def test_accepting_the_offer_confirms(self, db):
        event = EventFactory(capacity=1)
        holder, waiting = register(event), register(event)
        services.cancel(holder)
        services.accept_offer(waiting)
        waiting.refresh_from_db()
        assert waiting.status == Status.CONFIRMED

    def test_an_expired_offer_passes_to_the_next(self, db):
        event = EventFactory(capacity=1)
        holder, first, second = register(event), register(event), register(event)
        services.cancel(holder)
        later = timezone.now() + services.offer_validity() + timedelta(minutes=1)
        services.expire_offers(event, now=later)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Status.EXPIRED
        assert second.status == Status.OFFERED
        with pytest.raises(services.Refused) as refusal:
            services.accept_offer(first)
        assert refusal.value.code == "no_offer"

    def test_accepting_too_late_is_refused_and_passes_on(self, db):
        event = EventFactory(capacity=1)
        holder, first, second = register(event), register(event), register(event)
        services.cancel(holder)
        later = timezone.now() + services.offer_validity() + timedelta(minutes=1)
        with pytest.raises(services.Refused) as refusal:
            services.accept_offer(first, now=later)
        assert refusal.value.code == "expired"
        second.refresh_from_db()
        assert second.status == Status.OFFERED

    def test_leaving_the_waiting_list_offers_nothing(self, db):
        event = EventFactory(capacity=1)
        register(event)
        first, second = register(event), register(event)
        services.cancel(first)
        second.refresh_from_db()
        assert second.status == Status.WAITING
        assert services.waiting_position(second) == 1

    def test_cancelling_twice_is_refused(self, db):
        registration = register(EventFactory())
        services.cancel(registration)
        with pytest.raises(services.Refused):
            services.cancel(registration)


class TestInitiativeCircle:
    @pytest.fixture
    def process_workshops(self, db):
        initiative = EventFactory(
            kind=WorkshopKind.INITIATIVE,
            admission=Admission.INVITED,
            starts_at=timezone.now() - timedelta(days=30),
        )
        evaluation = EventFactory(
            kind=WorkshopKind.EVALUATION,
            admission=Admission.INITIATIVE_CIRCLE,
            process=initiative.process,
            capacity=15,
        )
        return initiative, evaluation

    def test_only_those_who_attended_the_initiative_workshop(self, process_workshops):
        initiative, evaluation = process_workshops
        attended = RegistrationFactory(event=initiative, attended=True).person
        no_show = RegistrationFactory(event=initiative, attended=False).person
        outsider = PersonFactory()
        assert register(evaluation, attended).status == Status.CONFIRMED
        for person in (no_show, outsider):
            with pytest.raises(services.Refused) as refusal:
                register(evaluation, person)
            assert refusal.value.code == "not_in_circle"
        assert set(services.initiative_circle(initiative.process)) == {attended}

    def test_organisers_cannot_dilute_the_circle_either(self, process_workshops, office):
        _initiative, evaluation = process_workshops
        with pytest.raises(services.Refused):
            services.add_participant(office, evaluation, PersonFactory())

    def test_another_process_circle_does_not_count(self, process_workshops):
        _initiative, evaluation = process_workshops
        elsewhere = EventFactory(
            kind=WorkshopKind.INITIATIVE, starts_at=timezone.now() - timedelta(days=30)
        )
        person = RegistrationFactory(event=elsewhere, attended=True).person
        with pytest.raises(services.Refused):
            register(evaluation, person)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_hundred_simultaneous_registrations_for_forty_places():
    event = EventFactory(capacity=40)
    people = PersonFactory.create_batch(100)
    barrier = threading.Barrier(len(people))
    # Connections open at once: the other test process (`make test` runs one per core) needs
    # some of PostgreSQL's 100 too; 100 here made its requests fail with "too many clients".
    slots = threading.BoundedSemaphore(40)
    errors = []

    def register_in_own_connection(person):
        barrier.wait()
        slots.acquire()
        try:
            for _attempt in range(200):
                try:
                    services.take_place(event, person, source=Source.SELF)
                    break
                except OperationalError as error:
                    # The server's connection limit, not our code: any other client (a monitor,
                    # a second test run) leaves fewer than 100 slots. Wait for one, then go.
                    if "too many clients" not in str(error):
                        raise
                    connections.close_all()
                    time.sleep(0.02)
            else:
                errors.append("no database connection")
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()
            slots.release()

    # The threads need a connection each: with PostgreSQL's default max_connections (100),
    # this thread's own would be the 101st. It is not needed until they are done.
    connection.close()
    threads = [threading.Thread(target=register_in_own_connection, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    registrations = Registration.objects.filter(event=event)
    assert registrations.filter(status=Status.CONFIRMED).count() == 40
    waiting = list(registrations.filter(status=Status.WAITING))
    assert len(waiting) == 60
    assert sorted(services.waiting_position(r) for r in waiting) == list(range(1, 61))
    assert connection.vendor == "postgresql"


class TestInvite:
    def test_only_people_the_organiser_may_see(self, bonn, kiel, bonn_coordinator):
        event = EventFactory(process__municipality=bonn, admission=Admission.INVITED)
        hidden = PersonFactory(municipality=kiel)
        with pytest.raises(PermissionDenied):
            services.invite(bonn_coordinator, event, [PersonFactory(municipality=bonn), hidden])
        assert not event.invitations.exists()

    def test_a_cancelled_event_is_checked_in_the_database(self, bonn, bonn_coordinator):
        event = EventFactory(process__municipality=bonn, admission=Admission.INVITED)
        stale = type(event).objects.get(pk=event.pk)
        event.cancelled_at = timezone.now()
        event.save()
        with pytest.raises(services.Refused):
            services.invite(bonn_coordinator, stale, [PersonFactory(municipality=bonn)])
