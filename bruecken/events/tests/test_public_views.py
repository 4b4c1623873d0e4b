from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import services
from bruecken.events.models import AgendaItem, Event, Invitation, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.programs.models import Admission
from bruecken.tests.helpers import url_maker

Status = Registration.Status


pytestmark = pytest.mark.usefixtures("language_reset")


url = url_maker("participate", language="de")


def fill(event, count):
    for _ in range(count):
        RegistrationFactory(event=event)


@pytest.fixture
def person(db):
    return PersonFactory(name="Amina Diallo", email="amina@example.org", user=UserFactory())


@pytest.fixture
def member(client, person):
    """A logged-in participant whose account is linked to a person."""
    client.force_login(person.user)
    return person


@pytest.fixture
def event(db):
    return EventFactory(
        title="Erweiterter Workshop Bonn",
        capacity=2,
        starts_at=datetime(2030, 7, 1, 8, 0, tzinfo=UTC),
        ends_at=datetime(2030, 7, 1, 14, 0, tzinfo=UTC),
        online_url="https://meet.example.org/bonn",
    )


class TestEventPage:
    def test_shows_the_published_event_in_berlin_time(self, client, event):
        AgendaItem.objects.create(event=event, starts_at="10:00", title="Begrüßung")
        response = client.get(url("event", event.pk, language="en"))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Erweiterter Workshop Bonn" in content
        assert "Extended workshop" in content
        # 08:00 UTC is 10:00 in Berlin in summer.
        assert 'datetime="2030-07-01T10:00:00+02:00"' in content
        assert "Altes Rathaus" in content
        assert "https://meet.example.org/bonn" in content
        assert "Begrüßung" in content
        assert "2 of 2 places free" in content
        assert "Log in to register" in content

    def test_fully_booked_says_so(self, client, event):
        fill(event, 2)
        content = client.get(url("event", event.pk, language="en")).content.decode()
        assert "Fully booked – waiting list" in content

    def test_agenda_names_a_person_only_with_consent(self, client, event):
        hidden = PersonFactory(name="Ohne Einwilligung")
        shown = PersonFactory(name="Mit Einwilligung", public=True)
        AgendaItem.objects.create(event=event, starts_at="10:00", title="A", responsible=hidden)
        AgendaItem.objects.create(event=event, starts_at="11:00", title="B", responsible=shown)
        content = client.get(url("event", event.pk)).content.decode()
        assert "Mit Einwilligung" in content
        assert "Ohne Einwilligung" not in content

    def test_agenda_in_english_with_the_german_marked(self, client, event):
        AgendaItem.objects.create(
            event=event, starts_at="10:00", title="Begrüßung", title_en="Welcome"
        )
        AgendaItem.objects.create(event=event, starts_at="11:00", title="Kaffeepause")
        english = client.get(url("event", event.pk, language="en")).content.decode()
        assert "<span>Welcome</span>" in english
        assert "Begrüßung" not in english
        assert '<span lang="de">Kaffeepause</span> <span class="language-note">' in english
        german = client.get(url("event", event.pk)).content.decode()
        assert "<span>Begrüßung</span>" in german
        assert "Welcome" not in german

    def test_unpublished_and_unknown_events_are_not_found(self, client, db):
        draft = EventFactory(is_published=False)
        assert client.get(url("event", draft.pk)).status_code == 404
        assert client.get(url("event", draft.pk + 1000)).status_code == 404

    def test_user_without_a_person_is_told(self, client, event):
        client.force_login(UserFactory())
        content = client.get(url("event", event.pk, language="en")).content.decode()
        assert "not linked to an entry in the registry" in content

    def test_invitation_only_event_offers_no_registration(self, client, member, db):
        event = EventFactory(admission=Admission.INVITED)
        content = client.get(url("event", event.pk, language="en")).content.decode()
        assert "by invitation only" in content
        assert url("register", event.pk, language="en") not in content


