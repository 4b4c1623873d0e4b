"""What cannot be undone asks first (bruecken.web.confirm_first): a GET or a POST without the
confirmation field changes nothing and names the consequence; with it, the action happens."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import services
from bruecken.events.models import AgendaItem, Document, Event, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.tests.helpers import url_maker

Status = Registration.Status

pytestmark = pytest.mark.usefixtures("language_reset")

url = url_maker("events", language="en")
participate = url_maker("participate", language="en")

CONFIRM = {"confirm": "yes"}


@pytest.fixture
def workshop(bonn):
    return EventFactory(
        process__municipality=bonn,
        title="Erweiterter Workshop Bonn",
        capacity=1,
        starts_at=datetime(2030, 7, 1, 8, 0, tzinfo=UTC),
        ends_at=datetime(2030, 7, 1, 14, 0, tzinfo=UTC),
    )


def asks(response, *texts):
    """The response is the confirmation page, naming `texts`, with a button that confirms."""
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="confirm" value="yes"' in content
    for text in texts:
        assert text in content, text
    return content


class TestStaffCancelsARegistration:
    @pytest.fixture
    def holder(self, workshop):
        holder = RegistrationFactory(event=workshop, person__name="Amina Diallo")
        RegistrationFactory(event=workshop, status=Status.WAITING, queued_at=timezone.now())
        return holder

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_without_confirmation_nothing_changes(
        self, client, bonn_coordinator, holder, enqueued, method
    ):
        client.force_login(bonn_coordinator)
        response = getattr(client, method)(url("registration_cancel", holder.pk))
        asks(
            response,
            "Cancel the registration of Amina Diallo for "
            '“<span lang="de">Erweiterter Workshop Bonn</span>”?',
            "Amina Diallo is told by e-mail, and the place is offered to the first on the "
            "waiting list.",
        )
        holder.refresh_from_db()
        assert holder.status == Status.CONFIRMED
        assert enqueued == []

    def test_confirmed_cancels_and_offers_the_place(
        self, client, bonn_coordinator, holder, enqueued, django_capture_on_commit_callbacks
    ):
        client.force_login(bonn_coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("registration_cancel", holder.pk), CONFIRM)
        assert response.status_code == 302
        holder.refresh_from_db()
        assert holder.status == Status.CANCELLED
        assert Registration.objects.filter(status=Status.OFFERED).count() == 1

    def test_waiting_person_is_told_they_leave_the_list(self, client, bonn_coordinator, workshop):
        RegistrationFactory(event=workshop)
        waiting = RegistrationFactory(
            event=workshop,
            status=Status.WAITING,
            queued_at=timezone.now(),
            person__name="Kofi Mensah",
        )
        client.force_login(bonn_coordinator)
        response = client.post(url("registration_cancel", waiting.pk))
        asks(response, "Kofi Mensah leaves the waiting list and is told by e-mail.")
        waiting.refresh_from_db()
        assert waiting.status == Status.WAITING

    def test_others_are_refused_before_being_asked(self, client, kiel_coordinator, holder):
        client.force_login(kiel_coordinator)
        assert client.get(url("registration_cancel", holder.pk)).status_code == 403


class TestStaffDeletes:
    def test_event_cancel_asks_with_the_number_told(
        self, client, bonn_coordinator, workshop, enqueued
    ):
        RegistrationFactory(event=workshop)
        client.force_login(bonn_coordinator)
        response = client.post(url("event_cancel", workshop.pk))
        content = asks(response, "1 person is registered and will be told by e-mail")
        assert "Erweiterter Workshop Bonn" in content  # the breadcrumb and the question
        assert not Event.objects.get(pk=workshop.pk).is_cancelled
        assert enqueued == []

    def test_document(self, client, bonn_facilitator, workshop, media):
        document = Document.objects.create(
            event=workshop,
            title="Ablauf",
            file=SimpleUploadedFile("ablauf.pdf", b"%PDF-1.4", content_type="application/pdf"),
        )
        client.force_login(bonn_facilitator)
        asks(client.post(url("document_delete", document.pk)), "Remove the document “Ablauf”?")
        assert Document.objects.exists()
        client.post(url("document_delete", document.pk), CONFIRM)
        assert not Document.objects.exists()

    def test_agenda_item(self, client, bonn_facilitator, workshop):
        item = AgendaItem.objects.create(event=workshop, starts_at="10:00", title="Begrüßung")
        client.force_login(bonn_facilitator)
        content = asks(
            client.post(url("agenda_edit", item.pk), {"delete": "1", "title": "Neu"}),
            "Remove the agenda item “Begrüßung”?",
        )
        # Only the field that chose the action is passed on, not the form's other fields.
        assert 'name="delete" value="1"' in content
        assert 'name="title"' not in content
        assert AgendaItem.objects.get().title == "Begrüßung"
        client.post(url("agenda_edit", item.pk), {"delete": "1", **CONFIRM})
        assert not AgendaItem.objects.exists()


class TestParticipantCancels:
    @pytest.fixture
    def registration(self, client, workshop):
        person = PersonFactory(user=UserFactory())
        client.force_login(person.user)
        return services.take_place(workshop, person, source=Registration.Source.SELF)

    def test_without_confirmation_nothing_changes(self, client, workshop, registration):
        back = participate("event", workshop.pk)
        content = asks(
            client.post(participate("cancel", registration.pk), {"next": back}),
            "Cancel your registration for “Erweiterter Workshop Bonn”?",
            "You give up your place",
        )
        assert f'name="next" value="{back}"' in content
        assert f'href="{back}"' in content
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED

    def test_confirmed_cancels(self, client, workshop, registration):
        back = participate("event", workshop.pk)
        response = client.post(participate("cancel", registration.pk), {"next": back, **CONFIRM})
        assert response["Location"] == back
        registration.refresh_from_db()
        assert registration.status == Status.CANCELLED

    def test_leaving_the_waiting_list(self, client, workshop, registration):
        other = PersonFactory(user=UserFactory())
        waiting = services.take_place(workshop, other, source=Registration.Source.SELF)
        client.force_login(other.user)
        asks(
            client.get(participate("cancel", waiting.pk)),
            "Leave the waiting list for “Erweiterter Workshop Bonn”?",
        )
        waiting.refresh_from_db()
        assert waiting.status == Status.WAITING

    def test_someone_elses_is_not_found_before_asking(self, client, workshop, registration):
        other = RegistrationFactory(event=workshop, status=Status.WAITING)
        assert client.get(participate("cancel", other.pk)).status_code == 404


class TestPersonalLink:
    @pytest.fixture
    def registration(self, workshop):
        person = PersonFactory(email="lea@example.org")
        return services.take_place(workshop, person, source=Registration.Source.INVITATION)

    def post(self, client, registration, data):
        token = services.registration_token(registration)
        return client.post(participate("registration", token), data)

    def test_cancel_asks_and_carries_the_address(self, client, registration):
        content = asks(
            self.post(client, registration, {"email": "lea@example.org", "action": "cancel"}),
            "You give up your place",
        )
        assert 'name="email" value="lea@example.org"' in content
        assert 'name="action" value="cancel"' in content
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED

    def test_confirmed_cancels(self, client, registration):
        data = {"email": "lea@example.org", "action": "cancel", **CONFIRM}
        response = self.post(client, registration, data)
        assert response.context["done"] == "Your registration has been cancelled."
        registration.refresh_from_db()
        assert registration.status == Status.CANCELLED

    def test_wrong_address_is_refused_without_asking(self, client, registration):
        data = {"email": "other@example.org", "action": "cancel"}
        content = self.post(client, registration, data).content.decode()
        assert "sent to another e-mail address" in content
        assert 'name="confirm"' not in content
        registration.refresh_from_db()
        assert registration.status == Status.CONFIRMED


def test_confirmation_page_in_german(client, bonn_coordinator, workshop):
    holder = RegistrationFactory(event=workshop, person__name="Amina Diallo")
    client.force_login(bonn_coordinator)
    german = url_maker("events", language="de")
    content = asks(client.get(german("registration_cancel", holder.pk)))
    assert "Anmeldung von Amina Diallo für „Erweiterter Workshop Bonn“ stornieren?" in content
    assert "per E-Mail" in content
    assert ">Zurück</a>" in content


def test_german_title_is_marked_on_an_english_page(client, bonn_coordinator, workshop):
    client.force_login(bonn_coordinator)
    content = asks(client.get(url("event_cancel", workshop.pk)))
    assert '<h1>Cancel <span lang="de">Erweiterter Workshop Bonn</span>?</h1>' in content
    assert "<title>Cancel Erweiterter Workshop Bonn? · Brücken</title>" in content
    workshop.title_en = "Extended workshop Bonn"
    workshop.save()
    content = asks(client.get(url("event_cancel", workshop.pk)))
    assert "<h1>Cancel Extended workshop Bonn?</h1>" in content
