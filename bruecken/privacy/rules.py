"""Who may do what with personal data: the program office records and carries out erasure
requests and reads the privacy ledger; everyone else erases only their own data."""

import rules

from bruecken.accounts.rules import is_program_office


@rules.predicate
def is_own_record(user, person):
    """`person` is the record of the signed-in, active `user`."""
    return (
        person is not None
        and user is not None
        and user.is_authenticated
        and user.is_active
        and person.user_id is not None
        and person.user_id == user.pk
    )


@rules.predicate
def is_signed_in(user):
    return user is not None and user.is_authenticated and user.is_active


rules.add_perm("privacy.record_erasure_request", is_program_office)
rules.add_perm("privacy.view_erasure_requests", is_program_office)
rules.add_perm("privacy.erase_person", is_program_office | is_own_record)
rules.add_perm("privacy.delete_own_account", is_signed_in)
rules.add_perm("privacy.view_ledger", is_program_office)
