"""What every benchmark does first (bench/common.py): it refuses a database holding data it did
not make, and fills an empty one only if its name says it is a bench database, or with --yes."""

import pytest
from django.core.management import CommandError
from django.db import connection

from bruecken.actors.models import Organisation, Person
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.events.models import Event

from . import test_actor_list, test_events, test_network, test_website
from .helpers import run

# Each benchmark at a size that would run in seconds.
SMALL = {
    "actor_list": test_actor_list.SMALL,
    "events": test_events.SMALL,
    "website": test_website.SMALL,
    "network": test_network.SMALL,
    "import": ["--rows=5"],
    "api": ["--organisations=200", "--people=200", "--requests=2", "--warmup=1"],
    "size": ["--scale=0.001", "--requests=1", "--warmup=0"],
}


@pytest.mark.parametrize("name", SMALL)
def test_refuses_a_database_holding_other_data(db, name):
    OrganisationFactory(name="Ein echter Verein", email="verein@example.org")
    PersonFactory(name="Eine echte Person", email="person@example.org")
    with pytest.raises(CommandError, match="not synthetic bench data"):
        run(name, *SMALL[name], "--yes")
    assert (Organisation.objects.count(), Person.objects.count()) == (1, 1)
    assert not Event.objects.exists()


@pytest.mark.parametrize("name", SMALL)
def test_fills_an_empty_database_only_if_it_is_named_as_a_bench_one_or_told_to(
    db, monkeypatch, name
):
    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/bruecken/bruecken.sqlite3")
    with pytest.raises(CommandError, match="not a bench database"):
        run(name, *SMALL[name])
    assert not Organisation.objects.exists()
    assert not Event.objects.exists()
