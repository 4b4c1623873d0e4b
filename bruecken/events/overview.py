"""What the staff dashboards show about workshops: their state, their places, and warnings.
Every figure comes from one grouped query for all workshops, never one query per row."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Registration

Status = Registration.Status
# What a table of many workshops (the program dashboard, the website's timelines) loads of each,
# and what `describe` needs.
ROW_WORKSHOP_FIELDS = [
    "id",
    "program_id",
    "process_id",
    "position",
    "kind",
    "title",
    "starts_at",
    "cancelled_at",
    "is_published",
    "capacity",
    "capacity_min",
]
# A workshop this close that has fewer confirmed places than its minimum gets a warning.
WARNING_DAYS = 7


class State:
    DRAFT = "draft"
    PUBLISHED = "published"
    HELD = "held"
    CANCELLED = "cancelled"

    LABELS = {
        DRAFT: _("draft"),
        PUBLISHED: _("published"),
        HELD: _("held"),
        CANCELLED: pgettext_lazy("event state", "cancelled"),
    }


def workshop_state(event, now=None):
    now = now or timezone.now()
    if event.cancelled_at is not None:
        return State.CANCELLED
    if event.starts_at is not None and event.starts_at <= now:
        return State.HELD
    if event.is_published:
        return State.PUBLISHED
    return State.DRAFT


def with_place_counts(queryset):
    """Events annotated with their confirmed, offered, waiting and attended registrations."""
    return queryset.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        offered_count=Count("registrations", filter=Q(registrations__status=Status.OFFERED)),
        waiting_count=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
        attended_count=Count("registrations", filter=Q(registrations__attended=True)),
    )


def place_counts(registrations):
    """The same four figures for many events from one grouped query over their registrations,
    without joining the events' own rows: {event id: {"confirmed_count": …, …}}."""
    rows = registrations.values("event").annotate(
        confirmed_count=Count("id", filter=Q(status=Status.CONFIRMED)),
        offered_count=Count("id", filter=Q(status=Status.OFFERED)),
        waiting_count=Count("id", filter=Q(status=Status.WAITING)),
        attended_count=Count("id", filter=Q(attended=True)),
    )
    return {row.pop("event"): row for row in rows.order_by()}


def attach_place_counts(event, counts):
    """Set on an event what `with_place_counts` annotates, from `place_counts`."""
    row = counts.get(event.pk, {})
    for name in ("confirmed_count", "offered_count", "waiting_count", "attended_count"):
        setattr(event, name, row.get(name, 0))
    return event


def below_minimum_soon(event, confirmed, now=None):
    """A workshop a week or less away with fewer confirmed places than its minimum."""
    now = now or timezone.now()
    return (
        event.cancelled_at is None
        and event.starts_at is not None
        and now <= event.starts_at <= now + timedelta(days=WARNING_DAYS)
        and confirmed < event.capacity_min
    )


def describe(event, now=None):
    """State, label and warning of an event annotated by `with_place_counts`."""
    state = workshop_state(event, now)
    event.state = state
    event.state_label = State.LABELS[state]
    event.warning = below_minimum_soon(event, event.confirmed_count, now)
    event.free_places = max(event.capacity - event.confirmed_count - event.offered_count, 0)
    return event