class TestRegister:
    def test_registers_with_a_confirmed_place(self, client, member, event):
        response = client.post(url("register", event.pk, language="en"), follow=True)
        registration = Registration.objects.get(event=event, person=member)
        assert registration.status == Status.CONFIRMED
        assert registration.source == Registration.Source.SELF
        assert "Your place is confirmed" in response.content.decode()

    def test_full_event_puts_on_the_waiting_list_with_position(self, client, member, event):
        fill(event, 2)
        RegistrationFactory(event=event, status=Status.WAITING, queued_at=timezone.now())
        response = client.post(url("register", event.pk, language="en"), follow=True)
        assert Registration.objects.get(event=event, person=member).status == Status.WAITING
        content = response.content.decode()
        assert "number 2 on the waiting list" in content

    def test_registering_twice_is_a_message_not_an_error(self, client, member, event):
        client.post(url("register", event.pk))
        response = client.post(url("register", event.pk, language="en"), follow=True)
        assert response.status_code == 200
        assert "already registered" in response.content.decode()
        assert Registration.objects.filter(event=event).count() == 1

    @pytest.mark.parametrize(
        ("changes", "text"),
        [
            ({"admission": Admission.INVITED}, "by invitation only"),
            ({"registration_deadline": datetime(2020, 1, 1, tzinfo=UTC)}, "deadline has passed"),
            ({"cancelled_at": datetime(2020, 1, 1, tzinfo=UTC)}, "has been cancelled"),
        ],
    )
    def test_refusals_are_messages_and_change_nothing(self, client, member, event, changes, text):
        for name, value in changes.items():
            setattr(event, name, value)
        event.save()
        response = client.post(url("register", event.pk, language="en"), follow=True)
        assert response.status_code == 200
        assert text in response.content.decode()
        assert not Registration.objects.exists()

    def test_account_without_person_cannot_register(self, client, event):
        client.force_login(UserFactory())
        response = client.post(url("register", event.pk, language="en"), follow=True)
        assert "not linked" in response.content.decode()
        assert not Registration.objects.exists()

    def test_anonymous_is_sent_to_log_in(self, client, event):
        response = client.post(url("register", event.pk))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
        assert not Registration.objects.exists()

    def test_only_post(self, client, member, event):
        assert client.get(url("register", event.pk)).status_code == 405

    def test_unpublished_event_is_not_found(self, client, member, db):
        draft = EventFactory(is_published=False)
        assert client.post(url("register", draft.pk)).status_code == 404
        assert not Registration.objects.exists()


class TestOwnRegistration:
    def test_page_shows_status_and_waiting_position(self, client, member, event):
        fill(event, 2)
        services.take_place(event, member, source=Registration.Source.SELF)
        content = client.get(url("event", event.pk, language="en")).content.decode()
        assert "waiting list" in content
        assert "you are number 1 on the waiting list" in content
        assert "Leave the waiting list" in content

    def test_accept_an_offer(self, client, member, event):
        holder = RegistrationFactory(event=event)
        RegistrationFactory(event=event)
        waiting = services.take_place(event, member, source=Registration.Source.SELF)
        services.cancel(holder)
        content = client.get(url("event", event.pk, language="en")).content.decode()
        assert "Accept the place" in content
        response = client.post(url("accept_offer", waiting.pk, language="en"), follow=True)
        waiting.refresh_from_db()
        assert waiting.status == Status.CONFIRMED
        assert "You have accepted the place" in response.content.decode()

    def test_accept_without_an_offer_is_a_message(self, client, member, event):
        registration = services.take_place(event, member, source=Registration.Source.SELF)
        response = client.post(url("accept_offer", registration.pk, language="en"), follow=True)
        assert "There is no open offer" in response.content.decode()
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED

    def test_cancel_returns_to_the_page_it_came_from(self, client, member, event):
        registration = services.take_place(event, member, source=Registration.Source.SELF)
        response = client.post(
            url("cancel", registration.pk), {"next": url("event", event.pk), "confirm": "yes"}
        )
        assert response["Location"] == url("event", event.pk)
        registration.refresh_from_db()
        assert registration.status == Status.CANCELLED

    def test_next_to_another_site_is_ignored(self, client, member, event):
        registration = services.take_place(event, member, source=Registration.Source.SELF)
        response = client.post(
            url("cancel", registration.pk), {"next": "https://evil.example/", "confirm": "yes"}
        )
        assert response["Location"] == url("mine")

    def test_cancelling_twice_is_a_message(self, client, member, event):
        registration = services.take_place(event, member, source=Registration.Source.SELF)
        client.post(url("cancel", registration.pk), {"confirm": "yes"})
        response = client.post(url("cancel", registration.pk, language="en"), follow=True)
        assert "no longer active" in response.content.decode()

    def test_someone_elses_registration_is_not_found(self, client, member, event):
        other = RegistrationFactory(event=event, status=Status.OFFERED)
        assert client.post(url("cancel", other.pk)).status_code == 404
        assert client.post(url("accept_offer", other.pk)).status_code == 404
        other.refresh_from_db()
        assert other.status == Status.OFFERED

    def test_account_without_person_finds_no_registration(self, client, event):
        registration = RegistrationFactory(event=event)
        client.force_login(UserFactory())
        assert client.post(url("cancel", registration.pk)).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, client, event):
        registration = RegistrationFactory(event=event)
        assert client.post(url("cancel", registration.pk)).status_code == 302
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED


