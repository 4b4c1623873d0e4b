"""A graph one can read when a workshop links everyone: the best-connected organisations named,
a minimum of shared workshops, ties across the sides marked, the groups drawn apart, and dates
in the page's language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.actors.models import OrganisationKind
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, TieFactory
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.network import layout
from bruecken.network.graph import EdgeKind, Network, with_min_workshops
from bruecken.network.views import LABELLED, labelled

from .conftest import WORKSHOP, days

pytestmark = pytest.mark.django_db


def url(world, name="network:municipality", language="de"):
    with translation.override(language):
        return reverse(name, args=[world["bonn"].pk])


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def met(world):
    """m1 and the administration met at both Bonn workshops (the world's and one ten days
    later); m2 and the NGO at the first only (and have a recorded tie besides)."""
    process = world["program"].processes.get(municipality=world["bonn"])
    first = process.workshops.get()
    second = EventFactory(process=process, starts_at=at(days(10)))
    people = {
        key: MembershipFactory(organisation=world[key]).person
        for key in world
        if key in {"m1", "m2", "admin", "ngo"}
    }
    for key in ("m1", "admin", "m2", "ngo"):
        RegistrationFactory(event=first, person=people[key], attended=True)
    for key in ("m1", "admin"):
        RegistrationFactory(event=second, person=people[key], attended=True)
    return world


def edges_by_labels(data):
    labels = {node["id"]: node["label"] for node in data["nodes"]}
    return {frozenset((labels[e["source"]], labels[e["target"]])): e for e in data["edges"]}


# Labels


def test_the_best_connected_organisations_are_labelled(client, office, bonn, world):
    hub = OrganisationFactory(name="Drehscheibe", municipality=bonn, kind=OrganisationKind.NGO)
    leaves = [OrganisationFactory(name=f"Blatt {i:02}", municipality=bonn) for i in range(15)]
    for leaf in leaves:
        TieFactory(source=hub, target=leaf, started_on=days(-30))
    OrganisationFactory(name="Allein", municipality=bonn)
    client.force_login(office)
    data = client.get(url(world, "network:municipality_data")).json()
    by_label = {node["label"]: node for node in data["nodes"]}
    assert by_label["Drehscheibe"]["labelled"]
    assert by_label["Afrika Forum Bonn"]["labelled"]  # two ties, more than a leaf
    assert not by_label["Allein"]["labelled"]  # no ties: never named in the graph
    assert sum(node["labelled"] for node in data["nodes"]) == LABELLED


def test_labelled_breaks_equal_degrees_by_name():
    assert labelled([3, 1, 1, 0, 1], ["a", "d", "b", "c", "e"], count=3) == {0, 2, 1}
    assert labelled([0, 0], ["a", "b"]) == set()


# The minimum of shared workshops


def test_min_workshops_filters_the_edges_of_co_attendance_only(client, office, met):
    client.force_login(office)
    everyone = edges_by_labels(client.get(url(met, "network:municipality_data")).json())
    pair = frozenset(("Afrika Forum Bonn", "Stadtverwaltung Bonn Intern"))
    met_once = frozenset(("Afrika Forum Bonn", "Bonner Privat-NGO"))
    assert "coattendance" in everyone[met_once]["kinds"]

    data = client.get(url(met, "network:municipality_data"), {"min_workshops": 2}).json()
    assert data["min_workshops"] == 2
    kept = edges_by_labels(data)
    assert met_once not in kept  # met at one workshop only, no other tie
    # Met twice: linked from the second workshop on; its recorded tie (day 5) is older.
    assert kept[pair]["kinds"] == ["tie", "coattendance"]
    assert kept[pair]["first"] == days(5).isoformat()
    # The recorded tie of the NGO and m2 stays, without the one workshop they shared.
    tied = kept[frozenset(("Geheimer Verein", "Bonner Privat-NGO"))]
    assert tied["kinds"] == ["tie"]
    assert tied["first"] == days(6).isoformat()
    assert len(kept) < len(everyone)


def test_min_workshops_works_without_script_and_links_the_data(client, office, met):
    client.force_login(office)
    page = client.get(url(met), {"min_workshops": 2})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="min_workshops"' in html and 'value="2"' in html
    assert "min_workshops=2" in html  # the graph's data and the exports follow the control
    everyone = client.get(url(met)).context["ties"].paginator.count
    assert page.context["ties"].paginator.count < everyone
    assert page.context["summary"]["edges"] < client.get(url(met)).context["summary"]["edges"]


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1\x00", "2.5", str(10**30), "１０００"])
def test_hostile_min_workshops_is_a_bad_request(client, office, world, value):
    client.force_login(office)
    for name in ("network:municipality", "network:municipality_data"):
        response = client.get(url(world, name), {"min_workshops": value})
        assert response.status_code == 400, (name, value)


def test_with_min_workshops_keeps_the_other_sources():
    network = Network(
        organisation_ids=[1, 2, 3],
        groups=["ngos"] * 3,
        labels=["a", "b", "c"],
        sources=[0, 0],
        targets=[1, 2],
        first=[10, 10],
        weights=[2, 3],
        kinds=[EdgeKind.COATTENDANCE, EdgeKind.COATTENDANCE | EdgeKind.TIE],
        workshop_days=[(10, 20), (10, 30)],
        other_first=[None, 40],
    )
    assert with_min_workshops(network, 1) is network
    two = with_min_workshops(network, 2)
    assert (two.first, two.weights, two.kinds) == ([20, 30], [2, 3], network.kinds)
    three = with_min_workshops(network, 3)
    assert (three.sources, three.targets) == ([0], [2])
    assert (three.first, three.weights, three.kinds) == ([40], [1], [EdgeKind.TIE])


# Ties across the sides


def test_ties_across_the_sides_are_flagged(client, office, world):
    client.force_login(office)
    data = client.get(url(world, "network:municipality_data")).json()
    edges = edges_by_labels(data)
    assert edges[frozenset(("Afrika Forum Bonn", "Stadtverwaltung Bonn Intern"))]["across"]
    assert edges[frozenset(("Geheimer Verein", "Bonner Privat-NGO"))]["across"]
    assert not edges[frozenset(("Afrika Forum Bonn", "Geheimer Verein"))]["across"]
    assert not edges[frozenset(("Stadtverwaltung Bonn Intern", "Bonner Privat-NGO"))]["across"]
    # The table says so in words, too.
    page = client.get(url(world))
    ties = list(page.context["ties"])
    assert [row["across"] for row in ties] == [False, False, True, True]
    assert page.content.decode().count("ja, über die Seiten hinweg") == 2


# The layout


def test_layout_keeps_the_groups_apart(bonn, world):
    """Even when everyone is tied to everyone, the migrant organisations are drawn left of the
    municipal side, and each municipal group apart from the others."""
    groups = ["migrant_organisations"] * 6 + ["administration"] * 4 + ["ngos"] * 5
    n = len(groups)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    network = Network(
        organisation_ids=list(range(n)),
        groups=groups,
        labels=[str(i) for i in range(n)],
        sources=[a for a, _ in pairs],
        targets=[b for _, b in pairs],
        first=[1] * len(pairs),
        weights=[1] * len(pairs),
        kinds=[1] * len(pairs),
    )
    positions = layout.positions(network)
    assert all(-1 <= v <= 1 for point in positions for v in point)
    migrant_x = [positions[i][0] for i in range(6)]
    municipal_x = [positions[i][0] for i in range(6, n)]
    assert max(migrant_x) < min(municipal_x)
    administration_y = [positions[i][1] for i in range(6, 10)]
    ngo_y = [positions[i][1] for i in range(10, n)]
    assert min(administration_y) > max(ngo_y)
    assert layout.positions(network) == positions  # deterministic


# Dates in the page's language


def test_dates_in_german_format_on_german_pages(client, office, world):
    client.force_login(office)
    html = client.get(url(world)).content.decode()
    german = WORKSHOP.strftime("%d.%m.%Y")
    assert f">{german}</time>" in html  # figures over time
    assert f">{days(5).strftime('%d.%m.%Y')}</time>" in html  # the ties' first dates
    assert f'<option value="{WORKSHOP.isoformat()}">{german}</option>' in html
    assert f">{WORKSHOP.isoformat()}</time>" not in html
    assert f">{days(5).isoformat()}</time>" not in html


def test_dates_in_english_format_on_english_pages(client, office, world):
    client.force_login(office)
    html = client.get(url(world, language="en")).content.decode()
    assert f">{WORKSHOP.strftime('%m/%d/%Y')}</time>" in html
    assert f">{WORKSHOP.strftime('%d.%m.%Y')}</time>" not in html
