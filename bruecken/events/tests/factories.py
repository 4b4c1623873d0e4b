import datetime

import factory
from django.utils import timezone

from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.models import Event, Registration
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.programs.tests.factories import LocalProcessFactory


class EventFactory(factory.django.DjangoModelFactory):
    """A published extended workshop a month from now, with open registration."""

    class Meta:
        model = Event

    process = factory.SubFactory(LocalProcessFactory)
    program = factory.SelfAttribute("process.program")
    kind = WorkshopKind.EXTENDED
    title = factory.Sequence(lambda n: f"Workshop {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + datetime.timedelta(hours=6))
    venue = "Altes Rathaus, Markt 2, 53111 Bonn"
    capacity_min = 0
    capacity = 40
    admission = Admission.OPEN
    is_published = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    status = Registration.Status.CONFIRMED
    source = Registration.Source.ORGANISER
