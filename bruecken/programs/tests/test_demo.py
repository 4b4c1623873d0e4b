import pytest

from bruecken.actors.demo import create_demo_data
from bruecken.events.models import Registration
from bruecken.events.services import initiative_circle
from bruecken.programs.demo import create_demo_program, demo_program_exists
from bruecken.programs.models import GoalRating, LocalProcess, WorkshopKind


@pytest.fixture
def demo_program(reference_data):
    create_demo_data()
    return create_demo_program()


def test_one_process_is_complete_with_rated_goals(demo_program):
    munich = LocalProcess.objects.get(program=demo_program, municipality__name="München")
    workshops = list(munich.workshops.order_by("position"))
    assert all(w.is_published and w.starts_at for w in workshops)
    evaluation = workshops[-1]
    assert evaluation.kind == WorkshopKind.EVALUATION
    assert GoalRating.objects.filter(goal__process=munich).count() == munich.goals.count() == 4
    assert munich.goals.filter(results__isnull=False).exists()


def test_evaluation_attendees_are_the_initiative_circle(demo_program):
    for process in LocalProcess.objects.filter(program=demo_program):
        circle = set(initiative_circle(process))
        evaluation = process.workshops.get(kind=WorkshopKind.EVALUATION)
        attendees = {r.person for r in Registration.objects.filter(event=evaluation)}
        assert attendees <= circle


def test_bonn_is_left_for_its_coordinator_to_start(demo_program):
    assert demo_program.municipalities.filter(name="Bonn").exists()
    assert not LocalProcess.objects.filter(program=demo_program, municipality__name="Bonn").exists()


def test_registrations_never_exceed_capacity(demo_program):
    for event in demo_program.events.all():
        held = event.registrations.filter(status__in=Registration.HOLDS_PLACE).count()
        assert held <= event.capacity, event


def test_exists_flag(demo_program):
    assert demo_program_exists()
