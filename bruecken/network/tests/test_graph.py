import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bruecken.actors.models import OrganisationKind, Tie
from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory, TieFactory
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.network.graph import EdgeKind, load_network, snapshot_dates, snapshots
from bruecken.network.groups import ADMINISTRATION, MIGRANT_ORGANISATIONS, NGOS
from bruecken.programs.models import Goal, Result
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory

Status = Registration.Status


def day(text):
    return datetime.date.fromisoformat(text)


def moment(text):
    """Noon of a day in the project's time zone."""
    return timezone.make_aware(datetime.datetime.fromisoformat(text + "T12:00"))


def edge(network, first, second):
    """(first date, weight, kinds) of the edge between two organisations, or None."""
    nodes = network.organisation_ids
    pair = sorted((nodes.index(first.pk), nodes.index(second.pk)))
    for e in range(network.edge_count):
        if [network.sources[e], network.targets[e]] == pair:
            first_day = datetime.date.fromordinal(network.first[e])
            return first_day, network.weights[e], network.kinds[e]
    return None


@pytest.fixture
def program(bonn, kiel):
    return ProgramFactory(municipalities=[bonn, kiel])


@pytest.fixture
def process(program, bonn):
    return LocalProcessFactory(program=program, municipality=bonn)


@pytest.fixture
def orgs(bonn):
    """Four organisations in Bonn, one of each of three groups and a second migrant one."""
    return [
        OrganisationFactory(name="Ghana Verein", municipality=bonn),
        OrganisationFactory(name="Amt", municipality=bonn, kind=OrganisationKind.ADMINISTRATION),
        OrganisationFactory(name="Weltladen", municipality=bonn, kind=OrganisationKind.NGO),
        OrganisationFactory(name="Syrischer Verein", municipality=bonn),
    ]


def workshop(process, when, **kwargs):
    return EventFactory(process=process, starts_at=moment(when), **kwargs)


def test_nodes_carry_group_and_label(orgs, bonn):
    network = load_network(municipality=bonn)
    assert network.organisation_ids == [o.pk for o in orgs]
    assert network.groups == [MIGRANT_ORGANISATIONS, ADMINISTRATION, NGOS, MIGRANT_ORGANISATIONS]
    assert network.labels == ["Ghana Verein", "Amt", "Weltladen", "Syrischer Verein"]
    assert network.edge_count == 0


def test_ties_dated_by_start_else_by_recording(orgs, bonn):
    a, b, c, d = orgs
    TieFactory(source=b, target=a, started_on=day("2025-06-01"))
    recorded = TieFactory(source=c, target=d, started_on=None)
    Tie.objects.filter(pk=recorded.pk).update(recorded_at=moment("2026-02-03"))
    # Ended, but it existed: counted from its start.
    TieFactory(source=a, target=c, started_on=day("2024-01-01"), ended_on=day("2024-06-30"))
    network = load_network(municipality=bonn)
    assert network.edge_count == 3
    assert edge(network, a, b) == (day("2025-06-01"), 1, EdgeKind.TIE)
    assert edge(network, c, d) == (day("2026-02-03"), 1, EdgeKind.TIE)
    assert edge(network, a, c) == (day("2024-01-01"), 1, EdgeKind.TIE)
    assert all(s < t for s, t in zip(network.sources, network.targets, strict=True))


def test_coattendance_counts_members_on_the_day(orgs, process, bonn):
    a, b, c, d = orgs
    member_a = MembershipFactory(organisation=a).person
    member_c = MembershipFactory(organisation=c, started_on=day("2025-01-01")).person
    # Left d before the workshop; joins b only after it.
    former = MembershipFactory(organisation=d, ended_on=day("2025-02-01")).person
    future = MembershipFactory(organisation=b, started_on=day("2025-04-01")).person
    absent = MembershipFactory(organisation=b).person
    recorded = workshop(process, "2025-03-01")
    for person in (member_a, member_c, former, future):
        RegistrationFactory(event=recorded, person=person, attended=True)
    # Confirmed, but the recorded attendance says not there.
    RegistrationFactory(event=recorded, person=absent, attended=False)
    network = load_network(municipality=bonn)
    assert network.edge_count == 1
    assert edge(network, a, c) == (day("2025-03-01"), 1, EdgeKind.COATTENDANCE)

    # Without recorded attendance, the confirmed registrations of a past workshop count.
    unrecorded = workshop(process, "2025-05-01")
    for person in (member_a, member_c, future):
        RegistrationFactory(event=unrecorded, person=person)
    RegistrationFactory(event=unrecorded, person=absent, status=Status.WAITING)
    # Planned and cancelled workshops link nobody.
    planned = EventFactory(process=process)
    cancelled = workshop(process, "2025-04-01", cancelled_at=moment("2025-03-15"))
    for event in (planned, cancelled):
        for person in (member_a, absent):
            RegistrationFactory(event=event, person=person)
    network = load_network(municipality=bonn)
    assert network.edge_count == 3
    assert edge(network, a, c) == (day("2025-03-01"), 2, EdgeKind.COATTENDANCE)
    assert edge(network, a, b) == (day("2025-05-01"), 1, EdgeKind.COATTENDANCE)
    assert edge(network, b, c) == (day("2025-05-01"), 1, EdgeKind.COATTENDANCE)


