"""Sign-ups for the program's own events (seminars, exchange workshops): a representative or a
coordinator signs several people up at once."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from bruecken.accounts import roles
from bruecken.actors.models import Person
from bruecken.programs.models import WorkshopKind

from ..models import Registration
from .places import take_place


def nominable_people(user, event):
    """Whom `user` may sign up for a program-level event: a representative the current members
    of their organisation (for seminars), a coordinator the people of their municipality (for
    seminars, and as delegates for exchange workshops)."""
    if event.process_id is not None or event.kind not in (
        WorkshopKind.SEMINAR,
        WorkshopKind.EXCHANGE,
    ):
        return Person.objects.none()
    if roles.is_program_office(user):
        return Person.objects.order_by("name")
    condition = Q(pk__in=[])
    organisations = roles.represented_organisation_ids(user)
    if event.kind == WorkshopKind.SEMINAR and organisations:
        condition |= Q(
            memberships__organisation_id__in=organisations, memberships__ended_on__isnull=True
        )
    municipalities = roles.coordinated_municipality_ids(user) & set(
        event.program.municipalities.values_list("pk", flat=True)
    )
    if municipalities:
        condition |= Q(municipality_id__in=municipalities)
    return Person.objects.filter(condition).distinct().order_by("name")


def sign_up(user, event, people):
    """Sign several people up at once, all or none; each takes a place (or the waiting list)
    through take_place, so deadlines, admission and delegate places apply."""
    allowed = set(nominable_people(user, event).values_list("pk", flat=True))
    if not people or any(person.pk not in allowed for person in people):
        raise PermissionDenied
    with transaction.atomic():
        return [
            take_place(event, person, source=Registration.Source.NOMINATED, by=user)
            for person in people
        ]
