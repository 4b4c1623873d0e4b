import rules

from bruecken.accounts.rules import is_program_office

# The program office writes news and pages and reads the messages from the public forms.
rules.add_rule("website.edit_website", is_program_office)
rules.add_perm("website.edit_website", is_program_office)
