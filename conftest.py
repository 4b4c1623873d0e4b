"""Fixtures shared by every app's tests: reference data, municipalities, a program, a user per
role, and opt-in helpers (media files in a temporary folder, the language reset)."""

import pytest
from django.utils import translation

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.programs.tests.factories import ProgramFactory

# The browser-test fixtures (Playwright, live server, axe-core), for every app's tests/e2e/.
pytest_plugins = ["bruecken.testing_browser"]


def load_reference_data():
    from bruecken.actors.taxonomy import load_taxonomy
    from bruecken.places.models import Country
    from bruecken.places.reference import load_all

    if not Country.objects.filter(code="ZW").exists():
        load_all()
        load_taxonomy()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Loaded once per test database; tests roll back to it.
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def test_settings(settings):
    from django.core.cache import cache

    from bruecken import fulltext

    cache.clear()
    fulltext.discard_pending()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production serves collected, hashed files; tests have not run collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def language_reset():
    """Requests to /en/ leave English active in this thread: start with the default and give
    later tests the default. (Test modules opt in: some tests of the others rely on the
    language left active.)"""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def reference_data(db):
    """Countries, regions, languages, topics and the model municipalities. Tests that flush the
    database (transactional ones, browser tests) load them again here."""
    load_reference_data()


@pytest.fixture
def bonn(db):
    return MunicipalityFactory(name="Bonn", ags="05314000")


@pytest.fixture
def kiel(db):
    return MunicipalityFactory(name="Kiel", ags="01002000")


@pytest.fixture
def program(bonn, kiel):
    return ProgramFactory(name="Migration und Entwicklung", municipalities=[bonn, kiel])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def office(db):
    return user_with_role(Role.PROGRAM_OFFICE)


@pytest.fixture
def bonn_coordinator(bonn):
    return user_with_role(Role.COORDINATOR, municipality=bonn)


@pytest.fixture
def kiel_coordinator(kiel):
    return user_with_role(Role.COORDINATOR, municipality=kiel)


@pytest.fixture
def bonn_facilitator(bonn):
    return user_with_role(Role.FACILITATOR, municipality=bonn)


@pytest.fixture
def participant(db):
    return user_with_role(Role.PARTICIPANT)
