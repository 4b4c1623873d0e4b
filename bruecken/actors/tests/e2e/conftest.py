"""The actors app's browser tests: the browser, live server and log-in come from
`bruecken.testing_browser`; here each test gets the reference data and the demo registry put
back after the flush (see `registry_rows`)."""

from dataclasses import dataclass

import pytest

from bruecken.tests.browser import restore, snapshot

SNAPSHOT_APPS = ["places", "actors", "accounts"]
BONN = "05314000"


@pytest.fixture(scope="package")
def registry_rows(browser_test_settings, django_db_setup, django_db_blocker):
    """The reference data and the demo registry (create_demo_data, create_demo_accounts), made
    once and kept as rows to be put back after each flush: making them again for every test
    would take most of its time."""
    from bruecken.demo.accounts import create_demo_accounts
    from bruecken.demo.registry import create_demo_data, demo_exists
    from conftest import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()  # an earlier transactional test may have flushed it
        if not demo_exists():
            create_demo_data()
            create_demo_accounts()
        return snapshot(SNAPSHOT_APPS)


@pytest.fixture
def _registry_restored(registry_rows, transactional_db):
    from bruecken.places.models import Country

    if not Country.objects.exists():
        restore(registry_rows)


@pytest.fixture
def reference_data(_registry_restored, reference_data):
    """The root fixture of the same name; it finds its data already back in place."""


@dataclass
class Demo:
    """The demo registry, with the objects the tests talk about."""

    bonn_coordinator: object
    kiel_coordinator: object
    office: object
    organisation: object  # in Bonn, not published, with members and ties
    person: object  # one of its members


@pytest.fixture
def demo(reference_data, live_server):
    from django.db.models import Q

    from bruecken.accounts.models import User
    from bruecken.actors.models import Organisation

    organisation = (
        Organisation.objects.filter(municipality__ags=BONN, consent_given_at__isnull=True)
        .filter(memberships__isnull=False)
        .filter(Q(ties_out__isnull=False) | Q(ties_in__isnull=False))
        .order_by("pk")
        .first()
    )
    return Demo(
        bonn_coordinator=User.objects.get(email="coordinator.bonn@demo.bruecken.de"),
        kiel_coordinator=User.objects.get(email="coordinator.kiel@demo.bruecken.de"),
        office=User.objects.get(email="office@demo.bruecken.de"),
        organisation=organisation,
        person=organisation.memberships.order_by("pk").first().person,
    )
