import pytest

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.events.tests.factories import EventFactory
from bruecken.programs.models import WorkshopKind
from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory


@pytest.fixture
def events(bonn, kiel):
    bonn_process = LocalProcessFactory(municipality=bonn)
    return {
        "bonn_draft": EventFactory(process=bonn_process, is_published=False),
        "bonn_published": EventFactory(process=bonn_process),
        "seminar": EventFactory(process=None, program=ProgramFactory(), kind=WorkshopKind.SEMINAR),
    }


@pytest.fixture
def users(office, bonn_coordinator, kiel_coordinator, bonn_facilitator, participant):
    return {
        "office": office,
        "bonn_coordinator": bonn_coordinator,
        "kiel_coordinator": kiel_coordinator,
        "bonn_facilitator": bonn_facilitator,
        "participant": participant,
        "no_role": user_with_role(Role.PARTICIPANT),
    }


def permitted(users, events, permission):
    return {
        (u, e)
        for u, user in users.items()
        for e, event in events.items()
        if user.has_perm(permission, event)
    }


def test_manage_event(users, events):
    assert permitted(users, events, "events.manage_event") == {
        ("office", "bonn_draft"),
        ("office", "bonn_published"),
        ("office", "seminar"),
        ("bonn_coordinator", "bonn_draft"),
        ("bonn_coordinator", "bonn_published"),
    }


def test_facilitate_event(users, events):
    assert permitted(users, events, "events.facilitate_event") == {
        ("office", "bonn_draft"),
        ("office", "bonn_published"),
        ("office", "seminar"),
        ("bonn_coordinator", "bonn_draft"),
        ("bonn_coordinator", "bonn_published"),
        ("bonn_facilitator", "bonn_draft"),
        ("bonn_facilitator", "bonn_published"),
    }


def test_view_event(users, events):
    everyone = {(u, e) for u in users for e in ("bonn_published", "seminar")}
    assert permitted(users, events, "events.view_event") == everyone | {
        ("office", "bonn_draft"),
        ("bonn_coordinator", "bonn_draft"),
        ("bonn_facilitator", "bonn_draft"),
    }


def test_goals_are_rated_once_the_workshop_has_a_date(bonn, bonn_facilitator, kiel_coordinator):
    """A rule, so that the rating service refuses an undated draft whatever calls it."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from bruecken.programs import services as program_services
    from bruecken.programs.models import Admission, Goal, GoalRating, Rating

    process = LocalProcessFactory(municipality=bonn)
    draft = EventFactory(
        process=process,
        kind=WorkshopKind.EVALUATION,
        admission=Admission.INITIATIVE_CIRCLE,
        starts_at=None,
        ends_at=None,
        is_published=False,
    )
    goal = Goal.objects.create(process=process, title="A", indicator="x")
    assert bonn_facilitator.has_perm("events.facilitate_event", draft)
    assert not bonn_facilitator.has_perm("events.rate_goals", draft)
    with pytest.raises(PermissionDenied):
        program_services.rate_goal(bonn_facilitator, draft, goal, Rating.ACHIEVED)
    assert not GoalRating.objects.exists()
    draft.starts_at = timezone.now()
    assert bonn_facilitator.has_perm("events.rate_goals", draft)
    assert not kiel_coordinator.has_perm("events.rate_goals", draft)
    program_services.rate_goal(bonn_facilitator, draft, goal, Rating.ACHIEVED)
    draft.cancelled_at = timezone.now()
    assert not bonn_facilitator.has_perm("events.rate_goals", draft)
