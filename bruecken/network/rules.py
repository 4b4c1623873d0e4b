"""Who may see which network: the program office every network; coordinators and facilitators
their municipality's network and the networks of the programs their municipality takes part in
(with other municipalities' non-public organisations anonymised, see `exports.anonymised`).
Representatives and participants see no network."""

import rules

from bruecken.accounts import roles
from bruecken.accounts.rules import is_program_office
from bruecken.programs.rules import coordinates_municipality


@rules.predicate
def facilitates_municipality(user, municipality):
    return municipality is not None and municipality.pk in roles.facilitated_municipality_ids(user)


@rules.predicate
def works_in_program(user, program):
    """The user coordinates or facilitates one of the program's municipalities."""
    if program is None:
        return False
    ids = roles.working_municipality_ids(user)
    return bool(ids) and program.municipalities.filter(pk__in=ids).exists()


rules.add_perm("network.view_program_network", is_program_office | works_in_program)
rules.add_perm(
    "network.view_municipality_network",
    is_program_office | coordinates_municipality | facilitates_municipality,
)
