"""The demo is entered through the apps' services, as the demo accounts would enter it by hand:
every demo row has the audit entry a real user's change leaves, and nothing the services refuse."""

import pytest
from django.core import mail
from django.core.validators import validate_email

from bruecken.accounts.models import AuditEntry, User
from bruecken.actors.models import Membership, Organisation, Person, Tie
from bruecken.actors.tests.factories import PersonFactory
from bruecken.api.models import ApiToken
from bruecken.demo.accounts import OFFICE_EMAIL, create_demo_accounts
from bruecken.demo.api import create_demo_api
from bruecken.demo.guide import create_demo_guide
from bruecken.demo.program import create_demo_program
from bruecken.demo.quiet import tasks_dropped
from bruecken.demo.registry import create_demo_data
from bruecken.demo.website import create_demo_website
from bruecken.events.models import AgendaItem, Event, Invitation, Registration
from bruecken.events.services.invitations import invite
from bruecken.events.tests.factories import EventFactory
from bruecken.guide.models import Recommendation
from bruecken.programs.models import (
    Admission,
    Goal,
    GoalRating,
    LocalProcess,
    Program,
    Result,
)
from bruecken.website.models import Image, NewsArticle, Page


@pytest.fixture
def demo(reference_data):
    create_demo_data()
    create_demo_program()
    create_demo_website()
    create_demo_accounts()
    create_demo_guide()
    create_demo_api()


def entries(model, action=AuditEntry.Action.CREATE):
    return AuditEntry.objects.filter(object_type=model._meta.label_lower, action=action)


def ids(rows):
    return {str(pk) for pk in rows.values_list("pk", flat=True)}


@pytest.mark.django_db
def test_every_demo_row_has_the_audit_entries_of_who_entered_it(demo):
    """One test, as the demo takes long to build."""
    for model in (
        Organisation,
        Person,
        Membership,
        Tie,
        Program,
        LocalProcess,
        Event,
        AgendaItem,
        Invitation,
        Registration,
        Goal,
        GoalRating,
        Result,
        NewsArticle,
        Page,
        Image,
        Recommendation,
        ApiToken,
    ):
        rows = model.objects.all()
        assert rows.exists(), model
        created = set(entries(model).values_list("object_id", flat=True))
        assert ids(rows) <= created, model

    # The demo program office entered the registry, the program and the website.
    office = User.objects.get(email=OFFICE_EMAIL)
    organisations = Organisation.objects.filter(is_demo=True)
    assert organisations.count() == Organisation.objects.count()
    for model in (Organisation, Person, Membership, Tie, Program, Event, Goal, Result, Page):
        assert not entries(model).exclude(user=office).exists(), model
    # Consent is recorded as given, by whom and when (in the past), as the office records it.
    consenting = organisations.filter(consent_given_at__isnull=False)
    assert consenting.exists()
    assert set(consenting.values_list("consent_recorded_by", flat=True)) == {office.pk}
    updated = entries(Organisation, AuditEntry.Action.UPDATE).filter(
        changes__has_key="consent_given_at"
    )
    assert set(updated.values_list("object_id", flat=True)) == ids(consenting)
    # The recommendations are the Bonn facilitator's, the token the Bonn coordinator's.
    assert set(entries(Recommendation).values_list("user__email", flat=True)) == {
        "facilitator@demo.bruecken.de"
    }
    assert set(entries(ApiToken).values_list("user__email", flat=True)) == {
        "coordinator.bonn@demo.bruecken.de"
    }

    # The services check e-mail addresses as the forms do: the demo's have no accents.
    addresses = [
        *Person.objects.values_list("email", flat=True),
        *organisations.values_list("email", flat=True),
    ]
    for address in addresses:
        validate_email(address)
        assert address.isascii(), address
    assert Person.objects.filter(name__contains="é").exists()  # accents in names, not addresses


@pytest.mark.django_db(transaction=True)
def test_the_e_mails_the_demo_would_send_are_dropped(office):
    """The demo program invites and registers fictional people (create_demo_program runs in
    tasks_dropped): their e-mails are not sent."""
    event = EventFactory(admission=Admission.INVITED)
    people = PersonFactory.create_batch(2, municipality=event.process.municipality)

    with tasks_dropped():
        invite(office, event, people[:1])
    assert Invitation.objects.count() == 1
    assert mail.outbox == []

    invite(office, event, people[1:])  # outside, as ever
    assert len(mail.outbox) == 1
