"""Signing in is throttled per account and per client address (the cache is local memory in
tests): after too many wrong passwords even the right one is refused until the lock passes, with
a clear message that does not tell whether the account exists."""

import pytest
from django.core.cache import cache

from bruecken.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_reset")]

LOCKED_EN = "Too many failed attempts to sign in."
LOCKED_DE = "Zu viele fehlgeschlagene Anmeldeversuche."


def sign_in(client, email, password, language="en", address="127.0.0.1"):
    return client.post(
        f"/{language}/accounts/login/",
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def ama(db):
    return UserFactory(email="ama@example.org")


def test_sixty_wrong_passwords_lock_the_account_even_for_the_right_one(client, ama):
    answers = [sign_in(client, "ama@example.org", f"wrong {n}") for n in range(60)]
    assert all(answer.status_code == 200 for answer in answers)
    assert LOCKED_EN in answers[-1].content.decode()
    response = sign_in(client, "ama@example.org", PASSWORD)
    assert response.status_code == 200
    assert LOCKED_EN in response.content.decode()
    assert "_auth_user_id" not in client.session
    # From another address too: the account itself is locked.
    response = sign_in(client, "AMA@example.org", PASSWORD, language="de", address="10.1.1.1")
    assert LOCKED_DE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_passes(client, ama, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for n in range(3):
        sign_in(client, "ama@example.org", f"wrong {n}")
    assert LOCKED_EN in sign_in(client, "ama@example.org", PASSWORD).content.decode()
    # The lock's time is up (the cache forgets it).
    cache.clear()
    response = sign_in(client, "ama@example.org", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ama.pk)


def test_an_unknown_account_is_locked_the_same_way(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    answers = [sign_in(client, "nobody@example.org", "wrong").content.decode() for _ in range(4)]
    assert LOCKED_EN in answers[-1]


def test_an_address_is_locked_across_accounts(client, settings):
    settings.LOGIN_FAILURE_LIMIT_ADDRESS = 5
    for n in range(5):
        sign_in(client, f"user{n}@example.org", "wrong", address="10.9.9.9")
    bob = UserFactory(email="bob@example.org")
    response = sign_in(client, bob.email, PASSWORD, address="10.9.9.9")
    assert LOCKED_EN in response.content.decode()
    # Another address signs in to the same account.
    assert sign_in(client, bob.email, PASSWORD, address="10.9.9.10").status_code == 302


def test_a_success_starts_the_account_count_afresh(client, ama, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for n in range(2):
        sign_in(client, "ama@example.org", f"wrong {n}")
    assert sign_in(client, "ama@example.org", PASSWORD).status_code == 302
    client.logout()
    for n in range(2):
        sign_in(client, "ama@example.org", f"wrong {n}")
    assert sign_in(client, "ama@example.org", PASSWORD).status_code == 302


def test_a_reset_password_ends_the_account_lock(client, ama, settings):
    from bruecken.accounts import throttle

    settings.LOGIN_FAILURE_LIMIT = 2
    for n in range(2):
        sign_in(client, "ama@example.org", f"wrong {n}")
    assert LOCKED_EN in sign_in(client, "ama@example.org", PASSWORD).content.decode()
    throttle.unlock_account("ama@example.org")
    assert sign_in(client, "ama@example.org", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ama\x00@example.org", PASSWORD),
        ("ama@example.org", "\x00"),
        ("a" * 10000 + "@example.org", PASSWORD),
        ("ama@example.org", "x" * 10000),
        ("", ""),
    ],
)
def test_hostile_input_gives_errors_not_500(client, ama, email, password):
    response = sign_in(client, email, password, language="de")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
