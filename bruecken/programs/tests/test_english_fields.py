"""Goals and results written for the public carry English versions, set through the forms and
services like the German ones and kept in the audit log."""

from datetime import date

import pytest

from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Organisation
from bruecken.events.forms import GoalForm, ResultForm
from bruecken.events.tests.factories import EventFactory
from bruecken.programs import services
from bruecken.programs.models import Admission, ResultKind, WorkshopKind
from bruecken.programs.tests.factories import LocalProcessFactory


@pytest.fixture
def initiative(bonn):
    return EventFactory(
        process=LocalProcessFactory(municipality=bonn),
        kind=WorkshopKind.INITIATIVE,
        admission=Admission.INVITED,
    )


def test_goal_in_both_languages(initiative, bonn_coordinator):
    form = GoalForm(
        {
            "title": "Runder Tisch",
            "title_en": "Round table",
            "description": "Alle an einen Tisch.",
            "description_en": "Everyone at one table.",
            "indicator": "Vier Treffen",
            "indicator_en": "Four meetings",
            "target_date": date(2027, 6, 30),
        },
        organisations=Organisation.objects.none(),
    )
    assert form.is_valid(), form.errors
    goal = services.add_goal(bonn_coordinator, initiative, form.cleaned_data)
    goal.refresh_from_db()
    assert (goal.title_en, goal.description_en, goal.indicator_en) == (
        "Round table",
        "Everyone at one table.",
        "Four meetings",
    )
    services.update_goal(bonn_coordinator, goal, {"title_en": "Round table of all"})
    entry = AuditEntry.objects.filter(object_type="programs.goal").latest("pk")
    assert entry.changes["title_en"] == ["Round table", "Round table of all"]


def test_result_in_both_languages(initiative, bonn_coordinator):
    form = ResultForm(
        {
            "kind": ResultKind.AGREEMENT,
            "text": "Vereinbarung zum Beirat",
            "text_en": "Agreement on the advisory board",
            "status": "planned",
        },
        goals=None,
        organisations=Organisation.objects.none(),
    )
    assert form.is_valid(), form.errors
    result = services.add_result(bonn_coordinator, initiative, form.cleaned_data)
    result.refresh_from_db()
    assert result.text_en == "Agreement on the advisory board"
    services.update_result(bonn_coordinator, result, {"text_en": "Advisory board agreed"})
    result.refresh_from_db()
    assert result.text_en == "Advisory board agreed"
