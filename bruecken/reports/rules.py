"""Who may open and build the process documentation: the program office, and the process's
coordinators and facilitators (the predicates of `programs.rules`). The actor brochure is
public and needs no rule: it shows only what the public directory shows."""

import rules

from bruecken.accounts.rules import is_program_office
from bruecken.programs.rules import coordinates_process, facilitates_process

works_on_process = is_program_office | coordinates_process | facilitates_process

# The HTML page and every stored PDF of it.
rules.add_perm("reports.view_process_document", works_on_process)
# Asking for a new PDF build.
rules.add_perm("reports.build_process_document", works_on_process)
