"""A demo API token for the Bonn coordinator, with a documented secret: like the demo accounts'
password, only for DEBUG installations (the demo command refuses otherwise)."""

from django.db import transaction

from bruecken.accounts.demo import DOMAIN
from bruecken.accounts.models import User

from .models import ApiToken, hash_token

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
    token, _created = ApiToken.objects.update_or_create(
        token_hash=hash_token(DEMO_TOKEN),
        defaults={
            "user": user,
            "name": DEMO_TOKEN_NAME,
            "prefix": DEMO_TOKEN[:12],
            "revoked_at": None,
        },
    )
    return token
