"""Reminders, run by the housekeeping (`apps.py` registers them): to invitees who have not
answered, and to the participants shortly before an event.

Each is claimed with a conditional update before it is queued, so running them often, late or
on several workers at once sends every reminder once."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import notifications
from ..models import Event, Invitation


def send_reminders(now=None):
    """Remind those who have not answered, `reminder_days` before the deadline; once each."""
    now = now or timezone.now()
    pending = Invitation.objects.filter(
        status=Invitation.Status.PENDING,
        reminded_at__isnull=True,
        event__cancelled_at__isnull=True,
        event__registration_deadline__gt=now,
    ).select_related("event")
    sent = 0
    for invitation in pending:
        due = invitation.event.registration_deadline - timedelta(
            days=invitation.event.reminder_days
        )
        if now >= due:
            with transaction.atomic():
                # Claimed with a conditional update: two workers never remind twice.
                claimed = Invitation.objects.filter(
                    pk=invitation.pk, reminded_at__isnull=True
                ).update(reminded_at=now)
                if claimed:
                    notifications.invitation_reminder(invitation)
                    sent += 1
    return sent


def event_reminder_lead():
    return timedelta(days=getattr(settings, "EVENT_REMINDER_DAYS", 2))


def send_event_reminders(now=None):
    """Remind the confirmed participants of events starting within the next two days; once per
    event, and once more if it moves. Safe to run as often as one likes, also in parallel:
    each event is claimed with a conditional update before its reminder is queued."""
    now = now or timezone.now()
    due = (
        Event.objects.filter(
            is_published=True,
            cancelled_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + event_reminder_lead(),
        )
        .exclude(reminder_sent_for=F("starts_at"))
        .only("pk", "starts_at")
    )
    sent = 0
    for event in due:
        with transaction.atomic():
            claimed = (
                Event.objects.filter(pk=event.pk, starts_at=event.starts_at)
                .exclude(reminder_sent_for=F("starts_at"))
                .update(reminder_sent_for=F("starts_at"))
            )
            if claimed:
                notifications.event_reminder(event)
                sent += 1
    return sent
