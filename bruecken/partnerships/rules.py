"""Who may propose, see and withdraw introductions: the program office anywhere, a coordinator
for their own municipality. Mirrored for lists by `Introduction.objects.visible_to`."""

import rules

from bruecken.accounts import roles
from bruecken.accounts.rules import is_coordinator, is_program_office


@rules.predicate
def coordinates_introduction(user, introduction):
    return (
        introduction is not None
        and user is not None
        and user.is_authenticated
        and user.is_active
        and introduction.municipality_id in roles.coordinated_municipality_ids(user)
    )


def proposing_municipality_ids(user):
    """The municipalities `user` may propose introductions for (None: all of them): the one
    home of `propose_introduction`, which the first side's picker (`introductions.first_choices`)
    lists by."""
    return None if roles.is_program_office(user) else roles.coordinated_municipality_ids(user)


@rules.predicate
def proposes_in(user, municipality):
    if municipality is None:
        return False
    ids = proposing_municipality_ids(user)
    return ids is None or municipality.pk in ids


# `obj`: the municipality the introduction is proposed for (a partnership's, or the first
# organisation's).
rules.add_perm("partnerships.propose_introduction", proposes_in)
# The staff list of introductions (each row then by `manage_introduction`).
rules.add_perm("partnerships.view_introductions", is_program_office | is_coordinator)
# The list of the partnerships a user manages (each municipality's by
# `programs.manage_partnerships`).
rules.add_perm("partnerships.view_partnerships", is_program_office | is_coordinator)
rules.add_perm("partnerships.manage_introduction", is_program_office | coordinates_introduction)
