"""The random tokens of personal links and API access: the raw value goes to its owner once
(in an e-mail or on screen); only its SHA-256 hash is kept, so a copy of the database opens
nothing."""

import hashlib
import secrets


def new_token():
    return secrets.token_urlsafe(32)


def hash_token(token):
    # Any text hashes (a link's path may hold anything): what no token can be matches nothing.
    return hashlib.sha256(str(token).encode("utf-8", "replace")).hexdigest()
