import rules

from bruecken.accounts import roles
from bruecken.accounts.rules import is_program_office


def _municipality_id(event):
    return event.process.municipality_id if event is not None and event.process_id else None


@rules.predicate
def coordinates_event(user, event):
    municipality = _municipality_id(event)
    return municipality is not None and municipality in roles.coordinated_municipality_ids(user)


@rules.predicate
def facilitates_event(user, event):
    municipality = _municipality_id(event)
    return municipality is not None and municipality in roles.facilitated_municipality_ids(user)


@rules.predicate
def is_published(user, event):
    return event is not None and event.is_published


@rules.predicate
def is_dated(user, event):
    """Has a date and is not called off: an undated draft has not taken place to be judged."""
    return event is not None and event.starts_at is not None and event.cancelled_at is None


may_manage_event = is_program_office | coordinates_event
may_facilitate_event = may_manage_event | facilitates_event

# Dates, places, invitations, registrations, cancelling.
rules.add_perm("events.manage_event", may_manage_event)
# Agenda, attendance, minutes, results, goal ratings.
rules.add_perm("events.facilitate_event", may_facilitate_event)
# Rating the goals at the evaluation workshop: once it has a date, and not when called off.
rules.add_perm("events.rate_goals", may_facilitate_event & is_dated)
rules.add_perm("events.view_event", may_facilitate_event | is_published)
