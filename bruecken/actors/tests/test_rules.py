"""One test per permission: every role against every kind of organisation and person."""

import pytest

from bruecken.actors.tests.factories import MembershipFactory, TieFactory

USERS = [
    "office",
    "bonn_coordinator",
    "kiel_coordinator",
    "bonn_facilitator",
    "representative",
    "participant",
    "no_role",
    "inactive_coordinator",
    "anonymous",
]


def allowed(world, permission, kind, names):
    objects = world[kind]
    return {
        (user, name)
        for user in USERS
        for name in names
        if world["users"][user].has_perm(permission, objects[name])
    }


def test_view_organisation(world):
    public = {"bonn_public", "kiel_public"}
    expected = {(u, o) for u in USERS for o in public}
    expected |= {("office", "bonn_private"), ("office", "kiel_private")}
    expected |= {("bonn_coordinator", "bonn_private"), ("kiel_coordinator", "kiel_private")}
    expected |= {("bonn_facilitator", "bonn_private"), ("representative", "bonn_private")}
    names = world["organisations"].keys()
    assert allowed(world, "actors.view_organisation", "organisations", names) == expected


def test_view_organisation_private(world):
    expected = {("office", o) for o in world["organisations"]}
    expected |= {("bonn_coordinator", "bonn_private"), ("bonn_coordinator", "bonn_public")}
    expected |= {("bonn_facilitator", "bonn_private"), ("bonn_facilitator", "bonn_public")}
    expected |= {("kiel_coordinator", "kiel_private"), ("kiel_coordinator", "kiel_public")}
    expected |= {("representative", "bonn_private")}
    names = world["organisations"].keys()
    assert allowed(world, "actors.view_organisation_private", "organisations", names) == expected


def test_change_organisation(world):
    expected = {("office", o) for o in world["organisations"]}
    expected |= {("bonn_coordinator", "bonn_private"), ("bonn_coordinator", "bonn_public")}
    expected |= {("kiel_coordinator", "kiel_private"), ("kiel_coordinator", "kiel_public")}
    expected |= {("representative", "bonn_private")}
    names = world["organisations"].keys()
    assert allowed(world, "actors.change_organisation", "organisations", names) == expected


def test_delete_organisation(world):
    expected = {("office", o) for o in world["organisations"]}
    expected |= {("bonn_coordinator", "bonn_private"), ("bonn_coordinator", "bonn_public")}
    expected |= {("kiel_coordinator", "kiel_private"), ("kiel_coordinator", "kiel_public")}
    names = world["organisations"].keys()
    assert allowed(world, "actors.delete_organisation", "organisations", names) == expected


@pytest.mark.parametrize("permission", ["actors.add_organisation", "actors.add_person"])
def test_add_actors(world, permission):
    may_add = {u for u in USERS if world["users"][u].has_perm(permission)}
    assert may_add == {"office", "bonn_coordinator", "kiel_coordinator"}


def test_manage_actors_in_municipality(world, bonn, kiel):
    allowed_pairs = {
        (u, m.name)
        for u in USERS
        for m in (bonn, kiel)
        if world["users"][u].has_perm("actors.manage_actors_in", m)
    }
    assert allowed_pairs == {
        ("office", "Bonn"),
        ("office", "Kiel"),
        ("bonn_coordinator", "Bonn"),
        ("kiel_coordinator", "Kiel"),
    }
    assert not world["users"]["bonn_coordinator"].has_perm("actors.manage_actors_in", None)


def _people_expected_private(world):
    expected = {("office", p) for p in world["people"]}
    bonn_stewarded = {"bonn_person", "commuter", "member"}
    expected |= {("bonn_coordinator", p) for p in bonn_stewarded}
    expected |= {("bonn_facilitator", p) for p in bonn_stewarded}
    expected |= {("kiel_coordinator", p) for p in ("kiel_person", "kiel_public_person", "commuter")}
    expected |= {("representative", "commuter"), ("representative", "member")}
    expected |= {("participant", "own_person")}
    return expected


def test_view_person(world):
    expected = _people_expected_private(world)
    expected |= {(u, "kiel_public_person") for u in USERS}
    names = world["people"].keys()
    assert allowed(world, "actors.view_person", "people", names) == expected


def test_view_person_private(world):
    names = world["people"].keys()
    assert allowed(world, "actors.view_person_private", "people", names) == (
        _people_expected_private(world)
    )


def test_change_person(world):
    expected = {pair for pair in _people_expected_private(world) if pair[0] != "bonn_facilitator"}
    names = world["people"].keys()
    assert allowed(world, "actors.change_person", "people", names) == expected


def test_delete_person(world):
    expected = {("office", p) for p in world["people"]}
    expected |= {("bonn_coordinator", p) for p in ("bonn_person", "commuter", "member")}
    expected |= {("kiel_coordinator", p) for p in ("kiel_person", "kiel_public_person", "commuter")}
    names = world["people"].keys()
    assert allowed(world, "actors.delete_person", "people", names) == expected


def test_change_membership_follows_the_organisation(world):
    membership = MembershipFactory(
        person=world["people"]["kiel_person"], organisation=world["organisations"]["bonn_private"]
    )
    users = world["users"]
    assert users["bonn_coordinator"].has_perm("actors.change_membership", membership)
    assert users["representative"].has_perm("actors.change_membership", membership)
    assert not users["kiel_coordinator"].has_perm("actors.change_membership", membership)
    assert not users["bonn_facilitator"].has_perm("actors.change_membership", membership)
    assert not users["anonymous"].has_perm("actors.change_membership", membership)


def test_change_tie_for_either_side(world):
    organisations = world["organisations"]
    tie = TieFactory(source=organisations["bonn_public"], target=organisations["kiel_public"])
    users = world["users"]
    assert users["bonn_coordinator"].has_perm("actors.change_tie", tie)
    assert users["kiel_coordinator"].has_perm("actors.change_tie", tie)
    assert users["office"].has_perm("actors.change_tie", tie)
    assert not users["representative"].has_perm("actors.change_tie", tie)
    assert not users["participant"].has_perm("actors.change_tie", tie)
    assert not users["bonn_facilitator"].has_perm("actors.change_tie", tie)
