"""What a user's role assignments allow, looked up once per user object and request."""

from .models import Role


def _assignments(user):
    # An inactive account holds no role, whatever its assignments say.
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return user.roles_cached()


def is_program_office(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(a.role == Role.PROGRAM_OFFICE for a in _assignments(user))


def municipality_ids(user, role):
    return {a.municipality_id for a in _assignments(user) if a.role == role and a.municipality_id}


def coordinated_municipality_ids(user):
    return municipality_ids(user, Role.COORDINATOR)


def facilitated_municipality_ids(user):
    return municipality_ids(user, Role.FACILITATOR)


def working_municipality_ids(user):
    """The municipalities the user coordinates or facilitates: where their staff work lies."""
    return coordinated_municipality_ids(user) | facilitated_municipality_ids(user)


def represented_organisation_ids(user):
    return {
        a.organisation_id
        for a in _assignments(user)
        if a.role == Role.REPRESENTATIVE and a.organisation_id
    }


def has_staff_role(user):
    staff_roles = {Role.COORDINATOR, Role.FACILITATOR, Role.REPRESENTATIVE}
    return is_program_office(user) or any(a.role in staff_roles for a in _assignments(user))
