"""What a reader of the API may see: anonymous readers what the public website shows, token
users what their roles show them in the staff area (`actors/scopes.py`, `programs/scopes.py`,
the `events.view_event` rule), as query filters."""

from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone

from bruecken.accounts import roles
from bruecken.actors.scopes import NOTHING, organisation_filter, person_filter


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def _municipality_ids(user):
    if not _active(user):
        return set()
    return roles.coordinated_municipality_ids(user) | roles.facilitated_municipality_ids(user)


def organisations_q(user):
    return organisation_filter(user)


def people_q(user):
    return person_filter(user)


def person_details_annotation(user):
    """True for the rows whose non-public details the user may read."""
    if roles.is_program_office(user):
        return Value(True)
    if not _active(user):
        return Value(False)
    condition = person_filter(user, private=True)
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def current_membership_q(prefix=""):
    today = timezone.localdate()
    return Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": today})


def events_q(user):
    """Published events (with a date, as the website lists them); staff also their
    municipalities' events (the `events.view_event` rule)."""
    if roles.is_program_office(user):
        return Q()
    condition = Q(is_published=True, starts_at__isnull=False)
    ids = _municipality_ids(user)
    if ids:
        condition |= Q(process__municipality_id__in=ids)
    return condition


def goals_q(user):
    if roles.is_program_office(user):
        return Q()
    condition = Q(is_public=True)
    ids = _municipality_ids(user)
    if ids:
        condition |= Q(process__municipality_id__in=ids)
    return condition


def results_q(user):
    if roles.is_program_office(user):
        return Q()
    condition = Q(is_public=True)
    ids = _municipality_ids(user)
    if ids:
        condition |= Q(workshop__process__municipality_id__in=ids)
    return condition


def sees_organisation(user, organisation):
    """Row-level mirror of organisations_q, without queries (for related organisations)."""
    return user.has_perm("actors.view_organisation", organisation)


__all__ = ["NOTHING"]
