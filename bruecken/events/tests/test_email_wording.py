"""Dates at the end of a sentence in e-mails: English times end in "p.m.", and a full stop
after them gave "11:59 p.m.."."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from bruecken.actors.tests.factories import PersonFactory
from bruecken.events.emails import send_notification
from bruecken.events.models import Invitation
from bruecken.events.tests.factories import EventFactory

pytestmark = pytest.mark.usefixtures("language_reset")


@pytest.fixture
def event(db):
    # 22:59 UTC is 23:59 in Berlin in December.
    return EventFactory(
        starts_at=datetime(2030, 12, 27, 9, tzinfo=UTC),
        ends_at=datetime(2030, 12, 27, 15, tzinfo=UTC),
        registration_deadline=datetime(2030, 12, 24, 22, 59, tzinfo=UTC),
    )


@pytest.mark.parametrize("kind", ["invitation", "invitation_reminder"])
def test_the_deadline_in_english_has_no_double_full_stop(event, kind):
    invitation = Invitation.objects.create(event=event, person=PersonFactory(language="en"))
    mail.outbox.clear()
    send_notification.call(kind, {"invitation": invitation.pk})
    (message,) = mail.outbox
    assert "Deadline for your answer: Dec. 24, 2030, 11:59 p.m.\n" in message.body
    assert ".." not in message.body


def test_the_deadline_in_german(event):
    invitation = Invitation.objects.create(event=event, person=PersonFactory(language="de"))
    mail.outbox.clear()
    send_notification.call("invitation", {"invitation": invitation.pk})
    (message,) = mail.outbox
    assert "Bitte antworten Sie bis zum 24. Dezember 2030 23:59." in message.body
