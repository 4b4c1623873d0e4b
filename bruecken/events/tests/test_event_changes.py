"""Editing an event tells the people concerned only when its time or place really changed, and
says what changed (issue 13: every edit mailed everyone "Zeit oder Ort geändert")."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from bruecken.accounts.models import AuditEntry
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import services
from bruecken.events.emails import send_notification
from bruecken.events.models import Event, Invitation, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.tests.helpers import url_maker

BERLIN = ZoneInfo("Europe/Berlin")
# 10:00 in Berlin (summer time).
START = datetime(2030, 5, 4, 8, 0, tzinfo=UTC)
url = url_maker("events", language="de")

pytestmark = pytest.mark.usefixtures("language_reset")


@pytest.fixture
def workshop(bonn):
    return EventFactory(
        process__municipality=bonn,
        title="Erweiterter Workshop Bonn",
        description="Wir planen gemeinsam.",
        starts_at=START,
        ends_at=START + timedelta(hours=6),
        venue="Altes Rathaus, Markt 2, 53111 Bonn",
        capacity=40,
    )


@pytest.fixture
def concerned(workshop):
    """A German and an English participant, and an English invitee who has not answered."""
    german = RegistrationFactory(
        event=workshop, person=PersonFactory(language="de", email="de@example.org")
    )
    english = RegistrationFactory(
        event=workshop, person=PersonFactory(language="en", email="en@example.org")
    )
    invited = Invitation.objects.create(
        event=workshop, person=PersonFactory(language="en", email="invited@example.org")
    )
    return {"de": german, "en": english, "invited": invited}


def form_data(event, **changes):
    """The edit form as the browser sends it back: the times in German time, as shown."""
    data = {
        "title": event.title,
        "description": event.description,
        "starts_at": "2030-05-04T10:00",
        "ends_at": "2030-05-04T16:00",
        "venue": event.venue,
        "online_url": event.online_url,
        "capacity_min": event.capacity_min,
        "capacity": event.capacity,
        "admission": event.admission,
        "registration_deadline": "",
        "reminder_days": event.reminder_days,
        "is_published": "on" if event.is_published else "",
    }
    data.update(changes)
    return data


def edit(client, user, event, capture, **changes):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(url("event_edit", event.pk), form_data(event, **changes))
    assert response.status_code == 302, response.context["form"].errors
    return Event.objects.get(pk=event.pk)


def changed_notices(enqueued):
    return [ids for kind, ids in enqueued if kind == "event_changed"]


def delivered(enqueued):
    """Run the queued notices as the worker does; the e-mails by address."""
    mail.outbox.clear()
    for kind, ids in enqueued:
        send_notification.call(kind, ids)
    return {message.to[0]: message for message in mail.outbox}


class TestNoNoticeWithoutARealChange:
    def test_capacity_only(
        self,
        client,
        bonn_coordinator,
        workshop,
        concerned,
        enqueued,
        django_capture_on_commit_callbacks,
    ):
        event = edit(
            client, bonn_coordinator, workshop, django_capture_on_commit_callbacks, capacity=31
        )
        assert event.capacity == 31
        assert changed_notices(enqueued) == []
        assert delivered(enqueued) == {}

    def test_description_only(
        self,
        client,
        bonn_coordinator,
        workshop,
        concerned,
        enqueued,
        django_capture_on_commit_callbacks,
    ):
        event = edit(
            client,
            bonn_coordinator,
            workshop,
            django_capture_on_commit_callbacks,
            description="Neue Beschreibung.",
        )
        assert event.description == "Neue Beschreibung."
        assert changed_notices(enqueued) == []

    def test_same_instant_in_another_zone(
        self, bonn_coordinator, workshop, concerned, enqueued, django_capture_on_commit_callbacks
    ):
        workshop = Event.objects.get(pk=workshop.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.update_event(
                bonn_coordinator,
                workshop,
                {
                    "starts_at": START.astimezone(BERLIN),
                    "ends_at": (START + timedelta(hours=6)).astimezone(BERLIN),
                },
            )
        assert changed_notices(enqueued) == []
        assert not AuditEntry.objects.filter(object_type="events.event").exists()

    def test_same_venue_with_the_browsers_line_breaks(
        self, bonn_coordinator, workshop, concerned, enqueued, django_capture_on_commit_callbacks
    ):
        Event.objects.filter(pk=workshop.pk).update(venue="Altes Rathaus\nMarkt 2")
        with django_capture_on_commit_callbacks(execute=True):
            services.update_event(
                bonn_coordinator,
                Event.objects.get(pk=workshop.pk),
                {"venue": "Altes Rathaus\r\nMarkt 2", "capacity": 35},
            )
        assert changed_notices(enqueued) == []
        assert Event.objects.get(pk=workshop.pk).venue == "Altes Rathaus\nMarkt 2"


class TestNoticeSaysWhatChanged:
    def test_new_time(
        self,
        client,
        bonn_coordinator,
        workshop,
        concerned,
        enqueued,
        django_capture_on_commit_callbacks,
    ):
        edit(
            client,
            bonn_coordinator,
            workshop,
            django_capture_on_commit_callbacks,
            starts_at="2030-05-11T09:30",
            ends_at="2030-05-11T16:00",
        )
        assert len(changed_notices(enqueued)) == 1
        messages = delivered(enqueued)
        # One e-mail to each confirmed participant and each invitee who has not answered.
        assert sorted(messages) == ["de@example.org", "en@example.org", "invited@example.org"]
        german = messages["de@example.org"].body
        assert "Beginn: 4. Mai 2030 10:00 → 11. Mai 2030 09:30" in german
        assert "Ende: 4. Mai 2030 16:00 → 11. Mai 2030 16:00" in german
        assert "Altes Rathaus" in german
        assert "Ort:" not in german.split("Der aktuelle Stand")[0]
        assert messages["de@example.org"].subject == "Neue Zeit: Erweiterter Workshop Bonn"
        english = messages["en@example.org"].body
        assert "Start: May 4, 2030, 10 a.m. → May 11, 2030, 9:30 a.m." in english
        assert messages["en@example.org"].subject == "New time: Erweiterter Workshop Bonn"
        assert "Start: May 4, 2030, 10 a.m. → " in messages["invited@example.org"].body

    def test_new_place(
        self,
        client,
        bonn_coordinator,
        workshop,
        concerned,
        enqueued,
        django_capture_on_commit_callbacks,
    ):
        edit(
            client,
            bonn_coordinator,
            workshop,
            django_capture_on_commit_callbacks,
            venue="Stadthaus, Berliner Platz 2, 53111 Bonn",
        )
        messages = delivered(enqueued)
        assert len(messages) == 3
        german = messages["de@example.org"]
        assert german.subject == "Neuer Ort: Erweiterter Workshop Bonn"
        assert (
            "Veranstaltungsort: Altes Rathaus, Markt 2, 53111 Bonn → "
            "Stadthaus, Berliner Platz 2, 53111 Bonn"
        ) in german.body
        assert "Beginn:" not in german.body.split("Der aktuelle Stand")[0]
        english = messages["en@example.org"]
        assert "Venue: Altes Rathaus, Markt 2, 53111 Bonn → Stadthaus" in english.body

    def test_online_link_added(
        self, bonn_coordinator, workshop, concerned, enqueued, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.update_event(
                bonn_coordinator, workshop, {"online_url": "https://konferenz.example/bonn"}
            )
        messages = delivered(enqueued)
        body = messages["de@example.org"].body
        assert "Online-Link: – → https://konferenz.example/bonn" in body

    def test_the_audit_names_the_real_change_only(
        self, client, bonn_coordinator, workshop, django_capture_on_commit_callbacks
    ):
        edit(
            client,
            bonn_coordinator,
            workshop,
            django_capture_on_commit_callbacks,
            capacity=31,
        )
        entry = AuditEntry.objects.get(object_type="events.event")
        assert set(entry.changes) == {"capacity"}


def test_cancelled_registrations_hear_nothing(
    bonn_coordinator, workshop, enqueued, django_capture_on_commit_callbacks
):
    RegistrationFactory(event=workshop, status=Registration.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(
            bonn_coordinator,
            workshop,
            {"starts_at": START + timedelta(days=1), "ends_at": START + timedelta(days=1, hours=6)},
        )
    assert changed_notices(enqueued) == []


def test_the_audit_keeps_one_text_per_instant(workshop):
    """accounts.audit snapshots an aware datetime in UTC: the same instant in Berlin time is no
    change (the audit showed `09:00+00:00 → 10:00+01:00`)."""
    from bruecken.accounts import audit

    before = audit.snapshot(workshop, ["starts_at"])
    workshop.starts_at = START.astimezone(BERLIN)
    assert audit.diff(before, audit.snapshot(workshop, ["starts_at"])) == {}
    workshop.starts_at = START.astimezone(BERLIN) + timedelta(hours=1)
    assert audit.diff(before, audit.snapshot(workshop, ["starts_at"])) == {
        "starts_at": ["2030-05-04 08:00:00+00:00", "2030-05-04 09:00:00+00:00"]
    }
