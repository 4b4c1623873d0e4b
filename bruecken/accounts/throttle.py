"""Throttling of sign-in and password-reset attempts, counted in the cache (as
`bruecken.ratelimit` does for the public forms): per account and per client address.

A failure counts towards both; at the limit the account (or the address) is locked for
LOGIN_LOCK_MINUTES, during which no password is even checked – so a right password is refused
as well, and the answer says nothing about whether the account exists. The counters are hashed
with the secret key: the cache holds neither addresses nor e-mail addresses."""

from django.conf import settings
from django.core.cache import cache

from bruecken.ratelimit import client_address, count, digest


def _account(email):
    return "account:" + digest((email or "").strip().lower())


def _address(request):
    return "address:" + digest(client_address(request))


def lock_seconds():
    return settings.LOGIN_LOCK_MINUTES * 60


def is_locked(request, email):
    """Is signing in to this account, or from this address, paused?"""
    return (
        cache.get_many([f"login-lock:{_account(email)}", f"login-lock:{_address(request)}"]) != {}
    )


def failed(request, email):
    """Count one failed attempt (wrong password or wrong code); lock at the limits."""
    window = lock_seconds()
    limits = (
        (_account(email), settings.LOGIN_FAILURE_LIMIT),
        (_address(request), settings.LOGIN_FAILURE_LIMIT_ADDRESS),
    )
    for subject, limit in limits:
        if limit and count(f"login-failures:{subject}", window) >= limit:
            cache.set(f"login-lock:{subject}", True, window)
            cache.delete(f"login-failures:{subject}")


def succeeded(email):
    """A successful sign-in starts the account's count afresh (the address keeps its own)."""
    cache.delete(f"login-failures:{_account(email)}")


def unlock_account(email):
    """A password reset through the e-mail link proves the owner: their account's lock ends."""
    cache.delete_many([f"login-failures:{_account(email)}", f"login-lock:{_account(email)}"])


def reset_allowed(request, email):
    """Count one password-reset request; False once the address or the e-mail address has
    used up PASSWORD_RESET_RATE_LIMIT this hour (whether or not the address has an account)."""
    limit = settings.PASSWORD_RESET_RATE_LIMIT
    if not limit:
        return True
    hour = 60 * 60
    by_address = count(f"reset:{_address(request)}", hour)
    by_email = count(f"reset:{_account(email)}", hour)
    return by_address <= limit and by_email <= limit
