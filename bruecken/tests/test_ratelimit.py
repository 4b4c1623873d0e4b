from django.test import RequestFactory

from bruecken import ratelimit


def request_from(address):
    return RequestFactory().post("/de/contact/", REMOTE_ADDR=address)


def test_allows_up_to_the_limit_per_address_and_hour():
    now = 1_800_000_000
    results = [ratelimit.allow("contact", request_from("192.0.2.1"), 3, now) for _ in range(4)]
    assert results == [True, True, True, False]
    # Another address, another form, the next hour: counted apart.
    assert ratelimit.allow("contact", request_from("192.0.2.2"), 3, now)
    assert ratelimit.allow("registration", request_from("192.0.2.1"), 3, now)
    assert ratelimit.allow("contact", request_from("192.0.2.1"), 3, now + 3600)


def test_the_cache_holds_no_addresses():
    from django.core.cache import cache

    ratelimit.allow("contact", request_from("192.0.2.7"), 3, 1_800_000_000)
    assert not any("192.0.2.7" in str(key) for key in cache._cache)


def test_uses_the_configured_limit(settings):
    settings.CONTACT_RATE_LIMIT = 1
    now = 1_800_000_000
    assert ratelimit.allow("contact", request_from("192.0.2.3"), now=now)
    assert not ratelimit.allow("contact", request_from("192.0.2.3"), now=now)