@pytest.fixture
def invitation(event):
    return Invitation.objects.create(
        event=event, person=PersonFactory(email="Kofi.Mensah@example.org", language="en")
    )


def answer(client, invitation, email="kofi.mensah@example.org", choice="accept", **kwargs):
    token = kwargs.pop("token", None) or services.invitation_token(invitation)
    return client.post(
        url("invitation", token, language=kwargs.pop("language", "en")),
        {"email": email, "answer": choice},
    )


class TestInvitation:
    def test_shows_the_event_and_the_form(self, client, invitation):
        response = client.get(
            url("invitation", services.invitation_token(invitation), language="en")
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "Erweiterter Workshop Bonn" in content
        assert 'type="email"' in content
        assert "Your e-mail address" in content
        assert 'value="accept"' in content and 'value="decline"' in content

    def test_accept_confirms_the_place(
        self, client, invitation, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = answer(client, invitation, email=" Kofi.Mensah@Example.ORG ")
        assert "your place is confirmed" in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.ACCEPTED
        registration = Registration.objects.get(person=invitation.person)
        assert registration.status == Status.CONFIRMED
        assert registration.source == Registration.Source.INVITATION
        assert [m.to for m in mail.outbox] == [[invitation.person.email]]

    def test_success_page_counts_the_place_just_taken(self, client, invitation):
        Event.objects.filter(pk=invitation.event_id).update(capacity=15)
        before = client.get(url("invitation", services.invitation_token(invitation), language="de"))
        assert "15 von 15 Plätzen frei" in before.content.decode()
        response = answer(client, invitation, language="de")
        content = response.content.decode()
        assert "Platz ist bestätigt" in content
        assert "14 von 15 Plätzen frei" in content
        assert "15 von 15" not in content

    def test_decline(self, client, invitation):
        response = answer(client, invitation, choice="decline")
        assert "you have declined" in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.DECLINED
        assert not Registration.objects.exists()

    def test_full_event_puts_on_the_waiting_list_and_says_so(self, client, invitation):
        fill(invitation.event, 2)
        response = answer(client, invitation)
        assert "you are number 1" in response.content.decode()
        registration = Registration.objects.get(person=invitation.person)
        assert registration.status == Status.WAITING

    def test_wrong_address_changes_nothing(self, client, invitation):
        response = answer(client, invitation, email="someone.else@example.org")
        content = response.content.decode()
        assert response.status_code == 200
        assert "sent to another e-mail address" in content
        assert "error-summary" in content
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.PENDING
        assert not Registration.objects.exists()

    def test_wrong_address_message_in_german(self, client, invitation):
        response = answer(client, invitation, email="x@example.org", language="de")
        assert "an eine andere E-Mail-Adresse gesendet" in response.content.decode()

    def test_second_answer_is_refused(self, client, invitation):
        answer(client, invitation)
        response = answer(client, invitation, choice="decline")
        assert "already been answered" in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.ACCEPTED
        assert Registration.objects.get().status == Status.CONFIRMED
        # The link now shows no form.
        page = client.get(url("invitation", services.invitation_token(invitation), language="en"))
        assert "already been answered" in page.content.decode()
        assert 'value="accept"' not in page.content.decode()

    @pytest.mark.parametrize(
        "token",
        [
            "not-a-token",
            "",
            signing.dumps({"i": 1, "k": "x"}, salt="something else"),
        ],
        # The signed one holds the time: named, so that every process collects the same tests.
        ids=["not-a-token", "empty", "signed-for-something-else"],
    )
    def test_malformed_tokens_are_not_found(self, client, invitation, token):
        path = url("invitation", token or "x", language="en")
        for response in (
            client.get(path),
            client.post(path, {"email": "a@b.org", "answer": "accept"}),
        ):
            assert response.status_code == 404
            assert "not valid" in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.PENDING

    def test_altered_token_is_not_found(self, client, invitation):
        token = services.invitation_token(invitation)
        altered = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert answer(client, invitation, token=altered).status_code == 404
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.PENDING

    def test_token_with_the_old_key_is_not_valid(self, client, invitation):
        token = services.invitation_token(invitation)
        invitation.key = "replaced"
        invitation.save()
        assert answer(client, invitation, token=token).status_code == 404

    @pytest.mark.parametrize("choice", ["accept", "decline"])
    def test_past_deadline_changes_nothing(self, client, invitation, choice):
        event = invitation.event
        event.registration_deadline = timezone.now() - timedelta(hours=1)
        event.save()
        page = client.get(url("invitation", services.invitation_token(invitation), language="en"))
        assert "deadline has passed" in page.content.decode()
        response = answer(client, invitation, choice=choice)
        content = response.content.decode()
        assert content.count("deadline has passed") == 1
        assert 'value="accept"' not in content
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.PENDING
        assert not Registration.objects.exists()

    @pytest.mark.parametrize("choice", ["accept", "decline"])
    def test_cancelled_event_changes_nothing(self, client, invitation, choice):
        event = invitation.event
        event.cancelled_at = timezone.now()
        event.save()
        response = answer(client, invitation, choice=choice)
        assert "has been cancelled" in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.PENDING
        assert not Registration.objects.exists()

    @pytest.mark.parametrize(
        ("data", "text"),
        [
            ({"email": "kofi.mensah@example.org"}, "choose whether you accept or decline"),
            ({"email": "kofi.mensah@example.org", "answer": "maybe"}, "choose whether"),
            ({"email": "not an address", "answer": "accept"}, "valid email address"),
            ({"answer": "accept"}, "This field is required"),
        ],
    )
    def test_incomplete_form(self, client, invitation, data, text):
        response = client.post(
            url("invitation", services.invitation_token(invitation), language="en"), data
        )
        assert response.status_code == 200
        assert text in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.PENDING

    def test_no_login_needed_and_a_logged_in_stranger_gains_nothing(
        self, client, member, invitation
    ):
        response = answer(client, invitation, email=member.email)
        assert "sent to another e-mail address" in response.content.decode()
        assert not Registration.objects.exists()


class TestRegistrationLink:
    @pytest.fixture
    def offered(self, event):
        holder = RegistrationFactory(event=event)
        RegistrationFactory(event=event)
        person = PersonFactory(email="lea@example.org")
        waiting = services.take_place(event, person, source=Registration.Source.INVITATION)
        services.cancel(holder)
        waiting.refresh_from_db()
        assert waiting.status == Status.OFFERED
        return waiting

    def post(self, client, registration, action, email="lea@example.org", token=None):
        token = token or services.registration_token(registration)
        return client.post(
            url("registration", token, language="en"),
            {"email": email, "action": action, "confirm": "yes"},
        )

    def test_shows_status_and_offer(self, client, offered):
        response = client.get(
            url("registration", services.registration_token(offered), language="en")
        )
        content = response.content.decode()
        assert "place offered" in content
        assert "Accept the place" in content

    def test_accept_offer_without_an_account(self, client, offered):
        response = self.post(client, offered, "accept")
        assert "You have accepted the place" in response.content.decode()
        offered.refresh_from_db()
        assert offered.status == Status.CONFIRMED

    def test_cancel(self, client, offered):
        self.post(client, offered, "cancel")
        offered.refresh_from_db()
        assert offered.status == Status.CANCELLED
        response = self.post(client, offered, "cancel")
        assert "no longer active" in response.content.decode()
        offered.refresh_from_db()
        assert offered.status == Status.CANCELLED

    def test_wrong_address_changes_nothing(self, client, offered):
        response = self.post(client, offered, "accept", email="other@example.org")
        assert "sent to another e-mail address" in response.content.decode()
        offered.refresh_from_db()
        assert offered.status == Status.OFFERED

    def test_unknown_action(self, client, offered):
        response = self.post(client, offered, "delete")
        assert "choose what you want to do" in response.content.decode()
        offered.refresh_from_db()
        assert offered.status == Status.OFFERED

    def test_expired_offer_is_a_message(self, client, offered):
        offered.offer_expires_at = timezone.now() - timedelta(minutes=1)
        offered.save()
        response = self.post(client, offered, "accept")
        assert "The offer has expired" in response.content.decode()
        offered.refresh_from_db()
        assert offered.status == Status.EXPIRED

    @pytest.mark.parametrize(
        "token", ["garbage", signing.dumps({"r": 1}, salt="other")], ids=["garbage", "other-salt"]
    )
    def test_bad_tokens_are_not_found(self, client, offered, token):
        assert self.post(client, offered, "cancel", token=token).status_code == 404
        invitation_token = services.invitation_token(
            Invitation.objects.create(event=offered.event, person=offered.person)
        )
        # An invitation token does not open a registration.
        assert self.post(client, offered, "cancel", token=invitation_token).status_code == 404
        offered.refresh_from_db()
        assert offered.status == Status.OFFERED


class TestMine:
    def test_anonymous_is_sent_to_log_in(self, client, db):
        response = client.get(url("mine"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert "next=" in response["Location"]

    def test_account_without_person(self, client, db):
        client.force_login(UserFactory())
        response = client.get(url("mine", language="en"))
        assert response.status_code == 200
        assert "not linked to an entry in the registry" in response.content.decode()

    def test_lists_own_registrations_and_invitations_only(self, client, member, event):
        fill(event, 2)
        services.take_place(event, member, source=Registration.Source.SELF)
        other_event = EventFactory(title="Auswertung Kiel", admission=Admission.INVITED)
        Invitation.objects.create(event=other_event, person=member)
        stranger = RegistrationFactory(event=EventFactory(title="Fremde Veranstaltung"))
        content = client.get(url("mine", language="en")).content.decode()
        assert "Erweiterter Workshop Bonn" in content
        assert "number 1" in content
        assert "Auswertung Kiel" in content
        assert "not answered" in content
        assert stranger.event.title not in content
        assert url("event_ics", event.pk, language="en") in content
        assert url("event_ics", other_event.pk, language="en") in content
        assert url("cancel", stranger.pk, language="en") not in content

    def test_offer_can_be_accepted_from_the_list(self, client, member, event):
        holder = RegistrationFactory(event=event)
        RegistrationFactory(event=event)
        mine = services.take_place(event, member, source=Registration.Source.SELF)
        services.cancel(holder)
        content = client.get(url("mine", language="en")).content.decode()
        assert url("accept_offer", mine.pk, language="en") in content
        client.post(url("accept_offer", mine.pk))
        mine.refresh_from_db()
        assert mine.status == Status.CONFIRMED

    def test_shows_the_private_calendar_link(self, client, member, settings):
        settings.SITE_URL = "https://bruecken.example.org"
        content = client.get(url("mine")).content.decode()
        from bruecken.events.calendars import person_feed_token

        token = person_feed_token(member)
        assert f"https://bruecken.example.org{url('person_calendar', token)}" in content


class TestEventIcs:
    def test_published_event(self, client, event):
        response = client.get(url("event_ics", event.pk))
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        entry = Calendar.from_ical(response.content).walk("VEVENT")[0]
        assert entry.decoded("dtstart") == event.starts_at

    def test_unpublished_only_for_those_concerned(self, client, member, db):
        draft = EventFactory(is_published=False)
        assert client.get(url("event_ics", draft.pk)).status_code == 404
        RegistrationFactory(event=draft, person=member)
        assert client.get(url("event_ics", draft.pk)).status_code == 200

    def test_event_without_date_is_not_found(self, client, db):
        draft = EventFactory(is_published=False, starts_at=None, ends_at=None)
        assert client.get(url("event_ics", draft.pk)).status_code == 404
