"""Registering for an open event without an account: the form keeps the details on the server
(a PendingRegistration) and sends a link carrying only a random token; the link's page
registers on a POST, through take_place. No name or address in any URL."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone

from bruecken.accounts.models import AuditEntry
from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import services
from bruecken.events.models import PendingRegistration, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.tests.helpers import url_maker

Status = Registration.Status
VALID = {
    "name": "Amina Diallo",
    "email": "Amina.Diallo@Example.org",
    "organisation": "Verein Brücke Westafrika",
    "privacy": "on",
}


pytestmark = pytest.mark.usefixtures("language_reset")


url = url_maker("participate", language="de")


@pytest.fixture
def event(db):
    return EventFactory(title="Erweiterter Workshop Bonn", title_en="Extended workshop Bonn")


@pytest.fixture
def seminar(db, event):
    return EventFactory(
        process=None,
        program=event.program,
        kind=WorkshopKind.SEMINAR,
        title="Beratungsseminar: Fördermittel",
        capacity=1,
    )


def token_for(event, language="de", **values):
    return services.public_registration_token(event, {**VALID, **values}, language)


def old_token(event, hours):
    """A token made `hours` ago."""
    return services.public_registration_token(
        event, VALID, "de", now=timezone.now() - timedelta(hours=hours)
    )


def legacy_link_token(event):
    """A link of the earlier kind: the details signed into the URL itself."""
    return signing.dumps(
        {"e": event.pk, "n": "Amina Diallo", "m": "amina@example.org", "o": "", "l": "de", "t": 1},
        salt="bruecken.events.public_registration",
        compress=True,
    )


class TestToken:
    def test_carries_what_was_entered(self, event):
        request = services.public_registration_request(token_for(event, language="en"))
        assert request.event == event
        assert request.name == "Amina Diallo"
        assert request.email == "amina.diallo@example.org"
        assert request.organisation == "Verein Brücke Westafrika"
        assert request.language == "en"

    def test_the_token_is_random_and_only_its_hash_is_kept(self, event):
        token = token_for(event)
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
        pending = PendingRegistration.objects.get()
        assert pending.token_hash != token and token not in pending.token_hash
        assert (pending.name, pending.email) == ("Amina Diallo", "amina.diallo@example.org")

    def test_a_changed_or_made_up_token_is_refused(self, event):
        token = token_for(event)
        forged = signing.dumps(
            {"e": event.pk, "n": "X", "m": "x@example.org", "o": "", "l": "de", "t": 0},
            salt="another salt",
        )
        changed = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        for bad in (changed, forged, "nonsense", "x" * 10_000, "a\x00b", ""):
            with pytest.raises(services.Refused) as refused:
                services.public_registration_request(bad)
            assert refused.value.code == "invalid_link"
            assert services.expired_link_event(bad) is None

    def test_an_old_style_link_is_told_apart_and_points_to_its_event(self, event):
        token = legacy_link_token(event)
        with pytest.raises(services.Refused) as refused:
            services.public_registration_request(token)
        assert refused.value.code == "old_link"
        assert services.expired_link_event(token) == event
        assert not Person.objects.exists()

    def test_expires(self, event, settings):
        settings.PUBLIC_REGISTRATION_LINK_HOURS = 48
        assert services.public_registration_request(old_token(event, 47)).event == event
        token = old_token(event, 49)
        with pytest.raises(services.Refused) as refused:
            services.public_registration_request(token)
        assert refused.value.code == "expired"
        assert services.expired_link_event(token) == event
        assert services.expired_link_event("nonsense") is None

    def test_a_link_for_an_event_no_longer_published_is_not_valid(self, event):
        token = token_for(event)
        event.is_published = False
        event.save()
        with pytest.raises(services.Refused) as refused:
            services.public_registration_request(token)
        assert refused.value.code == "invalid_link"


class TestRegisterFromLink:
    def test_a_new_person_is_made_and_registered(self, event, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.register_from_link(token_for(event, language="en"))
        assert outcome.created
        registration = outcome.registration
        assert registration.status == Status.CONFIRMED
        assert registration.source == Registration.Source.SELF
        person = registration.person
        assert person.name == "Amina Diallo"
        assert person.email == "amina.diallo@example.org"
        assert person.language == "en"
        assert person.municipality == event.process.municipality
        assert not person.is_public  # nobody consented to publish anything
        assert person.user is None
        # The usual confirmation, with the calendar entry, in the person's language.
        [message] = mail.outbox
        assert message.to == ["amina.diallo@example.org"]
        assert "Your place is confirmed" in message.subject
        assert message.attachments[0][0] == "event.ics"
        # Audited: the new person, the place, and what was entered.
        entries = AuditEntry.objects.filter(user=None)
        assert entries.filter(object_type="actors.person", action="create").count() == 1
        assert entries.filter(object_type="events.registration", action="create").count() == 1
        given = entries.get(object_type="events.registration", action="update")
        assert given.changes == {
            "name": [None, "Amina Diallo"],
            "organisation": [None, "Verein Brücke Westafrika"],
        }

    def test_a_program_wide_event_leaves_the_municipality_open(self, seminar):
        person = services.register_from_link(token_for(seminar)).registration.person
        assert person.municipality is None

    def test_the_registry_entry_with_the_address_is_used_whatever_its_case(self, event):
        existing = PersonFactory(name="A. Diallo", email="amina.diallo@example.org", language="de")
        outcome = services.register_from_link(
            token_for(event, email="AMINA.DIALLO@example.ORG", language="en")
        )
        assert outcome.registration.person == existing
        assert Person.objects.count() == 1
        existing.refresh_from_db()
        # The registry keeps its own data.
        assert (existing.name, existing.language) == ("A. Diallo", "de")

    def test_full_event_puts_on_the_waiting_list(self, seminar):
        RegistrationFactory(event=seminar)
        RegistrationFactory(event=seminar, status=Status.WAITING, queued_at=timezone.now())
        registration = services.register_from_link(token_for(seminar)).registration
        assert registration.status == Status.WAITING
        assert services.waiting_position(registration) == 2
        assert Registration.objects.filter(event=seminar, status=Status.CONFIRMED).count() == 1

    def test_the_same_link_twice_registers_once(self, event):
        token = token_for(event)
        first = services.register_from_link(token)
        second = services.register_from_link(token)
        assert first.created and not second.created
        assert second.registration == first.registration
        assert Registration.objects.filter(event=event).count() == 1
        assert Person.objects.count() == 1

    def test_a_used_link_does_not_register_again_after_a_cancellation(self, event):
        token = token_for(event)
        services.cancel(services.register_from_link(token).registration)
        with pytest.raises(services.Refused) as refused:
            services.register_from_link(token)
        assert refused.value.code == "used"
        assert Registration.objects.get(event=event).status == Status.CANCELLED

    def test_someone_who_cancelled_before_may_register_again(self, event):
        person = PersonFactory(email="amina.diallo@example.org")
        RegistrationFactory(
            event=event,
            person=person,
            status=Status.CANCELLED,
            registered_at=timezone.now() - timedelta(days=3),
        )
        registration = services.register_from_link(token_for(event)).registration
        assert registration.status == Status.CONFIRMED

    @pytest.mark.parametrize(
        "change",
        [
            {"cancelled_at": timezone.now()},
            {"registration_deadline": timezone.now() - timedelta(minutes=1)},
            {"admission": Admission.INVITED},
        ],
        ids=["cancelled", "deadline", "invitation"],
    )
    def test_closed_registration_changes_nothing(self, event, change):
        token = token_for(event)
        for name, value in change.items():
            setattr(event, name, value)
        event.save()
        with pytest.raises(services.Refused):
            services.register_from_link(token)
        assert not Person.objects.exists()
        assert not Registration.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_an_expired_link_changes_nothing(self, event):
        with pytest.raises(services.Refused) as refused:
            services.register_from_link(old_token(event, 49))
        assert refused.value.code == "expired"
        assert not Person.objects.exists()

    def test_state_for_the_confirmation_page_changes_nothing(self, event):
        request = services.public_registration_request(token_for(event))
        assert services.public_registration_state(request) is None
        assert not Person.objects.exists()
        services.register_from_link(token_for(event))
        assert services.public_registration_state(request).status == Status.CONFIRMED

    def test_offered_for_open_published_events_only(self, event):
        assert services.offers_public_registration(event)
        for admission in (Admission.INVITED, Admission.DELEGATES, Admission.INITIATIVE_CIRCLE):
            event.admission = admission
            assert not services.offers_public_registration(event)
        event.admission = Admission.OPEN
        event.starts_at = timezone.now() - timedelta(hours=1)
        assert not services.offers_public_registration(event)


def confirm_link(message):
    return re.search(r"http://\S+/participate/confirm/\S+/", message.body).group(0)


def local(link):
    return link.removeprefix("http://127.0.0.1:8000")


class TestEventPageForm:
    def test_visitor_sees_the_form_for_an_open_event(self, client, event):
        content = client.get(url("event", event.pk, language="en")).content.decode()
        assert 'name="email"' in content
        assert 'name="privacy"' in content
        assert 'href="/en/privacy/"' in content
        assert "Log in to register" in content

    @pytest.mark.parametrize(
        "admission", [Admission.INVITED, Admission.INITIATIVE_CIRCLE, Admission.DELEGATES]
    )
    def test_no_form_unless_registration_is_open(self, client, event, admission):
        event.admission = admission
        event.save()
        content = client.get(url("event", event.pk)).content.decode()
        assert 'name="privacy"' not in content

    def test_no_form_after_the_deadline(self, client, event):
        event.registration_deadline = timezone.now() - timedelta(hours=1)
        event.save()
        assert 'name="privacy"' not in client.get(url("event", event.pk)).content.decode()

    def test_participant_with_an_account_keeps_the_one_click_registration(self, client, event):
        person = PersonFactory(user=UserFactory())
        client.force_login(person.user)
        content = client.get(url("event", event.pk)).content.decode()
        assert 'name="privacy"' not in content
        assert url("register", event.pk) in content

    def test_page_describes_the_event_for_search_engines_and_previews(self, client, event):
        event.description = "Für alle, die mitmachen wollen."
        event.description_en = "For everyone who wants to join."
        event.save()
        content = client.get(url("event", event.pk, language="en")).content.decode()
        assert "<h1>Extended workshop Bonn</h1>" in content
        assert '<meta property="og:title" content="Extended workshop Bonn">' in content
        assert 'content="For everyone who wants to join."' in content
        assert '"@type": "Event"' in content
        assert '"name": "Extended workshop Bonn"' in content
        breadcrumb = content.split('<nav class="breadcrumb"')[1].split("</nav>")[0]
        assert 'href="/en/calendar/"' in breadcrumb
        content = client.get(url("event", event.pk, language="de")).content.decode()
        assert "<h1>Erweiterter Workshop Bonn</h1>" in content
        assert "Für alle, die mitmachen wollen." in content


class TestSubmit:
    @pytest.mark.parametrize("language", ["de", "en"])
    def test_invalid_input_is_shown_again_and_nothing_happens(self, client, event, language):
        response = client.post(
            url("event", event.pk, language=language),
            {"name": " ", "email": "not-an-address", "organisation": ""},
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert 'class="error-summary"' in content
        heading = {"de": "Bitte korrigieren Sie Folgendes:", "en": "Please correct the following:"}
        assert heading[language] in content
        for name in ("name", "email", "privacy"):
            assert f'<a href="#id_{name}">' in content
            field = re.search(rf'<input[^>]*id="id_{name}"[^>]*>', content).group(0)
            assert 'aria-invalid="true"' in field
            assert f"id_{name}_error" in field
            assert f'id="id_{name}_error"' in content
        assert 'value="not-an-address"' in content
        assert not mail.outbox
        assert not Person.objects.exists()
        assert not Registration.objects.exists()

    def test_english_messages(self, client, event):
        content = client.post(
            url("event", event.pk, language="en"), {"name": "A", "email": "a@example.org"}
        ).content.decode()
        assert "Please confirm that you have read the privacy notice." in content

    def test_valid_input_sends_a_link_without_personal_data(self, client, event, settings):
        settings.SITE_URL = "http://127.0.0.1:8000"
        response = client.post(url("event", event.pk, language="en"), VALID)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Please check your e-mail" in content
        # Sent to the address as typed; the registry keeps it in small letters.
        assert "Amina.Diallo@Example.org" in content
        [message] = mail.outbox
        assert message.to == ["Amina.Diallo@Example.org"]
        assert message.subject == "Please confirm your registration: Extended workshop Bonn"
        assert "Hello Amina Diallo," in message.body
        assert "within 48 hours" in message.body
        link = confirm_link(message)
        assert link.startswith("http://127.0.0.1:8000/en/participate/confirm/")
        # No name, address or organisation in any URL of the e-mail, not even encoded.
        for address in re.findall(r"https?://\S+", message.body):
            assert re.fullmatch(r"http://127\.0\.0\.1:8000/[A-Za-z0-9/_.-]*", address)
            for part in ("amina", "diallo", "example", "verein"):
                assert part not in address.lower()
            # Nor signed JSON ("{"… in base64 begins a segment with "eyJ"); a random token holds
            # "eyj" in some case now and then.
            assert "/eyJ" not in address
        # The footer: what is kept and for how long, and the privacy policy.
        assert "Unless you confirm, we delete your details after 7 days." in message.body
        assert "http://127.0.0.1:8000/en/privacy/" in message.body
        request = services.public_registration_request(link.rstrip("/").rsplit("/", 1)[1])
        assert (request.name, request.organisation, request.language) == (
            "Amina Diallo",
            "Verein Brücke Westafrika",
            "en",
        )
        # Only the request is kept; nobody is registered.
        assert PendingRegistration.objects.count() == 1
        assert not Person.objects.exists()
        assert not Registration.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_german_link_e_mail(self, client, event):
        client.post(url("event", event.pk, language="de"), VALID)
        [message] = mail.outbox
        assert "Erweiterter Workshop Bonn" in message.subject
        assert "/de/participate/confirm/" in message.body

    def test_rate_limited(self, client, event, settings):
        settings.CONTACT_RATE_LIMIT = 2
        for _ in range(2):
            assert client.post(url("event", event.pk, language="en"), VALID).status_code == 200
        response = client.post(url("event", event.pk, language="en"), VALID)
        assert response.status_code == 429
        assert "Too many registrations" in response.content.decode()
        assert len(mail.outbox) == 2

    def test_a_failing_mail_server_is_said_plainly_and_nothing_is_kept(self, client, event):
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
            response = client.post(url("event", event.pk, language="en"), VALID)
        assert response.status_code == 503
        assert "could not send" in response.content.decode()
        assert not PendingRegistration.objects.exists()

    def test_not_for_events_without_open_registration(self, client, event):
        event.admission = Admission.INVITED
        event.save()
        response = client.post(url("event", event.pk), VALID)
        assert response.status_code == 302
        assert not mail.outbox

    def test_logged_in_users_use_their_account(self, client, event):
        client.force_login(PersonFactory(user=UserFactory()).user)
        assert client.post(url("event", event.pk), VALID).status_code == 302
        assert not mail.outbox


class TestConfirmPage:
    @pytest.fixture
    def link(self, client, event):
        client.post(url("event", event.pk, language="en"), VALID)
        return local(confirm_link(mail.outbox.pop()))

    def test_get_shows_what_will_be_registered_and_changes_nothing(self, client, link):
        response = client.get(link)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Amina Diallo" in content
        assert "amina.diallo@example.org" in content
        assert "Verein Brücke Westafrika" in content
        assert "Confirm registration" in content
        assert 'method="post"' in content
        assert "no-store" in response["Cache-Control"]
        assert not Person.objects.exists()
        assert not Registration.objects.exists()

    def test_post_registers_and_says_so(
        self, client, link, event, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(link)
        assert response.status_code == 200
        assert "Your place is confirmed" in response.content.decode()
        registration = Registration.objects.get(event=event)
        assert registration.person.email == "amina.diallo@example.org"
        assert [m.to for m in mail.outbox] == [["amina.diallo@example.org"]]

    def test_twice_says_already_registered(self, client, link, event):
        client.post(link)
        content = client.post(link).content.decode()
        assert "You are already registered for this event: confirmed." in content
        content = client.get(link).content.decode()
        assert "You are already registered" in content
        assert "Confirm registration" not in content
        assert Registration.objects.filter(event=event).count() == 1

    def test_waiting_list_with_position(self, client, event, link):
        event.capacity = 1
        event.save()
        RegistrationFactory(event=event)
        content = client.post(link).content.decode()
        assert "you are on the waiting list: you are number 1" in content

    def test_closed_registration(self, client, event, link):
        event.cancelled_at = timezone.now()
        event.save()
        content = client.get(link).content.decode()
        assert "This event has been cancelled." in content
        assert "Confirm registration" not in content
        response = client.post(link)
        assert response.status_code == 200
        assert "This event has been cancelled." in response.content.decode()
        assert not Person.objects.exists()

    def test_tampered_link(self, client, link):
        response = client.get(link.replace("/confirm/", "/confirm/x"))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
        response = client.post(link.replace("/confirm/", "/confirm/x"))
        assert response.status_code == 400
        assert not Person.objects.exists()

    def test_expired_link_points_back_to_the_event(self, client, event):
        token = old_token(event, 49)
        response = client.get(url("confirm_registration", token, language="en"))
        assert response.status_code == 400
        content = response.content.decode()
        assert "has expired" in content
        assert url("event", event.pk, language="en") in content
        assert client.post(url("confirm_registration", token)).status_code == 400
        assert not Person.objects.exists()

    def test_an_old_style_link_says_so_and_points_to_the_event(self, client, event):
        response = client.get(url("confirm_registration", legacy_link_token(event), language="en"))
        assert response.status_code == 400
        content = response.content.decode()
        assert "earlier version of our website" in content
        assert url("event", event.pk, language="en") in content
        assert "Amina" not in content
        response = client.post(url("confirm_registration", legacy_link_token(event)))
        assert response.status_code == 400
        assert not Person.objects.exists()

    def test_hostile_tokens_get_a_clear_answer(self, client, db):
        for token in ("x" * 5000, "%00", "a:b:c", "ä", "' OR 1=1 --"):
            response = client.get(url("confirm_registration", token, language="en"))
            assert response.status_code == 400, token
            assert "not valid" in response.content.decode()


class TestWithoutPersonalDataInUrls:
    def test_from_the_form_to_the_confirmation(
        self, client, event, settings, django_capture_on_commit_callbacks
    ):
        """The whole way: form, e-mail, confirmation page, confirmation e-mail. No URL, no
        redirect and no e-mail subject names the person."""
        settings.SITE_URL = "http://127.0.0.1:8000"
        personal = ("amina", "diallo", "example.org", "verein")
        response = client.post(url("event", event.pk, language="en"), VALID)
        assert response.status_code == 200  # no redirect that could carry the details
        link = local(confirm_link(mail.outbox.pop()))
        assert not any(part in link.lower() for part in personal)
        assert client.get(link).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(link)
        assert response.status_code == 200
        [confirmation] = mail.outbox
        assert not any(part in confirmation.subject.lower() for part in personal)
        for address in re.findall(r"https?://\S+", confirmation.body):
            assert not any(part in address.lower() for part in personal), address
        # The request keeps no details once confirmed: they are the registry's now.
        pending = PendingRegistration.objects.get()
        assert (pending.name, pending.email, pending.organisation) == ("", "", "")
        assert pending.registration.person.email == "amina.diallo@example.org"
        # The page still knows the link was used.
        assert "You are already registered" in client.get(link).content.decode()


class TestRetention:
    def test_deletes_requests_past_the_period_and_notes_the_count(self, event, settings):
        from bruecken.privacy.models import LedgerEntry

        settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS = 7
        now = timezone.now()
        period = timedelta(days=7)
        services.public_registration_token(
            event, VALID, "de", now=now - period - timedelta(seconds=1)
        )
        services.public_registration_token(event, VALID, "de", now=now - period)  # just inside
        services.public_registration_token(event, VALID, "de", now=now)
        confirmed = services.register_from_link(old_token(event, 1))
        PendingRegistration.objects.filter(registration=confirmed.registration).update(
            created_at=now - period - timedelta(days=1)
        )
        assert services.delete_past_retention(now) == 1
        assert PendingRegistration.objects.count() == 2
        # The registration confirmed through an old request stays.
        assert Registration.objects.filter(pk=confirmed.registration.pk).exists()
        [entry] = LedgerEntry.objects.all()
        assert (entry.kind, entry.count, entry.reason) == (
            "unconfirmed_registrations",
            1,
            LedgerEntry.Reason.RETENTION,
        )
        # Nothing left to delete: no entry.
        assert services.delete_past_retention(now) == 0
        assert LedgerEntry.objects.count() == 1

    def test_the_period_is_a_setting(self, event, settings):
        settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS = 30
        now = timezone.now()
        services.public_registration_token(event, VALID, "de", now=now - timedelta(days=20))
        assert services.delete_past_retention(now) == 0
        settings.RETENTION_UNCONFIRMED_REGISTRATION_DAYS = 14
        assert services.delete_past_retention(now) == 1

    def test_runs_in_the_housekeeping(self, event):
        from bruecken import housekeeping

        services.public_registration_token(
            event, VALID, "de", now=timezone.now() - timedelta(days=8)
        )
        counts, failed = housekeeping.run()
        assert counts["unconfirmed_registrations"] == 1
        assert not failed
