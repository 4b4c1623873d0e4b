from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bruecken.accounts.models import AuditEntry
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.events.models import Event
from bruecken.events.tests.factories import EventFactory
from bruecken.programs import services
from bruecken.programs.models import (
    Admission,
    ProcessTemplate,
    Rating,
    ResultKind,
    ResultStatus,
    WorkshopKind,
)
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory


class TestDefaultTemplate:
    def test_is_the_flyers_four_workshops(self, db):
        template = services.load_default_template()
        steps = [
            (s.kind, s.capacity_min, s.capacity_max, s.admission)
            for s in template.steps.order_by("position")
        ]
        assert steps == [
            (WorkshopKind.INITIATIVE, 12, 15, Admission.INVITED),
            (WorkshopKind.EXTENDED, 30, 40, Admission.OPEN),
            (WorkshopKind.EXTENDED, 30, 40, Admission.OPEN),
            (WorkshopKind.EVALUATION, 12, 15, Admission.INITIATIVE_CIRCLE),
        ]

    def test_loading_again_keeps_it(self, db):
        first = services.load_default_template()
        first.steps.filter(position=2).update(title="Zukunftswerkstatt")
        again = services.load_default_template()
        assert again == first
        assert ProcessTemplate.objects.count() == 1
        assert again.steps.get(position=2).title == "Zukunftswerkstatt"


class TestStartLocalProcess:
    def test_creates_draft_workshops_from_the_template(self, bonn, bonn_coordinator):
        program = ProgramFactory(municipalities=[bonn])
        process = services.start_local_process(bonn_coordinator, program, bonn)
        workshops = list(process.workshops.order_by("position"))
        assert [w.kind for w in workshops] == [
            WorkshopKind.INITIATIVE,
            WorkshopKind.EXTENDED,
            WorkshopKind.EXTENDED,
            WorkshopKind.EVALUATION,
        ]
        assert all(not w.is_published and w.starts_at is None for w in workshops)
        assert (workshops[0].capacity_min, workshops[0].capacity) == (12, 15)
        assert workshops[3].admission == Admission.INITIATIVE_CIRCLE
        assert AuditEntry.objects.filter(object_type="programs.localprocess").exists()

    def test_a_later_program_can_use_another_template(self, bonn, office):
        template = ProcessTemplate.objects.create(name="Kurzformat")
        template.steps.create(
            position=1,
            kind=WorkshopKind.INITIATIVE,
            title="Auftakt",
            capacity_min=5,
            capacity_max=10,
            admission=Admission.INVITED,
        )
        program = ProgramFactory(municipalities=[bonn], template=template)
        process = services.start_local_process(office, program, bonn)
        assert [(w.title, w.capacity) for w in process.workshops.all()] == [("Auftakt Bonn", 10)]

    def test_only_once_per_municipality(self, bonn, bonn_coordinator):
        program = ProgramFactory(municipalities=[bonn])
        services.start_local_process(bonn_coordinator, program, bonn)
        with pytest.raises(ValidationError):
            services.start_local_process(bonn_coordinator, program, bonn)
        assert Event.objects.count() == 4

    def test_not_for_another_municipality(self, bonn, kiel, kiel_coordinator):
        program = ProgramFactory(municipalities=[bonn, kiel])
        with pytest.raises(PermissionDenied):
            services.start_local_process(kiel_coordinator, program, bonn)

    def test_only_participating_municipalities(self, bonn, kiel, kiel_coordinator):
        program = ProgramFactory(municipalities=[bonn])
        with pytest.raises(ValidationError):
            services.start_local_process(kiel_coordinator, program, kiel)


@pytest.fixture
def bonn_process(bonn):
    return LocalProcessFactory(municipality=bonn)


@pytest.fixture
def initiative(bonn_process):
    return EventFactory(
        process=bonn_process, kind=WorkshopKind.INITIATIVE, admission=Admission.INVITED
    )


@pytest.fixture
def evaluation(bonn_process):
    return EventFactory(
        process=bonn_process, kind=WorkshopKind.EVALUATION, admission=Admission.INITIATIVE_CIRCLE
    )


