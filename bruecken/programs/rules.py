import rules

from bruecken.accounts import roles
from bruecken.accounts.rules import is_program_office


@rules.predicate
def coordinates_process(user, process):
    return process is not None and process.municipality_id in roles.coordinated_municipality_ids(
        user
    )


@rules.predicate
def facilitates_process(user, process):
    return process is not None and process.municipality_id in roles.facilitated_municipality_ids(
        user
    )


@rules.predicate
def coordinates_municipality(user, municipality):
    return municipality is not None and municipality.pk in roles.coordinated_municipality_ids(user)


rules.add_perm("programs.manage_program", is_program_office)
rules.add_perm("programs.start_process", is_program_office | coordinates_municipality)
rules.add_perm("programs.manage_process", is_program_office | coordinates_process)
# A municipality's partnerships abroad and their profiles (pages and services in
# bruecken/partnerships): the program office, and the municipality's coordinators.
rules.add_perm("programs.manage_partnerships", is_program_office | coordinates_municipality)


def partnership_municipality_ids(user):
    """The municipalities whose partnerships `user` manages, as `manage_partnerships` says
    (None: all of them), for lists of partnerships."""
    return None if is_program_office(user) else roles.coordinated_municipality_ids(user)


rules.add_perm(
    "programs.view_process", is_program_office | coordinates_process | facilitates_process
)


# Not permissions on an object: which parts of the staff area a user sees.


def may_see_programs(user):
    """The program office, and the coordinators and facilitators of municipalities."""
    return roles.is_program_office(user) or bool(roles.working_municipality_ids(user))


def sees_municipality(user, municipality_id):
    """Whether the user sees this municipality's process on the program dashboard."""
    return roles.is_program_office(user) or municipality_id in roles.working_municipality_ids(user)
