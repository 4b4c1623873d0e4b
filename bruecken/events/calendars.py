"""iCalendar (RFC 5545) for events, with the icalendar library.

Feeds list published events only. Times are written in UTC, so calendar programs need no
time-zone definition; the UID of an event never changes and SEQUENCE grows with every change,
so a calendar that imported an entry updates it instead of adding a second one."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from bruecken.actors.models import Person

from .models import Event, Registration

PERSON_FEED_SALT = "bruecken.events.calendar.person"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", "-//Brücken//bruecken//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # Subscribed calendars: ask for a refresh every hour.
    calendar.add("refresh-interval", timedelta(hours=1))
    calendar.add("x-published-ttl", "PT1H")
    return calendar


def _utc(moment):
    return moment.astimezone(UTC)


def _entry(event, url, registration=None):
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@bruecken")
    entry.add("dtstamp", _utc(timezone.now()))
    summary = event.title
    if registration is not None and registration.status == Registration.Status.WAITING:
        summary = _("%(title)s (waiting list)") % {"title": event.title}
    elif registration is not None and registration.status == Registration.Status.OFFERED:
        summary = _("%(title)s (place offered)") % {"title": event.title}
    entry.add("summary", summary)
    entry.add("dtstart", _utc(event.starts_at))
    entry.add("dtend", _utc(event.ends_at or event.starts_at))
    venue = ", ".join(line.strip() for line in event.venue.splitlines() if line.strip())
    location = ", ".join(part for part in (venue, event.online_url) if part)
    if location:
        entry.add("location", location)
    description = "\n\n".join(part for part in (event.description, url) if part)
    entry.add("description", description)
    entry.add("url", url)
    if event.is_cancelled:
        status = "CANCELLED"
    elif registration is not None and registration.status != Registration.Status.CONFIRMED:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    entry.add("status", status)
    entry.add("sequence", sequence(event))
    entry.add("last-modified", _utc(event.updated_at or timezone.now()))
    return entry


# Never change this: SEQUENCE must not go down for an entry calendars already hold.
SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def sequence(event):
    """Grows with every saved change of the event (RFC 5545, 3.8.7.4): the seconds from a fixed
    date to its last change, which stays within the 32-bit integers calendar programs use."""
    if not event.updated_at:
        return 0
    return max(int((event.updated_at - SEQUENCE_EPOCH).total_seconds()), 0)


def event_url(event):
    return settings.SITE_URL + reverse("participate:event", args=[event.pk])


def ics_for_events(name, events, registrations=None):
    """A calendar of the dated events; drafts without a date are left out. `registrations` maps
    event ids to the reader's own registration, which marks waiting-list entries."""
    registrations = registrations or {}
    calendar = _calendar(name)
    for event in events:
        if event.starts_at:
            calendar.add_component(_entry(event, event_url(event), registrations.get(event.pk)))
    return calendar.to_ical()


# What each feed lists


def published_events():
    return Event.objects.filter(is_published=True, starts_at__isnull=False).select_related(
        "program", "process__municipality"
    )


def program_events(program):
    return published_events().filter(program=program)


def municipality_events(municipality):
    """The municipality's own workshops and the program-level events of its programs."""
    return (
        published_events()
        .filter(
            Q(process__municipality=municipality)
            | Q(process__isnull=True, program__municipalities=municipality)
        )
        .distinct()
    )


def person_registrations(person):
    """The person's active registrations at published events, for their private feed."""
    return (
        Registration.objects.filter(
            person=person,
            status__in=Registration.ACTIVE,
            event__is_published=True,
            event__starts_at__isnull=False,
        )
        .select_related("event")
        .order_by("event__starts_at", "event_id")
    )


def person_feed(person):
    registrations = list(person_registrations(person))
    return ics_for_events(
        _("My events – Brücken"),
        [registration.event for registration in registrations],
        {registration.event_id: registration for registration in registrations},
    )


# The private link to a person's feed


def person_feed_token(person):
    """A signed token naming the person: it cannot be guessed or altered."""
    return signing.Signer(salt=PERSON_FEED_SALT).sign(str(person.pk))


def person_for_feed_token(token):
    """The person the token was made for, or None for a malformed or altered token."""
    try:
        pk = signing.Signer(salt=PERSON_FEED_SALT).unsign(token)
        return Person.objects.get(pk=int(pk))
    except (signing.BadSignature, ValueError, Person.DoesNotExist):
        return None


def person_feed_url(person):
    return settings.SITE_URL + reverse(
        "participate:person_calendar", args=[person_feed_token(person)]
    )
