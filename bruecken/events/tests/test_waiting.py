"""What waits for a user in the events app (bruecken/events/waiting.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.models import Invitation, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.events.waiting import waiting_for

Status = Registration.Status

pytestmark = pytest.mark.usefixtures("language_reset")


def labels(user):
    with translation.override("en"):
        return [(item.label, item.url) for item in waiting_for(user, timezone.now()) if item.count]


def workshop(municipality, days, **fields):
    starts = timezone.now() + timedelta(days=days)
    return EventFactory(process__municipality=municipality, starts_at=starts, capacity=10, **fields)


def test_invitations_and_offers_of_the_linked_person(db):
    person = PersonFactory(user=UserFactory())
    event = EventFactory()
    Invitation.objects.create(event=event, person=person)
    Invitation.objects.create(
        event=EventFactory(), person=person, status=Invitation.Status.ACCEPTED
    )
    RegistrationFactory(event=EventFactory(), person=person, status=Status.OFFERED)
    # Past or called off: nothing to answer any more.
    Invitation.objects.create(
        event=EventFactory(starts_at=timezone.now() - timedelta(days=1)), person=person
    )
    Invitation.objects.create(event=EventFactory(cancelled_at=timezone.now()), person=person)
    assert labels(person.user) == [
        ("1 invitation to an event waits for your answer.", "/en/participate/mine/"),
        (
            "A place was offered to you: please accept it before the offer expires.",
            "/en/participate/mine/",
        ),
    ]


def test_account_without_person_or_role_has_nothing(db):
    assert labels(UserFactory()) == []


def test_coordinator_sees_own_workshops_below_minimum_soon(bonn, kiel, bonn_coordinator):
    few = workshop(bonn, 3, title="Erweiterter Workshop Bonn", capacity_min=2)
    RegistrationFactory(event=few)
    enough = workshop(bonn, 3, capacity_min=1)
    RegistrationFactory(event=enough)
    workshop(bonn, 20, capacity_min=2)  # too far away to worry
    workshop(kiel, 3, capacity_min=2)  # another municipality's
    workshop(bonn, 3, capacity_min=2, cancelled_at=timezone.now())
    (item,) = labels(bonn_coordinator)
    assert item[0].startswith('<span lang="de">Erweiterter Workshop Bonn</span> on ')
    assert item[0].endswith(": 1 confirmed, at least 2 needed.")
    assert item[1] == f"/en/events/{few.pk}/"


def test_registration_closing_soon(bonn, bonn_facilitator):
    closing = workshop(
        bonn, 20, title="Workshop Bonn", registration_deadline=timezone.now() + timedelta(days=2)
    )
    workshop(bonn, 20, registration_deadline=timezone.now() - timedelta(days=1))
    workshop(bonn, 20, registration_deadline=timezone.now() + timedelta(days=15))
    (item,) = labels(bonn_facilitator)
    assert item[0].startswith('<span lang="de">Workshop Bonn</span>: registration closes on ')
    assert item[1] == f"/en/events/{closing.pk}/"


def test_constant_queries(bonn, bonn_coordinator, django_assert_max_num_queries):
    for _ in range(5):
        workshop(bonn, 3, capacity_min=2, registration_deadline=timezone.now() + timedelta(days=1))
    person = PersonFactory(user=bonn_coordinator)
    Invitation.objects.create(event=EventFactory(), person=person)
    bonn_coordinator = type(bonn_coordinator).objects.get(pk=bonn_coordinator.pk)
    with django_assert_max_num_queries(6):
        assert len(labels(bonn_coordinator)) == 11
