"""A small rate limit for the public forms (contact, feedback, registration without an account),
counted in the cache per client address and hour: no third-party service, nothing stored."""

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

WINDOW_SECONDS = 60 * 60


def client_address(request):
    # Behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips):
    # a header the client can write itself would let anyone dodge the limit.
    return request.META.get("REMOTE_ADDR", "")


def digest(value):
    """A keyed hash for cache keys: the cache holds no addresses or e-mail addresses."""
    return hashlib.sha256((settings.SECRET_KEY + "\0" + value).encode()).hexdigest()[:32]


def count(key, timeout, backend=None):
    """Add one to the counter at `key` (kept `timeout` seconds from its first count) and return
    its new value. Every process sharing the cache counts on the same counter: none starts it
    afresh while it lives. `backend`: another cache than the default one."""
    backend = backend or caches["default"]
    if isinstance(backend, RedisCache):
        return _count_in_redis(backend, key, timeout)
    for _attempt in range(3):
        if backend.add(key, 1, timeout):
            return 1
        try:
            return backend.incr(key)
        except ValueError:  # expired between add and incr: add it again
            continue
    return 1


def _count_in_redis(backend, key, timeout):
    # Created with its expiry and counted in one transaction: Django's incr checks that the key
    # exists and then increments it, so a counter expiring in between would be created again
    # without an expiry, and count for good.
    key = backend.make_and_validate_key(key)
    with backend._cache.get_client(key, write=True).pipeline(transaction=True) as pipe:
        pipe.set(key, 0, ex=max(1, int(timeout)), nx=True)
        pipe.incr(key)
        return pipe.execute()[1]


def _key(scope, request, now):
    return f"ratelimit:{scope}:{digest(client_address(request))}:{int(now // WINDOW_SECONDS)}"


def allow(scope, request, limit=None, now=None):
    """Count one attempt; False once the address has used up `limit` attempts this hour."""
    limit = settings.CONTACT_RATE_LIMIT if limit is None else limit
    key = _key(scope, request, now if now is not None else time.time())
    return count(key, WINDOW_SECONDS) <= limit
