"""Which programs and local processes a user may see: the list-page mirror of `rules.py`."""

from django.db.models import Q

from bruecken.accounts import roles

from .models import LocalProcess, Program

NOTHING = Q(pk__in=[])


def _municipality_ids(user):
    return roles.coordinated_municipality_ids(user) | roles.facilitated_municipality_ids(user)


def may_see_programs(user):
    """The program office, and the coordinators and facilitators of municipalities."""
    return roles.is_program_office(user) or bool(_municipality_ids(user))


def program_filter(user):
    if roles.is_program_office(user):
        return Q()
    ids = _municipality_ids(user)
    if not ids:
        return NOTHING
    return Q(
        pk__in=Program.municipalities.through.objects.filter(municipality_id__in=ids).values(
            "program_id"
        )
    )


def visible_programs(user):
    return Program.objects.filter(program_filter(user))


def process_filter(user):
    """Processes whose dashboard the user may open (`programs.view_process`)."""
    if roles.is_program_office(user):
        return Q()
    ids = _municipality_ids(user)
    return Q(municipality_id__in=ids) if ids else NOTHING


def visible_processes(user):
    return LocalProcess.objects.filter(process_filter(user))


def sees_municipality(user, municipality_id):
    """Whether the user sees this municipality's process on the program dashboard."""
    return roles.is_program_office(user) or municipality_id in _municipality_ids(user)
