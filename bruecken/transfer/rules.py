"""Who may import and export: the program office everything, coordinators for their own
municipality (enforced row by row in `importers/`); exports follow what the user may see."""

import rules

from bruecken.accounts.rules import has_staff_role, is_coordinator, is_program_office


@rules.predicate
def started_the_import(user, run):
    return run is not None and user.is_authenticated and run.created_by_id == user.pk


rules.add_perm("transfer.import_data", is_program_office | is_coordinator)
rules.add_perm(
    "transfer.view_importrun",
    is_program_office | (is_coordinator & started_the_import),
)
rules.add_perm("transfer.export_actors", has_staff_role)
