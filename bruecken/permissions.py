"""The one check that services and views use to enforce a permission (the predicates live in
each app's `rules.py`)."""

from django.core.exceptions import PermissionDenied


def require(user, permission, obj=None):
    """Raise PermissionDenied unless the `rules` predicate behind `permission` allows it."""
    if user is None or not user.has_perm(permission, obj):
        raise PermissionDenied