def test_shared_responsibility_for_results_and_goals(orgs, process, bonn):
    a, b, c, d = orgs
    event = workshop(process, "2025-03-01")
    shared = Result.objects.create(workshop=event, kind="agreement", text="Gemeinsames Fest")
    shared.organisations.set([c, d])
    goal = Goal.objects.create(process=process, title="Sichtbarkeit", indicator="–", responsible=a)
    linked = Result.objects.create(workshop=event, kind="project_idea", text="Ausstellung")
    linked.organisations.set([b, a])
    linked.goals.set([goal])
    Result.objects.filter(pk=shared.pk).update(created_at=moment("2025-03-02"))
    Result.objects.filter(pk=linked.pk).update(created_at=moment("2025-03-05"))
    Goal.objects.filter(pk=goal.pk).update(created_at=moment("2025-03-10"))
    network = load_network(municipality=bonn)
    assert edge(network, c, d) == (day("2025-03-02"), 1, EdgeKind.SHARED_RESPONSIBILITY)
    # a and b share the result, and b's result serves a's goal (dated by the later, the goal).
    assert edge(network, a, b) == (day("2025-03-05"), 2, EdgeKind.SHARED_RESPONSIBILITY)
    assert network.edge_count == 2


def test_sources_merge_into_one_edge(orgs, process, bonn):
    a, b, _c, _d = orgs
    TieFactory(source=a, target=b, started_on=day("2025-12-01"))
    TieFactory(source=b, target=a, kind="funding", started_on=day("2026-01-10"))
    TieFactory(source=a, target=b, kind="introduction", started_on=day("2026-02-01"))
    event = workshop(process, "2025-05-01")
    for organisation in (a, b):
        RegistrationFactory(event=event, person=MembershipFactory(organisation=organisation).person)
    result = Result.objects.create(workshop=event, kind="agreement", text="Fest")
    result.organisations.set([a, b])
    Result.objects.filter(pk=result.pk).update(created_at=moment("2025-09-01"))
    network = load_network(municipality=bonn)
    assert network.edge_count == 1
    assert edge(network, a, b) == (day("2025-05-01"), 5, EdgeKind.ALL)


def test_scope(orgs, program, process, bonn, kiel):
    a = orgs[0]
    kieler = OrganisationFactory(name="Kieler Verein", municipality=kiel)
    elsewhere = OrganisationFactory(name="Anderswo")
    TieFactory(source=a, target=kieler, started_on=day("2025-01-01"))
    TieFactory(source=a, target=elsewhere, started_on=day("2025-01-01"))
    kiel_event = workshop(LocalProcessFactory(program=program, municipality=kiel), "2025-03-01")
    program_event = EventFactory(program=program, process=None, starts_at=moment("2025-04-01"))
    for event in (kiel_event, program_event):
        for organisation in (orgs[1], kieler):
            member = MembershipFactory(organisation=organisation).person
            RegistrationFactory(event=event, person=member)

    bonn_network = load_network(municipality=bonn)
    assert set(bonn_network.organisation_ids) == {o.pk for o in orgs}
    assert bonn_network.edge_count == 0

    network = load_network(program=program)
    assert set(network.organisation_ids) == {o.pk for o in orgs} | {kieler.pk}
    assert edge(network, a, kieler) == (day("2025-01-01"), 1, EdgeKind.TIE)
    # The Kiel workshop and the program-level one.
    assert edge(network, orgs[1], kieler) == (day("2025-03-01"), 2, EdgeKind.COATTENDANCE)
    assert network.edge_count == 2
    assert load_network(program=program, municipality=kiel).organisation_ids == [kieler.pk]


def test_cut_at_dates(orgs, process, bonn):
    a, b, c, d = orgs
    TieFactory(source=a, target=b, started_on=day("2025-01-01"))
    TieFactory(source=c, target=d, started_on=day("2025-06-01"))
    workshop(process, "2025-06-01")
    workshop(process, "2025-03-01")
    workshop(process, "2025-04-01", cancelled_at=moment("2025-03-20"))
    workshop(process, "2025-03-01").delete()  # Nothing left of it.
    dates = snapshot_dates(process)
    assert dates == [day("2025-02-28"), day("2025-03-01"), day("2025-06-01")]
    graphs = snapshots(load_network(municipality=bonn), dates)
    assert list(graphs) == dates
    assert [graphs[d].ecount() for d in dates] == [1, 1, 2]
    assert all(graph.vcount() == 4 for graph in graphs.values())
    assert graphs[dates[0]].es[0]["first"] == day("2025-01-01").toordinal()


def test_snapshot_dates_without_workshops(process):
    assert snapshot_dates(process) == []


def test_constant_query_count(program, process, bonn):
    def build(size):
        orgs = [OrganisationFactory(municipality=bonn) for _ in range(size)]
        event = workshop(process, "2025-05-01")
        goal = Goal.objects.create(
            process=process, title="Ziel", indicator="–", responsible=orgs[0]
        )
        for index, organisation in enumerate(orgs):
            TieFactory(source=organisation, target=orgs[index - 1], started_on=day("2025-01-01"))
            RegistrationFactory(
                event=event, person=MembershipFactory(organisation=organisation).person
            )
            result = Result.objects.create(workshop=event, kind="agreement", text="Fest")
            result.organisations.set([organisation, orgs[index - 2]])
            result.goals.set([goal])

    counts = []
    for size in (3, 12):
        build(size)
        with CaptureQueriesContext(connection) as queries:
            network = load_network(program=program)
        counts.append(len(queries))
    assert network.node_count == 15
    assert counts == [7, 7]
