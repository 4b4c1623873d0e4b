"""`Authorization: Bearer <token>` for integrations; without the header, anonymous reading."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, hash_token

# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class InvalidToken(Exception):
    """An Authorization header was sent, but it holds no valid token (answered 401, never
    silently treated as anonymous)."""


class TokenAuth(HttpBearer):
    def __call__(self, request):
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _space, raw = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise InvalidToken
        return self.authenticate(request, raw.strip())

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            raise InvalidToken
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        user = found.user
        user.api_token = found
        return user


def anonymous(request):
    """No Authorization header: read public data only."""
    return AnonymousUser()


token_auth = TokenAuth()
TOKEN_OR_ANONYMOUS = [token_auth, anonymous]
TOKEN_ONLY = [token_auth]
