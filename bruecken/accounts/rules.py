import rules

from . import roles
from .models import Role


@rules.predicate
def is_program_office(user):
    return roles.is_program_office(user)


@rules.predicate
def has_staff_role(user):
    return roles.has_staff_role(user)


@rules.predicate
def is_coordinator(user):
    return bool(roles.coordinated_municipality_ids(user))


rules.add_perm("accounts.access_staff_area", has_staff_role)
rules.add_perm("accounts.view_auditentry", is_program_office)


# Roles a coordinator may give (by invitation or directly), within their own municipality.
COORDINATOR_GRANTS = {Role.FACILITATOR, Role.REPRESENTATIVE}


def scope_municipality_id(target):
    """The municipality a role assignment or an invitation is about: its own, or its
    organisation's for a representative."""
    if target.role == Role.REPRESENTATIVE:
        return target.organisation.municipality_id if target.organisation_id else None
    return target.municipality_id


@rules.predicate
def may_assign(user, target):
    """`target`: a role assignment or an invitation (saved or not) — who gets what where."""
    if target is None:
        return False
    if roles.is_program_office(user):
        return True
    if target.role not in COORDINATOR_GRANTS:
        return False
    municipality_id = scope_municipality_id(target)
    return municipality_id is not None and municipality_id in roles.coordinated_municipality_ids(
        user
    )


@rules.predicate
def may_deactivate(user, account):
    # Nobody locks themselves out by accident; an active program office remains.
    return account is not None and account.pk != user.pk


rules.add_perm("accounts.manage_roles", is_program_office | is_coordinator)
rules.add_perm("accounts.assign_role", may_assign)
rules.add_perm("accounts.manage_invitation", may_assign)
rules.add_perm("accounts.deactivate_user", is_program_office & may_deactivate)
# Someone who lost their second factor; one's own is turned off on the security page.
rules.add_perm("accounts.reset_second_factor", is_program_office & may_deactivate)
