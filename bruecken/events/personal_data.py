"""What events holds about a person (bruecken/personal_data.py): their registrations, their
attendance, their invitations, and the agenda items they are responsible for."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bruecken.personal_data import section

from .models import AgendaItem, Event, Invitation, PendingRegistration, Registration


def collect_registrations(person, user):
    if person is None:
        return None
    registrations = Registration.objects.filter(person=person).select_related("event")
    return section(
        "registrations",
        _("Registrations"),
        registrations.order_by("registered_at", "pk"),
        ["event", "status", "source", "registered_at", "queued_at", "offer_expires_at"],
    )


def collect_attendance(person, user):
    if person is None:
        return None
    recorded = (
        Registration.objects.filter(person=person, attended__isnull=False)
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )
    return section("attendance", _("Attendance"), recorded, ["event", "attended", "checked_in_at"])


def collect_invitations(person, user):
    if person is None:
        return None
    invitations = Invitation.objects.filter(person=person).select_related("event", "invited_by")
    return section(
        "invitations",
        _("Invitations to events"),
        invitations.order_by("invited_at", "pk"),
        ["event", "status", "invited_at", "invited_by", "answered_at", "reminded_at"],
    )


def collect_agenda(person, user):
    if person is None:
        return None
    items = AgendaItem.objects.filter(responsible=person).select_related("event")
    return section(
        "agenda_items",
        _("Agenda items you are responsible for"),
        items,
        ["event", "starts_at", "title"],
    )


def erase_participation(erasure):
    """Registrations, attendance, invitations and agenda items stay, now of the pseudonymous
    record (so that every workshop keeps its participant counts); unconfirmed registrations
    sent from the person's address are deleted, and the minutes of their events no longer
    name them."""
    person = erasure.person
    counts = {
        "unconfirmed_registrations": PendingRegistration.objects.filter(
            email__in=erasure.emails
        ).delete()[0]
    }
    if person is None:
        return counts
    registrations = Registration.objects.filter(person=person)
    counts["registrations"] = registrations.count()
    their_events = (
        Q(registrations__person=person)
        | Q(invitations__person=person)
        | Q(agenda__responsible=person)
    )
    minutes = 0
    for event in Event.objects.filter(their_events).exclude(minutes="").distinct().only("minutes"):
        scrubbed = erasure.scrub(event.minutes)
        if scrubbed != event.minutes:
            Event.objects.filter(pk=event.pk).update(minutes=scrubbed)
            minutes += 1
    counts["minutes"] = minutes
    return counts


HELD = [
    (
        "registrations",
        _("Registrations"),
        lambda: Registration.objects.all(),
        "registered_at",
    ),
    (
        "unconfirmed_registrations",
        _("Unconfirmed registrations"),
        lambda: PendingRegistration.objects.all(),
        "created_at",
    ),
    (
        "event_invitations",
        _("Invitations to events"),
        lambda: Invitation.objects.all(),
        "invited_at",
    ),
]
