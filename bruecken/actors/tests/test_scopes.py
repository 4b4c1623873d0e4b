"""The list queries must show exactly what the rules allow, for every role."""

from datetime import date

import pytest
from django.db import connection

from bruecken.actors.models import Membership, Organisation, Person

from .factories import MembershipFactory, OrganisationFactory
from .test_rules import USERS


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize(
    ("model", "private", "permission"),
    [
        (Organisation, False, "actors.view_organisation"),
        (Organisation, True, "actors.view_organisation_private"),
        (Person, False, "actors.view_person"),
        (Person, True, "actors.view_person_private"),
    ],
)
def test_scope_matches_rules(world, user_name, model, private, permission):
    user = world["users"][user_name]
    listed = set(model.objects.visible_to(user, private=private))
    permitted = {o for o in model.objects.all() if user.has_perm(permission, o)}
    assert listed == permitted


def test_withdrawn_consent_hides_at_once(world):
    from bruecken.actors.services import withdraw_organisation_consent

    anonymous = world["users"]["anonymous"]
    public = world["organisations"]["kiel_public"]
    assert Organisation.objects.filter(Organisation.visibility_q(anonymous), pk=public.pk).exists()
    withdraw_organisation_consent(world["users"]["kiel_coordinator"], public)
    assert not Organisation.objects.filter(
        Organisation.visibility_q(anonymous), pk=public.pk
    ).exists()
    assert not anonymous.has_perm(
        "actors.view_organisation", Organisation.objects.get(pk=public.pk)
    )


def plan(queryset, *settings):
    """The database's plan of `queryset`, as one line of text, after the SQL `settings`."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(setting)
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(str(row[0]) for row in cursor.fetchall())


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the plan of PostgreSQL depends on its statistics"
)
def test_the_members_a_coordinator_sees_are_listed_once_from_the_index_alone(world):
    """Who may see a person is asked for every row of a list or a search: the members of the
    coordinator's organisations are listed once (not asked for each person), from the
    (organisation, person) index, without reading the membership rows."""
    found = plan(Person.objects.visible_to(world["users"]["kiel_coordinator"]))
    assert "LIST SUBQUERY" in found and "CORRELATED" not in found
    assert "COVERING INDEX membership_org_person (organisation_id=?)" in found


@pytest.mark.parametrize(
    ("model", "index", "columns"),
    [
        (Organisation, "organisation_visibility", ["id", "municipality_id", "consent_given_at"]),
        (Person, "person_visibility", ["id", "municipality_id", "consent_given_at", "user_id"]),
    ],
)
def test_who_may_see_a_row_is_read_with_its_id_from_an_index_alone(world, model, index, columns):
    """For each organisation and person a coordinator's search finds, whether they may see it
    comes from an index of the id and what `visibility_q` asks, without reading the row
    (PostgreSQL read the whole table instead); SQLite counts a coordinator's rows through it.
    Where the test tables are too small to plan on, the index's columns are checked."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    assert constraints[index]["columns"] == columns
    if connection.vendor == "sqlite":
        visible = model.objects.visible_to(world["users"]["kiel_coordinator"])
        assert f"COVERING INDEX {index}" in plan(visible.order_by().values("pk"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_members_of_a_coordinators_organisations_are_read_from_the_index_alone(world):
    """PostgreSQL asks for the set of the municipalities' members once (a hashed subplan): from
    the (organisation, person) index, not by reading every membership. The table's statistics
    are too small to plan on here, so a scan of the whole table is made to look dear."""
    visible = Person.objects.visible_to(world["users"]["kiel_coordinator"])
    found = plan(visible, "SET LOCAL enable_seqscan = off")
    assert "membership_org_person on actors_membership" in found


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("started_on", "ended_on", "expected"),
    [
        (None, None, {"open", "2020", "until 2019", "from 2021"}),
        (date(2020, 12, 31), None, {"open", "2020", "from 2021"}),
        (None, date(2019, 12, 31), {"open", "until 2019"}),
        (date(2020, 3, 1), date(2020, 3, 31), {"open", "2020"}),
        (date(2019, 12, 31), date(2021, 1, 1), {"open", "2020", "until 2019", "from 2021"}),
        (date(2020, 1, 1), date(2020, 1, 1), {"open", "2020"}),
    ],
)
def test_overlapping_periods_share_a_day(started_on, ended_on, expected):
    """`PeriodQuerySet.overlapping`, the one home of "for that time" (duplicate memberships
    and ties): each end is a day of the period, an open end reaches any day."""
    periods = {
        "open": (None, None),
        "2020": (date(2020, 1, 1), date(2020, 12, 31)),
        "until 2019": (None, date(2019, 12, 31)),
        "from 2021": (date(2021, 1, 1), None),
    }
    organisation = OrganisationFactory()
    labels = {}
    for label, (start, end) in periods.items():
        membership = MembershipFactory(organisation=organisation, started_on=start, ended_on=end)
        labels[membership.pk] = label
    found = Membership.objects.overlapping(started_on, ended_on)
    assert {labels[pk] for pk in found.values_list("pk", flat=True)} == expected
