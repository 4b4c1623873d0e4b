"""A participant with something of every kind held about them, for the tests of "Meine Daten"
and its export (imported by those test modules; `exports_dir` is in conftest.py)."""

import pytest
from django.utils import timezone, translation

from bruecken.actors import services as actor_services
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from bruecken.events.models import Invitation, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.website.models import ContactMessage


@pytest.fixture(name="in_german")
def in_german_fixture():
    """Addresses and texts in German, whatever an earlier test left active."""
    with translation.override("de"):
        yield


@pytest.fixture(name="held")
def held_fixture(participant, bonn, office):
    """Everything of every kind about `participant`'s person, "Amara Diallo"."""
    person = PersonFactory(
        name="Amara Diallo", email=participant.email, municipality=bonn, user=participant
    )
    actor_services.give_person_consent(office, person, "Amara Diallo selbst")
    organisation = OrganisationFactory(name="Verein Sahel Bonn", municipality=bonn, public=True)
    MembershipFactory(person=person, organisation=organisation, role="Kassenwartin")
    attended = EventFactory(title="Auftaktwerkstatt Bonn")
    RegistrationFactory(event=attended, person=person, attended=True)
    RegistrationFactory(
        event=EventFactory(title="Zweite Werkstatt"),
        person=person,
        status=Registration.Status.WAITING,
        queued_at=timezone.now(),
    )
    Invitation.objects.create(event=EventFactory(title="Abschlusswerkstatt"), person=person)
    ContactMessage.objects.create(
        kind=ContactMessage.Kind.CONTACT,
        name="Amara",
        email=participant.email.upper(),
        subject="Frage zur Anmeldung",
        message="Wann beginnt die Werkstatt?",
        language="de",
    )
    return person
