"""The rules and the list mirror (`Advice.objects.visible_to`, `recordable_organisations`)
agree for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import Organisation
from bruecken.advisory.models import Advice, recordable_organisations

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(office, bonn_coordinator, kiel_coordinator, advisor, representative, bonn):
    return {
        "office": office,
        "bonn_coordinator": bonn_coordinator,
        "kiel_coordinator": kiel_coordinator,
        "advisor": advisor,
        "representative": representative,
        "other_facilitator": user_with_role(Role.FACILITATOR, municipality=bonn),
        "participant": user_with_role(Role.PARTICIPANT),
        "anonymous": AnonymousUser(),
    }


EXPECTED = {
    "office": {"bonn", "kiel"},
    "bonn_coordinator": {"bonn"},
    "kiel_coordinator": {"kiel"},
    "advisor": {"bonn"},
    "representative": {"bonn"},
    "other_facilitator": set(),
    "participant": set(),
    "anonymous": set(),
}


def test_who_sees_which_advice(users, advice, kiel_advice):
    names = {advice.pk: "bonn", kiel_advice.pk: "kiel"}
    for name, user in users.items():
        listed = {names[pk] for pk in Advice.objects.visible_to(user).values_list("pk", flat=True)}
        allowed = {
            names[a.pk] for a in (advice, kiel_advice) if user.has_perm("advisory.view_advice", a)
        }
        assert listed == allowed == EXPECTED[name], name


def test_who_may_change_and_follow_up(users, advice):
    may_change = {n for n, u in users.items() if u.has_perm("advisory.change_advice", advice)}
    may_follow_up = {n for n, u in users.items() if u.has_perm("advisory.follow_up_advice", advice)}
    assert may_change == {"office", "bonn_coordinator"}
    assert may_follow_up == {"office", "bonn_coordinator", "advisor"}


def test_recordable_organisations_mirror_the_rule(users, bonn_org, kiel_org):
    for name, user in users.items():
        listed = set(recordable_organisations(user).values_list("pk", flat=True))
        allowed = {
            o.pk for o in Organisation.objects.all() if user.has_perm("advisory.record_advice", o)
        }
        assert listed == allowed, name
    assert set(recordable_organisations(users["bonn_coordinator"])) == {bonn_org}


def test_the_organisations_page_is_for_office_coordinator_and_representative(users, bonn_org):
    allowed = {
        n for n, u in users.items() if u.has_perm("advisory.view_organisation_advice", bonn_org)
    }
    assert allowed == {"office", "bonn_coordinator", "representative"}
