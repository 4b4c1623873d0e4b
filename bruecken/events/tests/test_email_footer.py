"""E-mails to people without an account end with their personal link (see, download, delete
their data; unsubscribe) in their language, with a List-Unsubscribe header; account holders
get neither."""

import re

import pytest
from django.core import mail

from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.emails import build_messages
from bruecken.events.models import Invitation
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.privacy import guest

pytestmark = pytest.mark.usefixtures("language_reset")
LINK = r"https://bruecken\.example\.org/(de|en)/personal-data/link/[A-Za-z0-9_-]{43}/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://bruecken.example.org"


@pytest.fixture
def event(db):
    return EventFactory(title="Erweiterter Workshop Bonn")


def confirmation(event, person):
    registration = RegistrationFactory(event=event, person=person)
    [message] = build_messages("registration_confirmed", {"registration": registration.pk})
    return message


def test_guest_gets_the_link_in_english(event):
    person = PersonFactory(language="en")
    message = confirmation(event, person)
    assert "See, download or delete the data we hold about you:" in message.body
    data_url = re.search(LINK, message.body).group(0)
    assert data_url.startswith("https://bruecken.example.org/en/")
    assert "These personal links work for 90 days" in message.body
    assert "https://bruecken.example.org/en/privacy/" in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{data_url}unsubscribe/>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The link opens this person's page.
    assert guest.person_for_token(data_url.rstrip("/").rsplit("/", 1)[1]) == person


def test_guest_gets_the_link_in_german(event):
    message = confirmation(event, PersonFactory(language="de"))
    assert "Ihre bei uns gespeicherten Daten einsehen, herunterladen oder löschen:" in message.body
    assert re.search(LINK, message.body).group(1) == "de"
    assert "https://bruecken.example.org/de/privacy/" in message.body


def test_account_holders_get_no_personal_link(event):
    message = confirmation(event, PersonFactory(user=UserFactory(), language="en"))
    assert "/personal-data/link/" not in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_every_kind_to_a_guest_carries_it(event):
    person = PersonFactory(language="en")
    invitation = Invitation.objects.create(event=event, person=PersonFactory(language="en"))
    registration = RegistrationFactory(event=event, person=person)
    for kind, ids in [
        ("invitation", {"invitation": invitation.pk}),
        ("registration_cancelled", {"registration": registration.pk}),
        ("event_changed", {"event": event.pk, "changes": {}}),
    ]:
        messages = build_messages(kind, ids)
        assert messages, kind
        for message in messages:
            assert re.search(LINK, message.body), kind
            assert "List-Unsubscribe" in message.extra_headers
    assert not mail.outbox
