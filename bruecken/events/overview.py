"""What the staff dashboards show about workshops: their state, their places, and warnings.
Every figure comes from one grouped query for all workshops, never one query per row."""

from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bruecken.actors.models import Organisation

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
# Why a workshop gets a warning: too few registered a week before, too few took part.
FEW_REGISTERED = "few_registered"
FEW_PARTICIPANTS = "few_participants"
COUNTS = (
    "confirmed_count",
    "offered_count",
    "waiting_count",
    "attended_count",
    "participant_count",
)


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
    """Events annotated with their confirmed, offered, waiting and attended registrations, and
    how many took part (`Registration.objects.participants`)."""
    took_part = (
        Registration.objects.filter(event=OuterRef("pk"))
        .participants()
        .order_by()
        .values("event")
        .annotate(count=Count("id"))
        .values("count")
    )
    return queryset.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        offered_count=Count("registrations", filter=Q(registrations__status=Status.OFFERED)),
        waiting_count=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
        attended_count=Count("registrations", filter=Q(registrations__attended=True)),
        participant_count=Coalesce(Subquery(took_part, output_field=IntegerField()), Value(0)),
    )


def place_counts(registrations):
    """The same five figures for many events from two grouped queries over their
    registrations, without joining the events' own rows: {event id: {"confirmed_count": …}}."""
    rows = registrations.values("event").annotate(
        confirmed_count=Count("id", filter=Q(status=Status.CONFIRMED)),
        offered_count=Count("id", filter=Q(status=Status.OFFERED)),
        waiting_count=Count("id", filter=Q(status=Status.WAITING)),
        attended_count=Count("id", filter=Q(attended=True)),
    )
    counts = {row.pop("event"): row for row in rows.order_by()}
    took_part = registrations.participants().order_by().values("event").annotate(count=Count("id"))
    for row in took_part:
        counts[row["event"]]["participant_count"] = row["count"]
    return counts


def attach_place_counts(event, counts):
    """Set on an event what `with_place_counts` annotates, from `place_counts`."""
    row = counts.get(event.pk, {})
    for name in COUNTS:
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


def took_part_below_minimum(event, participants, now=None):
    """A workshop held with fewer participants than its minimum (its step's minimum, copied
    from the process template: 12 for the initiative workshop, 30 for an extended one)."""
    return workshop_state(event, now) == State.HELD and participants < event.capacity_min


def describe(event, now=None):
    """State, label and warning of an event annotated by `with_place_counts`. The warning is
    FEW_REGISTERED or FEW_PARTICIPANTS (see above), or None."""
    state = workshop_state(event, now)
    event.state = state
    event.state_label = State.LABELS[state]
    event.warning = None
    if below_minimum_soon(event, event.confirmed_count, now):
        event.warning = FEW_REGISTERED
    elif took_part_below_minimum(event, event.participant_count, now):
        event.warning = FEW_PARTICIPANTS
    event.free_places = max(event.capacity - event.confirmed_count - event.offered_count, 0)
    return event


def mark_shown_organisations(user, goals, results):
    """Name the goals' responsible and the results' organisations as `user` may see them
    (`Organisation.objects.shown_to`: an exchange workshop's result can name another
    municipality's non-public organisation): `shown_name` on each, in one query. `results` need
    their `organisations` prefetched."""
    Organisation.objects.shown_to(
        user,
        [goal.responsible for goal in goals]
        + [organisation for result in results for organisation in result.organisations.all()],
    )


def mark_shown_memberships(user, people):
    """The same for the organisations of people's `current_memberships` (a participant may
    belong to another municipality's non-public organisation)."""
    Organisation.objects.shown_to(
        user,
        [membership.organisation for person in people for membership in person.current_memberships],
    )
