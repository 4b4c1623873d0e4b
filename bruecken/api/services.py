"""Creating and revoking API tokens: rule check, transaction, audit entry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.permissions import require

from .models import ApiToken, hash_token, new_raw_token

NAME_MAX_LENGTH = 100


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
    token = ApiToken(user=user, name=name, prefix=raw[:12], token_hash=hash_token(raw))
    with audit.changes(user, token, ["name"], subjects=[user]):
        token.save()
    return token, raw


@transaction.atomic
def revoke_token(user, token):
    require(user, "api.revoke_token", token)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    with audit.changes(user, token, ["revoked_at"], subjects=[token.user]):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
