import html
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from bruecken.accounts.tests.factories import PASSWORD
from bruecken.guide import services
from bruecken.guide.models import (
    BuildStatus,
    Category,
    Chapter,
    ChapterKind,
    Edition,
    Recommendation,
    RecommendationStatus,
)
from bruecken.programs.models import Result

from .conftest import make_recommendation

pytestmark = pytest.mark.django_db


def url(name, *args, query=""):
    with translation.override("en"):
        return reverse(f"guide:{name}", args=args) + query


@pytest.fixture
def login(client):
    def login(user):
        client.login(email=user.email, password=PASSWORD)
        return client

    return login


@pytest.fixture
def published(office, edition, accepted, private_files, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_edition(office, edition)
    return Edition.objects.get(pk=edition.pk)


# Recommendations


def test_recommendation_list(login, bonn_facilitator, accepted, django_assert_max_num_queries):
    client = login(bonn_facilitator)
    for index in range(5):
        make_recommendation(accepted.program, accepted.category, None, title=f"R{index}")
    with django_assert_max_num_queries(12):
        response = client.get(url("recommendation_list"))
    assert response.status_code == 200
    assert accepted.title in response.content.decode()
    response = client.get(url("recommendation_list", query="?status=draft"))
    assert accepted.title not in response.content.decode()
    assert "R4" in response.content.decode()


def test_recommendation_list_refuses_participants(login, participant, client):
    assert client.get(url("recommendation_list")).status_code == 302
    assert login(participant).get(url("recommendation_list")).status_code == 403


def test_recommendation_new_goes_to_the_only_program(login, bonn_facilitator, program):
    response = login(bonn_facilitator).get(url("recommendation_new"))
    assert response.status_code == 302
    assert response.url == url("recommendation_create", program.pk)


def test_facilitator_proposes_through_the_form(
    login, bonn_facilitator, program, categories, result
):
    client = login(bonn_facilitator)
    page = client.get(url("recommendation_create", program.pk))
    assert page.status_code == 200
    # Results are typed and picked: without JavaScript, a search step offers them.
    assert 'name="results__search"' in page.content.decode()
    step = client.post(
        url("recommendation_create", program.pk), {"results__search": result.text[:30]}
    )
    assert f'name="results" value="{result.pk}"' in step.content.decode()
    response = client.post(
        url("recommendation_create", program.pk),
        {
            "title": "Ansprechperson benennen",
            "text": "Die Verwaltung benennt eine Ansprechperson.",
            "category": categories[0].pk,
            "results": [result.pk],
        },
    )
    recommendation = Recommendation.objects.get(title="Ansprechperson benennen")
    assert response.status_code == 302
    assert response.url == recommendation.get_absolute_url()
    assert list(recommendation.results.all()) == [result]


def test_workshops_and_goals_are_picked(login, bonn_facilitator, program, categories, process):
    client = login(bonn_facilitator)
    page = client.get(url("recommendation_create", program.pk)).content.decode()
    # Pickers, no list of every workshop.
    assert 'name="workshops__search"' in page
    assert 'type="checkbox" name="workshops"' not in page
    workshop = process.test_workshops[0]
    found = client.get(reverse("picker", args=["workshops"]), {"q": workshop.title[:6]}).json()
    assert str(workshop.pk) in [row["value"] for row in found["results"]]
    assert all("Bonn" in row["hint"] for row in found["results"])
    # A goal's hint tells how it was rated.
    goals = client.get(reverse("picker", args=["rated_goals"]), {"q": "tisch"}).json()
    assert [row["label"] for row in goals["results"]] == ["Runder Tisch Migration"]
    assert "achieved" in goals["results"][0]["hint"] or "erreicht" in goals["results"][0]["hint"]
    response = client.post(
        url("recommendation_create", program.pk),
        {
            "title": "Werkstätten zitieren",
            "text": "Die Werkstätten zeigen es.",
            "category": categories[0].pk,
            "workshops": [workshop.pk],
        },
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(title="Werkstätten zitieren")
    assert list(recommendation.workshops.all()) == [workshop]


def test_workshops_of_another_municipality_are_refused(
    login, kiel_coordinator, program, categories, process
):
    client = login(kiel_coordinator)
    workshop = process.test_workshops[0]
    page = client.get(url("recommendation_create", program.pk)).content.decode()
    # The picker offers what the form takes (its signed scope): Kiel's workshops, not Bonn's
    # published ones.
    address = re.search(r'data-url="([^"]*/workshops/[^"]*)"', page).group(1)
    address = html.unescape(address) + "&" + urlencode({"q": workshop.title[:6]})
    found = client.get(address).json()
    assert found["results"] == []
    response = client.post(
        url("recommendation_create", program.pk),
        {"title": "X", "text": "Y", "category": categories[0].pk, "workshops": [workshop.pk]},
    )
    assert response.status_code == 200
    assert not Recommendation.objects.exists()


def test_bad_recommendation_shows_errors(login, bonn_facilitator, program, categories):
    response = login(bonn_facilitator).post(
        url("recommendation_create", program.pk), {"title": "", "text": "", "category": ""}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_evidence_of_another_municipality_is_not_offered(
    login, kiel_coordinator, program, categories, result
):
    client = login(kiel_coordinator)
    page = client.get(url("recommendation_create", program.pk))
    assert result.text[:40] not in page.content.decode()
    response = client.post(
        url("recommendation_create", program.pk),
        {"title": "X", "text": "Y", "category": categories[0].pk, "results": [result.pk]},
    )
    assert response.status_code == 200
    assert not Recommendation.objects.exists()


def test_detail_edit_and_submit(login, bonn_facilitator, program, categories, goal):
    recommendation = make_recommendation(program, categories[0], bonn_facilitator)
    client = login(bonn_facilitator)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert url("recommendation_edit", recommendation.pk) in page
    response = client.post(
        url("recommendation_edit", recommendation.pk),
        {
            "title": "Neuer Titel",
            "text": recommendation.text,
            "category": categories[1].pk,
            "goals": [goal.pk],
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.title == "Neuer Titel"
    response = client.post(url("recommendation_submit", recommendation.pk))
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.IN_REVIEW
    assert client.get(url("recommendation_edit", recommendation.pk)).status_code == 403


def test_submit_without_evidence_says_why(login, bonn_facilitator, program, categories):
    recommendation = make_recommendation(program, categories[0], bonn_facilitator)
    client = login(bonn_facilitator)
    with translation.override("en"):
        response = client.post(
            url("recommendation_submit", recommendation.pk), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "Link at least one result" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DRAFT


def test_outsider_cannot_see_a_recommendation(login, accepted):
    from bruecken.accounts.models import Role
    from bruecken.accounts.tests.factories import user_with_role
    from bruecken.places.tests.factories import MunicipalityFactory

    outsider = user_with_role(Role.COORDINATOR, municipality=MunicipalityFactory())
    assert login(outsider).get(accepted.get_absolute_url()).status_code == 403


def test_office_reviews(login, office, program, categories, result):
    recommendation = make_recommendation(
        program, categories[0], None, RecommendationStatus.IN_REVIEW, results=[result]
    )
    client = login(office)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert url("recommendation_review", recommendation.pk) in page
    response = client.post(
        url("recommendation_review", recommendation.pk), {"decision": "rejected", "comment": ""}
    )
    assert response.status_code == 400
    response = client.post(
        url("recommendation_review", recommendation.pk), {"decision": "accepted", "comment": "Gut"}
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ACCEPTED
    assert "Gut" in client.get(recommendation.get_absolute_url()).content.decode()
    response = client.post(url("recommendation_comment", recommendation.pk), {"comment": "Noch"})
    assert response.status_code == 302
    assert recommendation.comments.count() == 2


def test_facilitator_cannot_review(login, bonn_facilitator, accepted):
    client = login(bonn_facilitator)
    response = client.post(
        url("recommendation_review", accepted.pk), {"decision": "rejected", "comment": "x"}
    )
    assert response.status_code == 403
    assert (
        client.post(url("recommendation_comment", accepted.pk), {"comment": "x"}).status_code == 403
    )


# Categories


def test_categories(login, office, categories):
    client = login(office)
    assert client.get(url("category_list")).status_code == 200
    response = client.post(url("category_list"), {"name": "Sport", "position": 8})
    assert response.status_code == 302
    sport = Category.objects.get(name="Sport")
    response = client.post(
        url("category_edit", sport.pk), {"name": "Sport", "name_en": "Sports", "position": 8}
    )
    assert response.status_code == 302
    assert Category.objects.get(pk=sport.pk).name_en == "Sports"
    response = client.post(url("category_list"), {"name": "Sport", "position": 1})
    assert response.status_code == 200
    assert client.post(url("category_delete", sport.pk), {"confirm": "yes"}).status_code == 302
    assert not Category.objects.filter(pk=sport.pk).exists()


def test_categories_need_the_office(login, bonn_coordinator, categories):
    client = login(bonn_coordinator)
    assert client.get(url("category_list")).status_code == 403
    assert client.get(url("category_edit", categories[0].pk)).status_code == 403


# Editions


def test_edition_list_shows_drafts_only_to_the_office(client, login, edition, office):
    assert edition.title not in client.get(url("edition_list")).content.decode()
    assert edition.title in login(office).get(url("edition_list")).content.decode()


def test_office_creates_an_edition(login, office, program):
    response = login(office).post(
        url("edition_create"), {"program": program.pk, "title": "Leitfaden", "language": "de"}
    )
    edition = Edition.objects.get(title="Leitfaden")
    assert response.url == url("edition_detail", edition.pk)
    assert edition.chapters.count() == 4


def test_composer_says_what_is_missing(login, office, edition, process):
    client = login(office)
    response = client.get(url("edition_detail", edition.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="problems"' in page
    assert url("edition_publish", edition.pk) not in page
    response = client.post(url("edition_publish", edition.pk), follow=True)
    edition.refresh_from_db()
    assert edition.number is None
    assert "message-error" in response.content.decode()


def test_composer_publishes(
    login, office, edition, accepted, private_files, django_capture_on_commit_callbacks
):
    client = login(office)
    page = client.get(url("edition_detail", edition.pk)).content.decode()
    assert url("edition_publish", edition.pk) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("edition_publish", edition.pk))
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.is_published
    page = client.get(url("edition_detail", edition.pk)).content.decode()
    assert url("edition_file", edition.pk, "pdf") in page
    assert url("edition_publish", edition.pk) not in page


def test_build_status(login, office, edition):
    client = login(office)
    Edition.objects.filter(pk=edition.pk).update(
        build_status=BuildStatus.RUNNING, build_percent=40, build_step="Rendering the PDF"
    )
    response = client.get(url("edition_status", edition.pk), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<progress" in page and 'value="40"' in page and "hx-trigger" in page
    assert "<html" not in page
    full = client.get(url("edition_status", edition.pk)).content.decode()
    assert "<html" in full and "<progress" in full
    Edition.objects.filter(pk=edition.pk).update(
        build_status=BuildStatus.FAILED, build_error="RuntimeError: font missing"
    )
    page = client.get(url("edition_detail", edition.pk)).content.decode()
    assert "font missing" in page


def test_chapters_through_the_composer(login, office, edition):
    client = login(office)
    response = client.post(
        url("chapter_add", edition.pk), {"kind": ChapterKind.TEXT, "title": "Dank", "text": "Danke"}
    )
    assert response.status_code == 302
    chapter = Chapter.objects.get(title="Dank")
    assert client.get(url("chapter_edit", chapter.pk)).status_code == 200
    client.post(url("chapter_edit", chapter.pk), {"kind": "text", "title": "Dank", "text": "Neu"})
    client.post(url("chapter_move", chapter.pk), {"direction": "up"})
    chapter.refresh_from_db()
    assert chapter.text == "Neu" and chapter.position == 4
    assert client.post(url("chapter_add", edition.pk), {"kind": "", "title": ""}).status_code == 200
    client.post(url("chapter_delete", chapter.pk), {"confirm": "yes"})
    assert not Chapter.objects.filter(pk=chapter.pk).exists()
    response = client.post(url("edition_edit", edition.pk), {"title": "T", "language": "en"})
    assert response.status_code == 302


def test_composer_needs_the_office(login, bonn_coordinator, edition):
    client = login(bonn_coordinator)
    assert client.get(url("edition_detail", edition.pk)).status_code == 403
    assert client.post(url("edition_publish", edition.pk)).status_code == 403
    assert client.get(url("edition_create")).status_code == 403


def test_draft_preview_only_for_the_office(client, login, office, edition, accepted):
    assert client.get(url("edition_read", edition.pk)).status_code == 403
    response = login(office).get(url("edition_read", edition.pk))
    assert response.status_code == 200
    assert accepted.title in response.content.decode()


def test_published_web_edition_is_public_and_frozen(client, published, accepted, result):
    response = client.get(url("edition_read", published.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert accepted.title in page and 'href="#chapter-3"' in page and 'id="chapter-3"' in page
    Result.objects.filter(pk=result.pk).update(text="Geändert nach der Veröffentlichung.")
    again = client.get(url("edition_read", published.pk)).content.decode()
    assert "Geändert nach der Veröffentlichung." not in again
    assert result.text in again


def test_files_are_served_from_storage(client, published):
    response = client.get(url("edition_file", published.pk, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == published.pdf_file.read()
    response = client.get(url("edition_file", published.pk, "docx"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert client.get(url("edition_file", published.pk, "exe")).status_code == 404


def test_draft_files_are_not_served(client, login, office, edition):
    assert client.get(url("edition_file", edition.pk, "pdf")).status_code == 403
    assert login(office).get(url("edition_file", edition.pk, "pdf")).status_code == 404


def test_compare(
    client, office, published, program, result, private_files, django_capture_on_commit_callbacks
):
    Result.objects.filter(pk=result.pk).update(text="Der Beirat hat zwei neue Sitze.")
    second = services.create_edition(office, program, {"title": "Praxisleitfaden"})
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_edition(office, second)
    response = client.get(url("edition_compare", second.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<ins>" in page and "<del>" in page
    assert "Der Beirat hat zwei neue Sitze." in page
    response = client.get(url("edition_compare", second.pk, query=f"?a={published.pk}&b=999"))
    assert response.status_code == 400


def test_compare_of_a_draft_is_not_found(login, office, edition):
    assert login(office).get(url("edition_compare", edition.pk)).status_code == 404


def test_delete_draft(login, office, edition):
    response = login(office).post(url("edition_delete", edition.pk), {"confirm": "yes"})
    assert response.status_code == 302
    assert not Edition.objects.filter(pk=edition.pk).exists()


def test_abandon_a_stalled_build(login, office, edition, accepted):
    import datetime

    from django.utils import timezone

    services.publish_edition(office, edition)
    client = login(office)
    response = client.post(url("edition_abandon_build", edition.pk), follow=True)
    assert "message-error" in response.content.decode()
    Edition.objects.filter(pk=edition.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    page = client.get(url("edition_detail", edition.pk)).content.decode()
    assert url("edition_abandon_build", edition.pk) in page
    client.post(url("edition_abandon_build", edition.pk))
    edition.refresh_from_db()
    assert edition.build_status == BuildStatus.FAILED and edition.number is None


def test_edition_list_queries(login, office, program, django_assert_max_num_queries):
    for number in range(6):
        services.create_edition(office, program, {"title": f"Ausgabe {number}"})
    client = login(office)
    with django_assert_max_num_queries(10):
        response = client.get(url("edition_list"))
    assert response.content.decode().count("Ausgabe ") == 6


# Wording on English pages


def test_recommendation_history_names_the_fields(login, office, program, categories, result):
    from bruecken.accounts import audit
    from bruecken.accounts.models import AuditEntry

    recommendation = make_recommendation(
        program, categories[0], None, RecommendationStatus.IN_REVIEW, results=[result]
    )
    with translation.override("de"):
        fields = ["title", "text", "category", "status"]
        changes = audit.diff({}, audit.snapshot(recommendation, fields))
        audit.record(office, AuditEntry.Action.CREATE, recommendation, changes)
    page = login(office).get(recommendation.get_absolute_url()).content.decode()
    history = page.split('id="history-heading"')[1]
    assert "; title" not in history and "title; text; category" not in page
    assert "<td>Title</td>" in history and "<td>Category</td>" in history
    assert "<td>in review</td>" in history and "in Prüfung" not in history
    assert f'<td lang="de">{recommendation.title}</td>' in history


def test_recommendation_marks_its_german_text_on_english_pages(login, office, accepted):
    client = login(office)
    address = url("recommendation_detail", accepted.pk)
    page = client.get(address).content.decode()
    assert f'<h1 lang="de">{accepted.title}</h1>' in page
    assert '<div class="content-body" lang="de">' in page
    assert '<span lang="de">Die Stadt lädt Migrantenorganisationen' in page
    german = client.get(address.replace("/en/", "/de/", 1)).content.decode()
    assert 'lang="de"' not in german.split("<main")[1].split("</main>")[0]


def test_an_edition_is_named_with_its_number(edition):
    edition.number = 2
    with translation.override("en"):
        assert str(edition) == "Praxisleitfaden, edition 2"
    with translation.override("de"):
        assert str(edition) == "Praxisleitfaden, Ausgabe 2"


def test_the_composer_status_follows_the_build(login, office, edition):
    """The panel polled during the build also updates the status at the top of the page: it
    said "being published" until reloaded."""
    client = login(office)
    Edition.objects.filter(pk=edition.pk).update(build_status=BuildStatus.RUNNING)
    page = client.get(url("edition_detail", edition.pk)).content.decode()
    assert '<span id="edition-state">being published</span>' in page
    Edition.objects.filter(pk=edition.pk).update(
        build_status=BuildStatus.DONE, number=1, published_at="2026-12-07T10:00:00Z"
    )
    response = client.get(url("edition_status", edition.pk), HTTP_HX_REQUEST="true")
    swapped = response.content.decode()
    assert '<span id="edition-state" hx-swap-oob="innerHTML">Edition 1, published</span>' in swapped
    assert "hx-trigger" not in swapped