GOAL = {
    "title": "Runder Tisch",
    "indicator": "Vier Treffen im Jahr",
    "target_date": date(2027, 6, 30),
}


class TestGoals:
    def test_set_at_the_initiative_workshop(self, initiative, bonn_facilitator):
        goal = services.add_goal(bonn_facilitator, initiative, GOAL)
        assert goal.process == initiative.process
        services.update_goal(bonn_facilitator, goal, {"indicator": "Sechs Treffen"})
        assert AuditEntry.objects.filter(object_type="programs.goal").count() == 2

    def test_not_at_other_workshops(self, bonn_process, bonn_coordinator):
        extended = EventFactory(process=bonn_process, kind=WorkshopKind.EXTENDED)
        with pytest.raises(ValidationError):
            services.add_goal(bonn_coordinator, extended, GOAL)

    def test_needs_an_indicator(self, initiative, bonn_coordinator):
        with pytest.raises(ValidationError):
            services.add_goal(bonn_coordinator, initiative, {**GOAL, "indicator": ""})

    def test_other_municipality_refused(self, initiative, kiel_coordinator):
        with pytest.raises(PermissionDenied):
            services.add_goal(kiel_coordinator, initiative, GOAL)

    def test_rated_at_the_evaluation_workshop_of_the_process(
        self, initiative, evaluation, bonn_coordinator
    ):
        goal = services.add_goal(bonn_coordinator, initiative, GOAL)
        rating = services.rate_goal(bonn_coordinator, evaluation, goal, Rating.PARTLY, "fast")
        assert goal.rating == rating
        services.rate_goal(bonn_coordinator, evaluation, goal, Rating.ACHIEVED)
        goal.refresh_from_db()
        assert goal.rating.rating == Rating.ACHIEVED
        with pytest.raises(ValidationError):
            services.rate_goal(bonn_coordinator, initiative, goal, Rating.ACHIEVED)
        other = EventFactory(kind=WorkshopKind.EVALUATION)
        with pytest.raises((ValidationError, PermissionDenied)):
            services.rate_goal(bonn_coordinator, other, goal, Rating.ACHIEVED)

    def test_rating_must_be_valid(self, initiative, evaluation, bonn_coordinator):
        goal = services.add_goal(bonn_coordinator, initiative, GOAL)
        with pytest.raises(ValidationError):
            services.rate_goal(bonn_coordinator, evaluation, goal, "super")


class TestResults:
    def test_status_changes_are_dated_history(self, initiative, bonn_coordinator):
        goal = services.add_goal(bonn_coordinator, initiative, GOAL)
        organisation = OrganisationFactory(municipality=initiative.process.municipality)
        result = services.add_result(
            bonn_coordinator,
            initiative,
            {
                "kind": ResultKind.AGREEMENT,
                "text": "Die Stadt lädt Migrantenorganisationen in den Beirat ein.",
                "goals": [goal],
                "organisations": [organisation],
            },
        )
        services.update_result(bonn_coordinator, result, {"status": ResultStatus.IN_PROGRESS})
        services.update_result(bonn_coordinator, result, {"text": "Neu formuliert."})
        services.update_result(
            bonn_coordinator, result, {"status": ResultStatus.DONE}, note="Beschluss gefasst"
        )
        history = list(result.status_changes.values_list("status", flat=True))
        assert history == [ResultStatus.PLANNED, ResultStatus.IN_PROGRESS, ResultStatus.DONE]
        assert result.status_changes.last().note == "Beschluss gefasst"

    def test_goals_of_another_process_refused(self, initiative, bonn_coordinator, office):
        foreign = EventFactory(kind=WorkshopKind.INITIATIVE)
        goal = services.add_goal(office, foreign, GOAL)
        with pytest.raises(ValidationError):
            services.add_result(
                bonn_coordinator,
                initiative,
                {"kind": ResultKind.LESSON, "text": "x", "goals": [goal]},
            )

    def test_bad_kind_changes_nothing(self, initiative, bonn_coordinator):
        with pytest.raises(ValidationError):
            services.add_result(bonn_coordinator, initiative, {"kind": "wish", "text": "x"})
        assert not initiative.results.exists()
