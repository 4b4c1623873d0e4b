import rules

from . import roles


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
