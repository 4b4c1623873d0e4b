"""accounts/backends.py: the user of a request, loaded with their person."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bruecken.accounts.backends import UserBackend
from bruecken.accounts.tests.factories import UserFactory
from bruecken.actors.models import Person
from bruecken.actors.tests.factories import MunicipalityFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_their_person(django_assert_num_queries):
    user = UserFactory()
    person = PersonFactory(user=user)
    with django_assert_num_queries(1):
        loaded = UserBackend().get_user(user.pk)
        assert loaded == user and loaded.person == person


def test_an_unknown_or_inactive_user_is_nobody():
    assert UserBackend().get_user(0) is None
    assert UserBackend().get_user(UserFactory(is_active=False).pk) is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")
def test_the_person_is_found_by_an_index_once_sqlite_has_statistics():
    """ANALYZE counts the people without an account as one value of `user`: the unique index
    then looks useless to SQLite's planner, and every request read all people."""
    user = UserFactory()
    PersonFactory(user=user)
    municipality = MunicipalityFactory()
    Person.objects.bulk_create(
        Person(name=f"P {n}", email=f"p{n}@example.org", municipality=municipality)
        for n in range(300)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        UserBackend().get_user(user.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {queries[0]['sql']}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "SCAN actors_person" not in plan, plan
    assert "person_with_account" in plan, plan
