"""The guideline's notices: a submitted recommendation to the program office, a decision to
its author; each in the recipient's language, only after the commit."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.guide import services
from bruecken.guide.models import RecommendationStatus

from .conftest import make_recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices(office):
    """Three office accounts: German, English, and one deactivated (told nothing)."""
    english = user_with_role(Role.PROGRAM_OFFICE)
    english.language = "en"
    english.save(update_fields=["language"])
    gone = user_with_role(Role.PROGRAM_OFFICE)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return office, english


@pytest.fixture
def in_review(program, categories, result, bonn_facilitator):
    return make_recommendation(
        program,
        categories[0],
        bonn_facilitator,
        RecommendationStatus.IN_REVIEW,
        results=[result],
        title="Beirat öffnen",
    )


def test_submitting_tells_each_active_office_account_in_its_language(
    offices,
    bonn_facilitator,
    program,
    categories,
    result,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://bruecken.example"
    recommendation = make_recommendation(
        program, categories[0], bonn_facilitator, results=[result], title="Beirat öffnen"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_recommendation(bonn_facilitator, recommendation)
    german, english = offices
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([german.email, english.email])
    assert by_address[german.email].subject == "Eine Empfehlung wartet auf Ihre Prüfung"
    assert by_address[english.email].subject == "A recommendation waits for your review"
    url = f"https://bruecken.example/de/guide/recommendations/{recommendation.pk}/"
    assert url in by_address[german.email].body
    assert "„Beirat öffnen“ (Migration und Entwicklung)" in by_address[german.email].body
    assert "/en/guide/" in by_address[english.email].body


def test_the_office_submitting_is_not_told_of_its_own_submission(
    offices, program, categories, result, django_capture_on_commit_callbacks
):
    german, english = offices
    recommendation = make_recommendation(program, categories[0], german, results=[result])
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_recommendation(german, recommendation)
    assert [message.to for message in mail.outbox] == [[english.email]]


@pytest.mark.parametrize(
    ("decision", "subject"),
    [
        (RecommendationStatus.ACCEPTED, "Ihre Empfehlung wurde angenommen"),
        (RecommendationStatus.REJECTED, "Ihre Empfehlung wurde abgelehnt"),
        (RecommendationStatus.DRAFT, "Ihre Empfehlung wurde zur Überarbeitung zurückgegeben"),
    ],
)
def test_a_decision_tells_the_author_with_the_comment(
    office, in_review, bonn_facilitator, decision, subject, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_recommendation(office, in_review, decision, "Bitte mit Quellen & Zahlen.")
    (message,) = mail.outbox
    assert message.to == [bonn_facilitator.email]
    assert message.subject == subject
    assert "Bitte mit Quellen & Zahlen." in message.body
    assert "Beirat öffnen" in message.body
    assert f"/de/guide/recommendations/{in_review.pk}/" in message.body


def test_the_author_reads_the_decision_in_their_language(
    office, in_review, bonn_facilitator, django_capture_on_commit_callbacks
):
    bonn_facilitator.language = "en"
    bonn_facilitator.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.review_recommendation(office, in_review, RecommendationStatus.ACCEPTED)
    (message,) = mail.outbox
    assert message.subject == "Your recommendation was accepted"
    assert "comment" not in message.body


def test_nothing_is_sent_when_the_transaction_rolls_back(
    office,
    in_review,
    bonn_facilitator,
    program,
    categories,
    result,
    django_capture_on_commit_callbacks,
):
    draft = make_recommendation(program, categories[0], bonn_facilitator, results=[result])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.submit_recommendation(bonn_facilitator, draft)
        services.review_recommendation(office, in_review, RecommendationStatus.ACCEPTED)
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert mail.outbox == []


def test_failed_review_sends_nothing(office, in_review, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        services.review_recommendation(office, in_review, RecommendationStatus.REJECTED, "")
    assert callbacks == []
    assert mail.outbox == []
