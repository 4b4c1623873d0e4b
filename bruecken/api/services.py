"""Creating and revoking API tokens: rule check, transaction, audit entry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts.audit import record
from bruecken.accounts.models import AuditEntry

from .models import ApiToken, hash_token, new_raw_token

NAME_MAX_LENGTH = 100


def require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


@transaction.atomic
def create_token(user, name):
    """A new token for `user`; returns (token, raw secret). The secret is not stored: show it
    once."""
    require(user, "api.create_token")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": _("At most %(count)s characters.") % {"count": NAME_MAX_LENGTH}}
        )
    raw = new_raw_token()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:12], token_hash=hash_token(raw)
    )
    record(user, AuditEntry.Action.CREATE, token, {"name": [None, name]}, subjects=[user])
    return token, raw


@transaction.atomic
def revoke_token(user, token):
    require(user, "api.revoke_token", token)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        user,
        AuditEntry.Action.UPDATE,
        token,
        {"revoked_at": [None, str(token.revoked_at)]},
        subjects=[token.user],
    )
    return token
