"""The figures over time, stored per content version and measured in the background for large
networks."""

import pytest
from django.core.management import call_command
from django.utils import translation

from bruecken.actors.tests.factories import TieFactory
from bruecken.cache import bump, current_version
from bruecken.network import snapshots
from bruecken.network.graph import EdgeKind, load_network, to_igraph
from bruecken.network.metrics import summary
from bruecken.network.models import Snapshot
from bruecken.network.scopes import Scope

from .conftest import BEFORE, WORKSHOP, days
from .test_views import municipality_url

pytestmark = pytest.mark.django_db

PENDING = 'class="network-pending"'


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def open_page(client, world):
    response = client.get(municipality_url(world))
    assert response.status_code == 200
    return response


def test_the_page_stores_its_figures_and_reads_them_back(client, office, world, monkeypatch):
    client.force_login(office)
    first = open_page(client, world).context["over_time"]
    assert [row["date"] for row in first] == [BEFORE.isoformat(), WORKSHOP.isoformat()]
    assert Snapshot.objects.count() == 2
    assert set(Snapshot.objects.values_list("version", flat=True)) == {current_version()}

    def no_measuring(*args):
        raise AssertionError("measured again although stored")

    monkeypatch.setattr(snapshots, "row", no_measuring)
    assert open_page(client, world).context["over_time"] == first


def test_stored_figures_are_the_measured_ones(client, office, world):
    client.force_login(office)
    rows = open_page(client, world).context["over_time"]
    network = load_network(municipality=world["bonn"])
    for row, day in zip(rows, [BEFORE, WORKSHOP], strict=True):
        figures = summary(to_igraph(network, until=day))
        assert row["ties"] == figures["edges"]
        assert row["ei_index"] == figures["ei_index"]
        assert row["density"] == figures["density"]


def test_a_change_measures_again(
    client,
    office,
    world,
    django_capture_on_commit_callbacks,
):
    client.force_login(office)
    before = open_page(client, world).context["over_time"]
    old_version = current_version()
    with django_capture_on_commit_callbacks(execute=True):
        TieFactory(source=world["m1"], target=world["ngo"], started_on=days(-5))
    assert current_version() > old_version
    after = open_page(client, world).context["over_time"]
    assert after[1]["ties"] == before[1]["ties"] + 1


def test_filters_are_stored_apart(client, office, world):
    client.force_login(office)
    everything = open_page(client, world).context["over_time"]
    only_ties = client.get(municipality_url(world), {"kinds": "tie", "group": "ngos"})
    assert only_ties.status_code == 200
    assert only_ties.context["over_time"] != everything
    assert Snapshot.objects.values("scope").distinct().count() == 2


def test_a_large_network_is_measured_in_the_background(
    client,
    office,
    world,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.NETWORK_SNAPSHOT_INLINE_EDGES = 0
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = open_page(client, world)
    assert response.context["over_time"] == []
    assert response.context["over_time_pending"]
    assert PENDING in response.content.decode()
    assert not Snapshot.objects.exists()
    # The task runs (at once with the tests' task backend) once the request's work commits.
    assert len(callbacks) == 1
    callbacks[0]()
    assert Snapshot.objects.count() == 2
    response = open_page(client, world)
    assert not response.context["over_time_pending"]
    assert PENDING not in response.content.decode()
    assert len(response.context["over_time"]) == 2


def test_the_task_skips_an_outdated_version_and_a_vanished_scope(world):
    arguments = {
        "program_id": None,
        "kinds": EdgeKind.ALL,
        "groups": ["migrant_organisations", "administration", "ngos", "other_institutions"],
        "days": [WORKSHOP.isoformat()],
    }
    version = current_version()
    assert (
        snapshots.compute_snapshots.call(
            municipality_id=world["bonn"].pk, version=version, **arguments
        )
        == 1
    )
    bump()
    assert (
        snapshots.compute_snapshots.call(
            municipality_id=world["bonn"].pk, version=version, **arguments
        )
        == 0
    )
    assert (
        snapshots.compute_snapshots.call(
            municipality_id=10**9, version=current_version(), **arguments
        )
        == 0
    )
    assert Snapshot.objects.count() == 1


def test_housekeeping_removes_figures_of_earlier_versions(world):
    scope = snapshots.snapshot_scope(Scope(municipality=world["bonn"]), EdgeKind.ALL, [])
    Snapshot.objects.create(scope=scope, day=WORKSHOP, version=current_version(), figures={})
    bump()
    Snapshot.objects.create(scope=scope, day=WORKSHOP, version=current_version(), figures={})
    call_command("housekeeping", verbosity=0)
    assert list(Snapshot.objects.values_list("version", flat=True)) == [current_version()]
