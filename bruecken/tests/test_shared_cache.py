"""The cache shared by several app servers (REDIS_URL): counters, locks, content versions, pages
and sessions work across processes. Each "server" is a cache object of its own on the same Redis
(its own connection pool), as in two gunicorn processes.

Needs a Redis server: TEST_REDIS_URL, default redis://127.0.0.1:6379/1; skipped without one."""

import json
import os
import subprocess
import sys
import threading
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from django.utils import translation

from bruecken import cache as website_cache
from bruecken import ratelimit
from bruecken.accounts import throttle

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def redis_cache_settings(prefix):
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }


@pytest.fixture
def prefix():
    """A key prefix of this test's own, its keys deleted afterwards (the database is shared)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URL} ({error}); set TEST_REDIS_URL")
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    keys = list(client.scan_iter(f"{name}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def server(prefix):
    """One app server's cache."""
    config = redis_cache_settings(prefix)
    return RedisCache(config["LOCATION"], config)


@pytest.fixture
def shared_cache(settings, prefix):
    """The default cache of this process on Redis, as REDIS_URL configures it."""
    settings.CACHES = {"default": redis_cache_settings(prefix)}
    return prefix


def test_a_limit_is_reached_jointly_by_two_servers(prefix):
    first, second = server(prefix), server(prefix)
    counts = [
        ratelimit.count("ratelimit:contact:x", 3600, backend=first if n % 2 else second)
        for n in range(10)
    ]
    assert counts == list(range(1, 11))
    assert first.get("ratelimit:contact:x") == second.get("ratelimit:contact:x") == 10


def test_concurrent_counts_on_two_servers_are_never_lost(prefix):
    first, second = server(prefix), server(prefix)
    seen = []

    def hammer(backend):
        for _ in range(100):
            seen.append(ratelimit.count("api-throttle:x", 60, backend=backend))

    threads = [threading.Thread(target=hammer, args=(backend,)) for backend in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Atomic: every count got a number of its own, none started the counter afresh.
    assert sorted(seen) == list(range(1, 201))


def test_a_counter_keeps_its_expiry_from_the_first_count(prefix):
    import redis

    backend = server(prefix)
    for _ in range(3):
        ratelimit.count("reset:x", 120, backend=backend)
    key = backend.make_and_validate_key("reset:x")
    ttl = redis.Redis.from_url(REDIS_URL).ttl(key)
    assert 0 < ttl <= 120
    # An expired counter starts afresh, with an expiry again.
    backend.delete("reset:x")
    assert ratelimit.count("reset:x", 120, backend=backend) == 1
    assert 0 < redis.Redis.from_url(REDIS_URL).ttl(key) <= 120


def test_the_rate_limit_of_the_forms_counts_in_the_shared_cache(shared_cache, rf, settings):
    settings.CONTACT_RATE_LIMIT = 2
    request = rf.post("/", REMOTE_ADDR="192.0.2.7")
    assert ratelimit.allow("contact", request, now=0)
    assert ratelimit.allow("contact", request, now=0)
    # Another server sees the same count.
    other = server(shared_cache)
    assert other.get(ratelimit._key("contact", request, 0)) == 2
    assert not ratelimit.allow("contact", request, now=0)


def test_a_sign_in_lock_set_on_one_server_holds_on_the_other(shared_cache, rf, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    request = rf.post("/", REMOTE_ADDR="192.0.2.8")
    for _ in range(3):
        throttle.failed(request, "ada@example.org")
    assert throttle.is_locked(request, "ada@example.org")
    other = server(shared_cache)
    assert other.get(f"login-lock:{throttle._account('ada@example.org')}") is True


def test_a_content_change_on_one_server_is_seen_by_the_other_at_once(prefix, settings, monkeypatch):
    settings.WEBSITE_CACHE_SECONDS = 600
    first, second = server(prefix), server(prefix)
    monkeypatch.setattr(website_cache, "cache", first)
    assert website_cache.cached_for_version("part", lambda: "before") == "before"
    monkeypatch.setattr(website_cache, "cache", second)
    assert website_cache.cached_for_version("part", lambda: "recomputed") == "before"
    # A change saved through the second server counts the version up in the database.
    website_cache.bump()
    monkeypatch.setattr(website_cache, "cache", first)
    assert website_cache.cached_for_version("part", lambda: "after") == "after"
    monkeypatch.setattr(website_cache, "cache", second)
    assert website_cache.cached_for_version("part", lambda: "recomputed") == "after"


def test_a_page_cached_in_redis_is_served_whole(shared_cache, client, settings):
    settings.WEBSITE_CACHE_SECONDS = 600
    with translation.override("de"):
        home = reverse("home")
    first = client.get(home)
    assert first.status_code == 200
    # Kept in Redis (pickled), and served from there the second time.
    assert any(b":website:" in key for key in _keys(shared_cache))
    second = client.get(home)
    assert second.status_code == 200
    assert second.content == first.content


def test_sessions_survive_a_flushed_cache(shared_cache, client, settings, participant):
    import redis

    settings.SESSION_ENGINE = "bruecken.sessions"
    client.force_login(participant)
    with translation.override("de"):
        home = reverse("website:personal_home")
    assert client.get(home).status_code == 200
    assert any(b"django.contrib.sessions.cached_db" in key for key in _keys(shared_cache))
    # Redis restarted empty: the session is read from the database.
    client_ = redis.Redis.from_url(REDIS_URL)
    client_.delete(*_keys(shared_cache))
    response = client.get(home)
    assert response.status_code == 200
    assert response.wsgi_request.user == participant


def _keys(prefix):
    import redis

    return list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}:*"))


def settings_with(tmp_path, **environment):
    """Some settings as a fresh process reads them from `environment`."""
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.CACHES['default'], settings.SESSION_ENGINE]))"
    )
    env = {
        **{key: value for key, value in os.environ.items() if key != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "bruecken.settings",
        "DEBUG": "true",
        "BRUECKEN_VAR_DIR": str(tmp_path),
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_redis_url_shares_the_cache_and_the_sessions(tmp_path):
    cache, sessions = settings_with(
        tmp_path, REDIS_URL="redis://10.0.0.5:6379/2", CACHE_KEY_PREFIX="bonn"
    )
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert (cache["LOCATION"], cache["KEY_PREFIX"]) == ("redis://10.0.0.5:6379/2", "bonn")
    assert cache["OPTIONS"]["socket_connect_timeout"] <= 2
    assert sessions == "bruecken.sessions"


def test_without_redis_url_each_process_keeps_its_own_cache(tmp_path):
    cache, sessions = settings_with(tmp_path)
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert sessions == "django.contrib.sessions.backends.db"
