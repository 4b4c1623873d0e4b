"""The personal home page: every role lands there after signing in and finds what waits for it
(bruecken/waiting.py), each a link."""

import pytest
from django.urls import reverse
from django.utils import translation

from bruecken.accounts.tests.factories import UserFactory
from bruecken.guide.models import Category, Recommendation, RecommendationStatus
from bruecken.transfer.models import ImportRun
from bruecken.website.models import ContactMessage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_reset")]


def home(language="en"):
    with translation.override(language):
        return reverse("website:personal_home")


def recommendation(program, author, status):
    category = Category.objects.get_or_create(name="Strukturen", defaults={"position": 1})[0]
    return Recommendation.objects.create(
        program=program,
        title="Beirat",
        text="Text",
        category=category,
        status=status,
        created_by=author,
    )


def import_run(user, status=ImportRun.Status.CHECKED):
    return ImportRun.objects.create(
        kind="organisations", original_name="liste.csv", status=status, created_by=user
    )


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(home())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_nothing_waits(client):
    client.force_login(UserFactory())
    content = client.get(home()).content.decode()
    assert "Nothing waits for you at the moment." in content


def test_office_sees_reviews_imports_and_messages(
    client, office, program, bonn_facilitator, bonn_coordinator
):
    recommendation(program, bonn_facilitator, RecommendationStatus.IN_REVIEW)
    recommendation(program, bonn_facilitator, RecommendationStatus.IN_REVIEW)
    recommendation(program, bonn_facilitator, RecommendationStatus.ACCEPTED)
    run = import_run(bonn_coordinator)
    import_run(office, ImportRun.Status.DONE)
    ContactMessage.objects.create(
        kind="contact", email="a@example.org", message="Hallo", language="de"
    )
    client.force_login(office)
    content = client.get(home()).content.decode()
    assert (
        f'<a href="{reverse("guide:recommendation_list")}?status=in_review">'
        "2 recommendations wait for your review.</a>"
    ) in content
    assert (
        f'<a href="/en/transfer/imports/{run.pk}/">1 import waits to be finished or abandoned.</a>'
    ) in content
    assert "1 message from the website&#x27;s forms waits to be handled." in content


def test_coordinator_sees_own_imports_and_drafts_only(
    client, program, office, bonn_coordinator, kiel_coordinator
):
    import_run(office)
    import_run(bonn_coordinator)
    import_run(bonn_coordinator, ImportRun.Status.UPLOADED)
    recommendation(program, bonn_coordinator, RecommendationStatus.DRAFT)
    recommendation(program, kiel_coordinator, RecommendationStatus.DRAFT)
    recommendation(program, kiel_coordinator, RecommendationStatus.IN_REVIEW)
    ContactMessage.objects.create(
        kind="contact", email="a@example.org", message="Hallo", language="de"
    )
    client.force_login(bonn_coordinator)
    content = client.get(home()).content.decode()
    assert '<a href="/en/transfer/">2 imports wait to be finished or abandoned.</a>' in content
    assert "1 of your recommendations is a draft not yet submitted." in content
    assert "review" not in content
    assert "website&#x27;s forms" not in content


def test_in_german(client, office, program, bonn_facilitator):
    recommendation(program, bonn_facilitator, RecommendationStatus.IN_REVIEW)
    client.force_login(office)
    content = client.get(home("de")).content.decode()
    assert "<h1>Ihre Startseite</h1>" in content
    assert "1 Empfehlung wartet auf Ihre Prüfung." in content


def test_constant_queries(client, office, program, bonn_facilitator, django_assert_max_num_queries):
    client.force_login(office)
    client.get(home())
    for _ in range(5):
        recommendation(program, bonn_facilitator, RecommendationStatus.IN_REVIEW)
        import_run(office)
    with django_assert_max_num_queries(20):
        assert client.get(home()).status_code == 200


def test_only_the_home_link_is_marked_current(client, office):
    # "personal_home" starts like the people pages' names; the People link must not light up.
    client.force_login(office)
    content = client.get(home()).content.decode()
    assert content.count('aria-current="page"') == 1
    assert f'href="{home()}" aria-current="page"' in content
