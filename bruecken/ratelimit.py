"""A small rate limit for the public forms (contact, feedback, registration without an account),
counted in the cache per client address and hour: no third-party service, nothing stored."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def client_address(request):
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips):
    # a header the client can write itself would let anyone dodge the limit.
    return request.META.get("REMOTE_ADDR", "")


def _key(scope, request, now):
    # Hashed: the cache holds no addresses.
    address = hashlib.sha256((settings.SECRET_KEY + client_address(request)).encode()).hexdigest()[
        :32
    ]
    return f"ratelimit:{scope}:{address}:{int(now // WINDOW_SECONDS)}"


def allow(scope, request, limit=None, now=None):
    """Count one attempt; False once the address has used up `limit` attempts this hour."""
    limit = settings.CONTACT_RATE_LIMIT if limit is None else limit
    key = _key(scope, request, now if now is not None else time.time())
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        # Expired between add and incr.
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit
