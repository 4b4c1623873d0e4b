"""Figures per municipality that apps above the dashboard contribute: a registry each app adds
its provider to (in its AppConfig.ready), read by the program dashboard (events) and the
guideline's municipality chapter (guide), which cannot import the apps that count them.

A provider is `provider(municipality_ids, now)` returning `{municipality_id: [Figure, ...]}`
for the given municipalities, in a constant number of queries however many there are. The
reader has already limited the ids to what it may see.

    from bruecken import figures
    figures.register("partnerships", my_figures.per_municipality)
"""

from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Figure:
    key: str  # stable, for templates and exports: "partnerships_linked"
    label: str  # translated already
    value: int
    # Of how many, where the figure is a part of a whole ("3 of 5 partnerships"); else None.
    total: int | None = None


# name -> provider
PROVIDERS = {}


def register(name, provider):
    PROVIDERS[name] = provider


def for_municipalities(municipality_ids, now=None):
    """{municipality_id: [Figure, ...]} from every provider, in registration order."""
    now = now or timezone.now()
    ids = list(municipality_ids)
    combined = {municipality_id: [] for municipality_id in ids}
    if not ids:
        return combined
    for provider in PROVIDERS.values():
        for municipality_id, found in provider(ids, now).items():
            if municipality_id in combined:
                combined[municipality_id].extend(found)
    return combined
