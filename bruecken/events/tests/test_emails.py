import email
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone
from icalendar import Calendar

from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import notifications, services
from bruecken.events.emails import NotSent, build_messages, send_notification
from bruecken.events.models import Invitation, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory

Status = Registration.Status
Source = Registration.Source
START = datetime(2030, 7, 1, 8, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("language_reset")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://bruecken.example.org"


@pytest.fixture
def event(db):
    return EventFactory(
        title="Erweiterter Workshop Bonn",
        capacity=2,
        starts_at=START,
        ends_at=START + timedelta(hours=6),
    )


def german(**kwargs):
    return PersonFactory(language="de", **kwargs)


def english(**kwargs):
    return PersonFactory(language="en", **kwargs)


def ics_of(message):
    (attachment,) = [a for a in message.attachments if a[0] == "event.ics"]
    _name, content, mimetype = attachment
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def sent(kind, **ids):
    """Run the task the way the worker does, failures included."""
    mail.outbox.clear()
    count = send_notification.call(kind, ids)
    assert count == len(mail.outbox)
    return list(mail.outbox)


class TestRegistrationEmails:
    def test_confirmation_in_german_with_calendar_entry(self, event):
        registration = RegistrationFactory(event=event, person=german(name="Amina"))
        (message,) = sent("registration_confirmed", registration=registration.pk)
        assert message.to == [registration.person.email]
        assert message.subject == "Ihr Platz ist bestätigt: Erweiterter Workshop Bonn"
        assert "Amina" in message.body
        # 08:00 UTC is 10:00 in Berlin in July.
        assert "10:00" in message.body
        assert f"https://bruecken.example.org/de/participate/events/{event.pk}/" in message.body
        entry = ics_of(message).walk("VEVENT")[0]
        assert entry.decoded("DTSTART") == START
        assert str(entry["SUMMARY"]) == "Erweiterter Workshop Bonn"

    def test_confirmation_in_english(self, event):
        registration = RegistrationFactory(event=event, person=english())
        (message,) = sent("registration_confirmed", registration=registration.pk)
        assert message.subject == "Your place is confirmed: Erweiterter Workshop Bonn"
        assert "/en/participate/events/" in message.body

    def test_personal_link_opens_the_registration(self, client, event):
        registration = RegistrationFactory(event=event, person=english())
        (message,) = sent("registration_confirmed", registration=registration.pk)
        link = next(
            line for line in message.body.splitlines() if "/participate/registration/" in line
        )
        assert link.startswith("https://bruecken.example.org/en/participate/registration/")
        response = client.get(link.removeprefix("https://bruecken.example.org"))
        assert response.status_code == 200
        assert "Erweiterter Workshop Bonn" in response.content.decode()

    def test_waiting_list_position(self, event):
        RegistrationFactory.create_batch(2, event=event)
        waiting = services.take_place(event, english(), source=Source.SELF)
        (message,) = sent("registration_waiting", registration=waiting.pk)
        assert "You are number 1 on the waiting list" in message.body
        assert not message.attachments

    def test_offer_carries_the_link_to_accept(self, event):
        holder = RegistrationFactory(event=event)
        RegistrationFactory(event=event)
        waiting = services.take_place(event, english(), source=Source.INVITATION)
        services.cancel(holder)
        (message,) = sent("registration_offered", registration=waiting.pk)
        assert "Accept the place through your personal link" in message.body
        assert "https://bruecken.example.org/en/participate/registration/" in message.body

    def test_cancelled_registration_has_no_personal_link(self, event):
        registration = RegistrationFactory(event=event, person=english(), status=Status.CANCELLED)
        (message,) = sent("registration_cancelled", registration=registration.pk)
        assert "/participate/registration/" not in message.body

    def test_nothing_for_a_deleted_registration_or_a_person_without_address(self, event):
        assert sent("registration_confirmed", registration=999999) == []
        registration = RegistrationFactory(event=event, person=PersonFactory(email=""))
        assert sent("registration_confirmed", registration=registration.pk) == []

    def test_unknown_kind(self, db):
        with pytest.raises(ValueError, match="unknown notification"):
            build_messages("birthday", {})


class TestInvitationEmails:
    def test_invitation_link_is_absolute_and_in_the_persons_language(self, client, event):
        invitation = Invitation.objects.create(event=event, person=english())
        (message,) = sent("invitation", invitation=invitation.pk)
        assert message.subject == "Invitation: Erweiterter Workshop Bonn"
        link = next(line for line in message.body.splitlines() if "/invitation/" in line)
        assert link.startswith("https://bruecken.example.org/en/participate/invitation/")
        response = client.get(link.removeprefix("https://bruecken.example.org"))
        assert response.status_code == 200

    def test_reminder_in_german(self, event):
        invitation = Invitation.objects.create(event=event, person=german())
        (message,) = sent("invitation_reminder", invitation=invitation.pk)
        assert message.subject.startswith("Erinnerung")


class TestEventEmails:
    @pytest.fixture
    def concerned(self, event):
        """Two confirmed (German, English), one waiting, one cancelled, one pending invitee,
        one invitee who declined."""
        confirmed_de = RegistrationFactory(event=event, person=german(name="Deutsch"))
        confirmed_en = RegistrationFactory(event=event, person=english(name="English"))
        waiting = RegistrationFactory(
            event=event, person=english(), status=Status.WAITING, queued_at=timezone.now()
        )
        RegistrationFactory(event=event, status=Status.CANCELLED)
        pending = Invitation.objects.create(event=event, person=english(name="Invitee"))
        Invitation.objects.create(event=event, person=english(), status=Invitation.Status.DECLINED)
        # Invited and registered: one e-mail, not two.
        Invitation.objects.create(
            event=event, person=confirmed_de.person, status=Invitation.Status.ACCEPTED
        )
        return {
            "confirmed": [confirmed_de, confirmed_en],
            "waiting": waiting,
            "pending": pending,
        }

    def recipients(self, messages):
        return sorted(message.to[0] for message in messages)

    def test_cancelled_one_email_to_each_person_concerned(self, event, concerned):
        event.cancelled_at = timezone.now()
        event.save()
        messages = sent("event_cancelled", event=event.pk)
        expected = [r.person.email for r in concerned["confirmed"]]
        expected += [concerned["waiting"].person.email, concerned["pending"].person.email]
        assert self.recipients(messages) == sorted(expected)
        by_address = {message.to[0]: message for message in messages}
        german_message = by_address[concerned["confirmed"][0].person.email]
        english_message = by_address[concerned["confirmed"][1].person.email]
        assert german_message.subject == "Abgesagt: Erweiterter Workshop Bonn"
        assert english_message.subject == "Cancelled: Erweiterter Workshop Bonn"
        assert "/de/participate/events/" in german_message.body
        assert "/en/participate/events/" in english_message.body
        # The confirmed participants' calendars learn of it.
        entry = ics_of(english_message).walk("VEVENT")[0]
        assert str(entry["STATUS"]) == "CANCELLED"
        assert not by_address[concerned["waiting"].person.email].attachments

    def test_changed_tells_the_new_time(self, event, concerned):
        event.starts_at = START + timedelta(days=1)
        event.ends_at = event.starts_at + timedelta(hours=2)
        event.save()
        messages = sent("event_changed", event=event.pk)
        assert len(messages) == 4
        by_address = {message.to[0]: message for message in messages}
        english_message = by_address[concerned["confirmed"][1].person.email]
        assert english_message.subject == "New time or place: Erweiterter Workshop Bonn"
        entry = ics_of(english_message).walk("VEVENT")[0]
        assert entry.decoded("DTSTART") == START + timedelta(days=1)
        invitee = by_address[concerned["pending"].person.email]
        assert "https://bruecken.example.org/en/participate/invitation/" in invitee.body
        assert not invitee.attachments

    def test_reminder_goes_to_confirmed_participants_only(self, event, concerned):
        messages = sent("event_reminder", event=event.pk)
        assert self.recipients(messages) == sorted(r.person.email for r in concerned["confirmed"])
        by_address = {message.to[0]: message for message in messages}
        assert by_address[concerned["confirmed"][1].person.email].subject == (
            "Soon: Erweiterter Workshop Bonn on July 1, 2030"
        )

    def test_nothing_for_a_deleted_event(self, db):
        assert sent("event_cancelled", event=999999) == []

    def test_queued_after_commit(self, event, concerned, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            notifications.event_cancelled(event)
        assert len(mail.outbox) == 4


class FailForOneAddress(LocmemBackend):
    def send_messages(self, messages):
        if any(address.startswith("broken") for m in messages for address in m.to):
            raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


def test_one_failing_address_does_not_stop_the_others(event, settings):
    settings.EMAIL_BACKEND = "bruecken.events.tests.test_emails.FailForOneAddress"
    RegistrationFactory(event=event, person=PersonFactory(email="broken@example.org"))
    RegistrationFactory(event=event, person=PersonFactory(email="fine@example.org"))
    mail.outbox = []
    with pytest.raises(NotSent, match="1 of 2"):
        send_notification.call("event_reminder", {"event": event.pk})
    assert [m.to for m in mail.outbox] == [["fine@example.org"]]


# A real SMTP server


class Inbox:
    def __init__(self):
        self.messages = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        self.received.set()
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on 127.0.0.1 that Django's SMTP backend delivers to."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def calendar_attachment(message):
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "event.ics"
    return Calendar.from_ical(part.get_content())


def test_registrations_are_mailed_over_smtp_in_each_persons_language(
    event, smtp_server, django_capture_on_commit_callbacks
):
    anna = german(name="Anna Schmidt", email="anna@example.org")
    john = english(name="John Smith", email="john@example.org")
    # The test settings use the immediate task backend: the task runs when the
    # registration commits, and delivers through SMTP.
    with django_capture_on_commit_callbacks(execute=True):
        services.take_place(event, anna, source=Source.SELF)
    with django_capture_on_commit_callbacks(execute=True):
        services.take_place(event, john, source=Source.SELF)
    assert smtp_server.received.wait(5)
    assert len(smtp_server.messages) == 2
    (to_anna, for_anna), (to_john, for_john) = smtp_server.messages
    assert to_anna == ["anna@example.org"]
    assert for_anna["Subject"] == "Ihr Platz ist bestätigt: Erweiterter Workshop Bonn"
    assert "Anna Schmidt" in for_anna.get_body(("plain",)).get_content()
    assert to_john == ["john@example.org"]
    assert for_john["Subject"] == "Your place is confirmed: Erweiterter Workshop Bonn"
    for message in (for_anna, for_john):
        entry = calendar_attachment(message).walk("VEVENT")[0]
        assert entry.decoded("DTSTART") == START
        assert entry.decoded("DTEND") == START + timedelta(hours=6)
        assert str(entry["UID"]) == f"event-{event.pk}@bruecken"


class TestPlainText:
    """Plain-text mail is not HTML: "&", quotes and "<" reach the reader as typed, not as
    "&amp;" (every mail template renders with autoescape off)."""

    @pytest.fixture
    def event(self, db):
        return EventFactory(
            title='Feld & Flur: "Zukunft <gemeinsam>"',
            venue="Haus & Hof, O'Brien-Saal",
            starts_at=START,
            ends_at=START + timedelta(hours=6),
            capacity=5,
        )

    def assert_as_typed(self, message):
        for text in (message.subject, message.body):
            for escaped in ("&amp;", "&quot;", "&#x27;", "&#39;", "&lt;", "&gt;"):
                assert escaped not in text, (escaped, text)
        assert 'Feld & Flur: "Zukunft <gemeinsam>"' in message.subject
        assert "Haus & Hof, O'Brien-Saal" in message.body

    @pytest.mark.parametrize(
        "kind",
        [
            "registration_confirmed",
            "registration_waiting",
            "registration_offered",
            "registration_cancelled",
            "registration_expired",
        ],
    )
    def test_registration_mails(self, event, kind):
        registration = RegistrationFactory(event=event, person=german(name="Ali O'Neil"))
        (message,) = sent(kind, registration=registration.pk)
        self.assert_as_typed(message)
        assert "Ali O'Neil" in message.body

    @pytest.mark.parametrize("kind", ["invitation", "invitation_reminder"])
    def test_invitation_mails(self, event, kind):
        invitation = Invitation.objects.create(event=event, person=english())
        (message,) = sent(kind, invitation=invitation.pk)
        self.assert_as_typed(message)

    @pytest.mark.parametrize("kind", ["event_cancelled", "event_changed", "event_reminder"])
    def test_event_mails(self, event, kind):
        RegistrationFactory(event=event, person=english())
        (message,) = sent(kind, event=event.pk)
        self.assert_as_typed(message)

    def test_public_registration_link(self, event):
        from bruecken.events.emails import public_registration_message

        message = public_registration_message(
            event, {"name": "Ali O'Neil", "email": "ali@example.org"}, "https://x.example/c"
        )
        self.assert_as_typed(message)
        assert "Ali O'Neil" in message.body
