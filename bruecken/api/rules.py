import rules

from bruecken.accounts.rules import has_staff_role, is_program_office


@rules.predicate
def owns_token(user, token):
    return token is not None and token.user_id == user.pk


# Integrations act with the rights of a staff account; participants use the website.
rules.add_perm("api.create_token", has_staff_role)
# Owners may always revoke their tokens, the program office any token.
rules.add_perm("api.revoke_token", owns_token | is_program_office)
rules.add_perm("api.view_all_tokens", is_program_office)
