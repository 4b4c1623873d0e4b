"""Rate limit per token, or per client address without one: a counter per minute in the cache,
as the website's form limit (`bruecken/ratelimit.py`) counts per hour."""

import time

from django.conf import settings
from ninja.throttling import BaseThrottle

from bruecken.ratelimit import client_address, count, digest

WINDOW_SECONDS = 60
DEFAULT_ANONYMOUS_LIMIT = 60
DEFAULT_TOKEN_LIMIT = 600


def limits():
    return (
        getattr(settings, "API_RATE_LIMIT_ANONYMOUS", DEFAULT_ANONYMOUS_LIMIT),
        getattr(settings, "API_RATE_LIMIT_TOKEN", DEFAULT_TOKEN_LIMIT),
    )


def _identity(request):
    token = getattr(getattr(request, "auth", None), "api_token", None)
    anonymous_limit, token_limit = limits()
    if token is not None:
        return f"token:{token.pk}", token_limit
    # Hashed: the cache holds no addresses.
    return f"address:{digest(client_address(request))}", anonymous_limit


class ApiThrottle(BaseThrottle):
    def allow_request(self, request):
        identity, limit = _identity(request)
        if not limit:
            return True
        key = f"api-throttle:{identity}:{int(time.time() // WINDOW_SECONDS)}"
        return count(key, WINDOW_SECONDS + 5) <= limit

    def wait(self):
        return WINDOW_SECONDS - time.time() % WINDOW_SECONDS
