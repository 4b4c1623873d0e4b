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


def digest(value):
    """A keyed hash for cache keys: the cache holds no addresses or e-mail addresses."""
    return hashlib.sha256((settings.SECRET_KEY + "\0" + value).encode()).hexdigest()[:32]


def count(key, timeout):
    """Add one to the counter at `key` (kept `timeout` seconds) and return its new value."""
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def _key(scope, request, now):
    return f"ratelimit:{scope}:{digest(client_address(request))}:{int(now // WINDOW_SECONDS)}"


def allow(scope, request, limit=None, now=None):
    """Count one attempt; False once the address has used up `limit` attempts this hour."""
    limit = settings.CONTACT_RATE_LIMIT if limit is None else limit
    key = _key(scope, request, now if now is not None else time.time())
    return count(key, WINDOW_SECONDS) <= limit
