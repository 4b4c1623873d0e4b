"""The session engine with Redis (bruecken/sessions.py): signing out deletes the cached copy
before the database row, so that a cache that cannot be reached leaves the session whole in both
places instead of the row gone and a cached copy that signs the user in again later."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from bruecken.sessions import SessionStore

pytestmark = pytest.mark.django_db

PREFIX = "django.contrib.sessions.cached_db"


class FlakyCache(LocMemCache):
    """A cache whose deletes fail while `down` is set, as Redis's do while it is unreachable."""

    down = False

    def delete(self, key, version=None):
        if FlakyCache.down:
            raise RedisConnectionError("Connection refused")
        return super().delete(key, version)


@pytest.fixture
def flaky(settings):
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {"BACKEND": f"{__name__}.FlakyCache", "LOCATION": "sessions-test"},
    }
    settings.SESSION_CACHE_ALIAS = "sessions"
    settings.SESSION_ENGINE = "bruecken.sessions"
    FlakyCache.down = False
    yield caches["sessions"]
    FlakyCache.down = False
    caches["sessions"].clear()


def stored(flaky, key):
    """(the database row exists, the cached copy exists)"""
    return Session.objects.filter(session_key=key).exists(), flaky.get(PREFIX + key) is not None


def new_session():
    session = SessionStore()
    session["who"] = "Abena"
    session.save()
    return session


def test_deleting_deletes_both(flaky):
    session = new_session()
    key = session.session_key
    assert stored(flaky, key) == (True, True)
    session.flush()
    assert stored(flaky, key) == (False, False)
    assert session.session_key is None


def test_a_failing_cache_leaves_the_session_in_both_places(flaky):
    session = new_session()
    key = session.session_key
    FlakyCache.down = True
    with pytest.raises(RedisConnectionError):
        session.flush()
    assert stored(flaky, key) == (True, True)
    # The cache back: the session is as it was, and deleting it now deletes both.
    FlakyCache.down = False
    again = SessionStore(key)
    assert again["who"] == "Abena"
    again.delete()
    assert stored(flaky, key) == (False, False)


def test_signing_out_during_an_outage_answers_503_and_signs_out_afterwards(flaky, office):
    client = Client(raise_request_exception=False)
    client.force_login(office)
    key = client.session.session_key
    FlakyCache.down = True
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 503
    assert stored(flaky, key) == (True, True)
    # Redis is back: still signed in (the sign-out visibly failed), and signing out works.
    FlakyCache.down = False
    page = client.get(reverse("accounts:password_change"))
    assert page.wsgi_request.user == office
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert stored(flaky, key) == (False, False)
    page = client.get(reverse("accounts:password_change"))
    assert not page.wsgi_request.user.is_authenticated
