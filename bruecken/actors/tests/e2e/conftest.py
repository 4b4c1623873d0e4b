"""Browser tests: Playwright (sync API) driving the system's Chromium against pytest-django's
live server, and axe-core checking each page against WCAG 2.1 A and AA.

The live server runs in a thread of this process and answers from a transactional database that
is flushed after every test: each test gets the reference data and the demo registry put back
(see `registry_rows`)."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the ORM
# calls the tests make while it runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser_test_settings():
    """Settings for serving the browser over plain HTTP on localhost. The root conftest sets some
    of them per test; these are in place earlier, when the live server starts (SecurityMiddleware
    reads its settings once, then) and when the demo registry is made (`registry_rows`)."""
    from django.test.utils import override_settings

    with override_settings(
        # Production redirects to HTTPS and marks its cookies secure; the live server has no TLS.
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        # Static files come from the finders (app directories and node_modules) by their plain
        # names; the production storage would ask for a manifest built by collectstatic.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Hashing the demo accounts' passwords at full strength would dominate the run time.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(scope="package")
def live_server(browser_test_settings, live_server):
    return live_server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (make chromium)"
        # On a developer's machine the browser tests may be skipped; CI must run them.
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


SNAPSHOT_APPS = ["places", "actors", "accounts"]
BONN = "05314000"


@pytest.fixture(scope="package")
def registry_rows(browser_test_settings, django_db_setup, django_db_blocker):
    """The reference data and the demo registry (create_demo_data, create_demo_accounts), made
    once and kept as rows to be put back after each flush: making them again for every test
    would take most of its time."""
    from django.apps import apps

    from bruecken.accounts.demo import create_demo_accounts
    from bruecken.actors.demo import create_demo_data, demo_exists
    from conftest import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()  # an earlier transactional test may have flushed it
        if not demo_exists():
            create_demo_data()
            create_demo_accounts()
        return [
            (model, list(model.objects.all()))
            for label in SNAPSHOT_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        ]


@pytest.fixture
def _registry_restored(registry_rows, transactional_db):
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from bruecken.places.models import Country

    if Country.objects.exists():
        return
    # Foreign keys are checked at commit (Django creates them deferrable), so order is free.
    with transaction.atomic():
        for model, rows in registry_rows:
            model.objects.bulk_create(rows)
    models = [model for model, _rows in registry_rows]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


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


@pytest.fixture
def log_in(context, live_server):
    """Log the browser in as a user without going through the form (the form has its own
    tests): a session made by Django's test client, handed to the browser as its cookie."""
    from django.test import Client

    def log_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in
