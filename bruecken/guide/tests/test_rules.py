"""One test per rule of guide/rules.py, for every role."""

import pytest

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.guide.models import RecommendationStatus
from bruecken.places.tests.factories import MunicipalityFactory

from .conftest import make_recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(program, categories, bonn_facilitator):
    return make_recommendation(program, categories[0], bonn_facilitator)


@pytest.fixture
def outsider(db):
    return user_with_role(Role.COORDINATOR, municipality=MunicipalityFactory())


def test_propose_recommendation(
    office, bonn_facilitator, kiel_coordinator, participant, outsider, program
):
    assert office.has_perm("guide.propose_recommendation", program)
    assert bonn_facilitator.has_perm("guide.propose_recommendation", program)
    assert kiel_coordinator.has_perm("guide.propose_recommendation", program)
    assert bonn_facilitator.has_perm("guide.propose_recommendation", None)
    assert not outsider.has_perm("guide.propose_recommendation", program)
    assert not participant.has_perm("guide.propose_recommendation", program)
    assert not participant.has_perm("guide.propose_recommendation", None)


def test_view_recommendation(
    office, bonn_facilitator, kiel_coordinator, participant, outsider, draft
):
    assert office.has_perm("guide.view_recommendation", draft)
    assert bonn_facilitator.has_perm("guide.view_recommendation", draft)
    assert kiel_coordinator.has_perm("guide.view_recommendation", draft)
    assert not outsider.has_perm("guide.view_recommendation", draft)
    assert not participant.has_perm("guide.view_recommendation", draft)


def test_edit_recommendation(office, bonn_facilitator, kiel_coordinator, draft):
    assert office.has_perm("guide.edit_recommendation", draft)
    assert bonn_facilitator.has_perm("guide.edit_recommendation", draft)
    assert not kiel_coordinator.has_perm("guide.edit_recommendation", draft)
    draft.status = RecommendationStatus.IN_REVIEW
    assert not bonn_facilitator.has_perm("guide.edit_recommendation", draft)
    assert office.has_perm("guide.edit_recommendation", draft)


def test_submit_recommendation(office, bonn_facilitator, kiel_coordinator, draft):
    assert bonn_facilitator.has_perm("guide.submit_recommendation", draft)
    assert office.has_perm("guide.submit_recommendation", draft)
    assert not kiel_coordinator.has_perm("guide.submit_recommendation", draft)
    draft.status = RecommendationStatus.IN_REVIEW
    assert not bonn_facilitator.has_perm("guide.submit_recommendation", draft)
    assert not office.has_perm("guide.submit_recommendation", draft)


def test_review_recommendation(office, bonn_facilitator, bonn_coordinator, draft):
    assert office.has_perm("guide.review_recommendation", draft)
    assert not bonn_facilitator.has_perm("guide.review_recommendation", draft)
    assert not bonn_coordinator.has_perm("guide.review_recommendation", draft)


def test_manage_categories(office, bonn_coordinator, participant):
    assert office.has_perm("guide.manage_categories")
    assert not bonn_coordinator.has_perm("guide.manage_categories")
    assert not participant.has_perm("guide.manage_categories")


def test_manage_editions(office, bonn_coordinator, bonn_facilitator):
    assert office.has_perm("guide.manage_editions")
    assert not bonn_coordinator.has_perm("guide.manage_editions")
    assert not bonn_facilitator.has_perm("guide.manage_editions")


def test_view_edition(office, bonn_coordinator, edition):
    from django.contrib.auth.models import AnonymousUser

    assert office.has_perm("guide.view_edition", edition)
    assert not bonn_coordinator.has_perm("guide.view_edition", edition)
    assert not AnonymousUser().has_perm("guide.view_edition", edition)
    edition.number = 1
    edition.build_status = "done"
    assert AnonymousUser().has_perm("guide.view_edition", edition)
    assert bonn_coordinator.has_perm("guide.view_edition", edition)


def test_view_unredacted_edition(office, bonn_coordinator, participant, edition):
    from django.contrib.auth.models import AnonymousUser

    edition.number = 1
    edition.build_status = "done"
    assert office.has_perm("guide.view_unredacted_edition", edition)
    for user in (bonn_coordinator, participant, AnonymousUser()):
        assert not user.has_perm("guide.view_unredacted_edition", edition)
