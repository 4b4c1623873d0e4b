"""What waits for a user: a registry each app adds its provider to (in its AppConfig.ready),
read by the personal home page (`website:personal_home`), where every role lands after signing
in.

A provider is `provider(user, now)` returning an iterable of `Item`s: what waits for this user in
its app, by the app's own rules (its `visible_to()` and permissions), each with the address that
deals with it. A provider makes a constant number of queries, however much waits; items with a
count of 0 are left out, so a provider may return them unconditionally.

An app adds its provider in its AppConfig.ready(), as events, guide, transfer and website do:

    from bruecken import waiting
    from . import waiting as my_waiting
    waiting.register("listing_requests", my_waiting.waiting_for)

with `def waiting_for(user, now): return [Item(label, url, count)]`. A label with content in
it (titles, names) is built with `bruecken.web.fill()` and `content()`/`german()`, so that
German text on an English page carries lang="de"."""

from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Item:
    label: str  # translated already; a sentence that names what waits (and how many)
    url: str
    count: int = 1
    # Only to order the page: "action" (someone waits for an answer) before "warning" before
    # "info".
    kind: str = "action"


KINDS = ("action", "warning", "info")

# name -> provider
PROVIDERS = {}


def register(name, provider):
    PROVIDERS[name] = provider


def for_user(user, now=None):
    """Everything that waits for `user`, the answers first, each provider's items in its order."""
    now = now or timezone.now()
    items = [item for provider in PROVIDERS.values() for item in provider(user, now) if item.count]
    return sorted(items, key=lambda item: KINDS.index(item.kind))
