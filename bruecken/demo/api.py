"""A demo API token for the Bonn coordinator, with a documented secret: like the demo accounts'
password, only for DEBUG installations (the demo command refuses otherwise)."""

from django.db import transaction

from bruecken.accounts.models import User
from bruecken.api.models import ApiToken, hash_token
from bruecken.api.services import create_token

from .accounts import DOMAIN

DEMO_TOKEN = "brk_demo-coordinator-bonn"  # noqa: S105 – documented demo token
DEMO_TOKEN_NAME = "Demo"  # noqa: S105 – the name, not the secret
DEMO_TOKEN_USER = f"coordinator.bonn@{DOMAIN}"


@transaction.atomic
def create_demo_api():
    """The demo token (after create_demo_accounts); returns it, or None without the account.
    Safe to run again."""
    user = User.objects.filter(email=DEMO_TOKEN_USER).first()
    if user is None:
        return None
    tokens = ApiToken.objects.filter(token_hash=hash_token(DEMO_TOKEN))
    if not tokens.exists():
        # The coordinator creates the token through the service; its secret is then replaced by
        # the documented one, which no service would set.
        token, _raw = create_token(user, DEMO_TOKEN_NAME)
        tokens = ApiToken.objects.filter(pk=token.pk)
        tokens.update(token_hash=hash_token(DEMO_TOKEN), prefix=DEMO_TOKEN[:12])
    else:
        # Put right as running the demo again restores the accounts' password.
        tokens.update(user=user, name=DEMO_TOKEN_NAME, prefix=DEMO_TOKEN[:12], revoked_at=None)
    return tokens.get()
