"""The periodic work of the events: `bruecken worker` runs it every few minutes, and it may as
well run from cron (`bruecken housekeeping`).

Each step is idempotent and safe with several workers at once: a reminder is claimed with a
conditional update before it is queued, and offers are expired under the event's row lock. So
running it too often costs a few queries, running it late only delays the e-mails."""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, F, Q
from django.utils import timezone

from bruecken.events import services
from bruecken.events.models import Event, Registration
from bruecken.network.snapshots import delete_outdated as delete_outdated_snapshots
from bruecken.transfer.services import delete_stale_uploads
from bruecken.website.services import delete_old_messages

logger = logging.getLogger(__name__)
Status = Registration.Status


def events_with_offers_to_settle(now):
    """Upcoming events where an offer has expired, or where places are free while people wait
    (when places are added, say): `expire_offers` passes those places on."""
    return (
        Event.objects.filter(cancelled_at__isnull=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__gt=now))
        .annotate(
            expired=Count(
                "registrations",
                filter=Q(
                    registrations__status=Status.OFFERED,
                    registrations__offer_expires_at__lt=now,
                ),
            ),
            waiting=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
            held=Count(
                "registrations", filter=Q(registrations__status__in=Registration.HOLDS_PLACE)
            ),
        )
        .filter(Q(expired__gt=0) | Q(waiting__gt=0, held__lt=F("capacity")))
        .order_by("pk")
    )


def settle_offers(now=None):
    now = now or timezone.now()
    events = list(events_with_offers_to_settle(now))
    for event in events:
        services.expire_offers(event, now=now)
    return len(events)


STEPS = {
    "invitation_reminders": services.send_reminders,
    "offers": settle_offers,
    "event_reminders": services.send_event_reminders,
    # Messages from the website's contact and feedback forms, kept for a limited time only.
    "contact_messages": delete_old_messages,
    # Network figures of scopes nobody opened since the data changed.
    "network_snapshots": delete_outdated_snapshots,
    # Uploaded spreadsheets that were never imported, and the values kept for their preview.
    "import_uploads": delete_stale_uploads,
}


def run(now=None):
    """Run every step; one failing does not stop the others. Returns the counts per step and
    the names of the steps that failed."""
    now = now or timezone.now()
    counts, failed = {}, []
    for name, step in STEPS.items():
        try:
            counts[name] = step(now=now)
        except Exception:
            logger.exception("Housekeeping step %s failed", name)
            failed.append(name)
    return counts, failed


class Command(BaseCommand):
    help = (
        "Periodic work: invitation reminders, expired waiting-list offers, reminders two days "
        "before an event, deleting old contact messages and outdated network figures. Safe to "
        "run as often as you like."
    )

    def handle(self, *args, **options):
        counts, failed = run()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"invitation reminders: {counts.get('invitation_reminders', '-')}, "
                f"events with offers settled: {counts.get('offers', '-')}, "
                f"event reminders: {counts.get('event_reminders', '-')}, "
                f"old contact messages deleted: {counts.get('contact_messages', '-')}"
            )
        if failed:
            raise CommandError(f"Housekeeping failed: {', '.join(failed)} (see the log)")
