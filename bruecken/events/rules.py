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


may_manage_event = is_program_office | coordinates_event
may_facilitate_event = may_manage_event | facilitates_event

# Dates, places, invitations, registrations, cancelling.
rules.add_perm("events.manage_event", may_manage_event)
# Agenda, attendance, minutes, results, goal ratings.
rules.add_perm("events.facilitate_event", may_facilitate_event)
rules.add_perm("events.view_event", may_facilitate_event | is_published)
