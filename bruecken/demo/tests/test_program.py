import pytest

from bruecken.demo.program import create_demo_program, demo_program_exists
from bruecken.demo.registry import create_demo_data
from bruecken.events.models import Registration
from bruecken.events.services.places import initiative_circle
from bruecken.programs.models import GoalRating, LocalProcess, WorkshopKind


@pytest.fixture
def demo_program(reference_data):
    create_demo_data()
    return create_demo_program()


def test_one_process_is_complete_with_rated_goals(demo_program):
    bonn = LocalProcess.objects.get(program=demo_program, municipality__name="Bonn")
    workshops = list(bonn.workshops.order_by("position"))
    assert all(w.is_published and w.starts_at for w in workshops)
    evaluation = workshops[-1]
    assert evaluation.kind == WorkshopKind.EVALUATION
    assert GoalRating.objects.filter(goal__process=bonn).count() == bonn.goals.count() == 4
    assert bonn.goals.filter(results__isnull=False).exists()


def test_evaluation_attendees_are_the_initiative_circle(demo_program):
    for process in LocalProcess.objects.filter(program=demo_program):
        circle = set(initiative_circle(process))
        evaluation = process.workshops.get(kind=WorkshopKind.EVALUATION)
        attendees = {r.person for r in Registration.objects.filter(event=evaluation)}
        assert attendees <= circle


def test_munich_is_left_for_its_coordinator_to_start(demo_program):
    assert demo_program.municipalities.filter(name="München").exists()
    assert not LocalProcess.objects.filter(
        program=demo_program, municipality__name="München"
    ).exists()


def test_bonns_network_grows_across_the_groups_from_workshop_to_workshop(demo_program):
    """The network capability's demo: before the initiative workshop few ties cross from the
    migrant organisations to the municipal actors; after the evaluation workshop many do."""
    from bruecken.network.graph import load_network, snapshot_dates, to_igraph
    from bruecken.network.metrics import summary

    bonn = LocalProcess.objects.get(program=demo_program, municipality__name="Bonn")
    network = load_network(municipality=bonn.municipality)
    figures = [summary(to_igraph(network, until=day)) for day in snapshot_dates(bonn)]
    assert len(figures) == 5  # the day before the initiative workshop, then each workshop
    before, after = figures[0], figures[-1]
    assert before["ei_index"] < -0.5 < 0 <= after["ei_index"]
    assert after["density"] < 1  # not everyone met everyone
    assert after["isolates"] < before["isolates"]
    cross = [f["ei_index"] for f in figures]
    assert cross == sorted(cross)


def test_registrations_never_exceed_capacity(demo_program):
    for event in demo_program.events.all():
        held = event.registrations.filter(status__in=Registration.HOLDS_PLACE).count()
        assert held <= event.capacity, event


def test_exists_flag(demo_program):
    assert demo_program_exists()
