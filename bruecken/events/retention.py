"""What counts as a person's activity in events, for the retention of people without an account
(bruecken/privacy/retention.py asks every app): a registration, an invitation or attendance
since the period began, or one for an event that starts since then (or has no date yet)."""

from django.db.models import Exists, OuterRef, Q

from .models import Invitation, Registration


def recent_activity(since):
    """A condition on Person: active in events since `since`."""
    current_event = Q(event__starts_at__gte=since) | Q(event__starts_at__isnull=True)
    registrations = Registration.objects.filter(person=OuterRef("pk")).filter(
        current_event | Q(registered_at__gte=since) | Q(checked_in_at__gte=since)
    )
    invitations = Invitation.objects.filter(person=OuterRef("pk")).filter(
        current_event | Q(invited_at__gte=since) | Q(answered_at__gte=since)
    )
    return Q(Exists(registrations)) | Q(Exists(invitations))
