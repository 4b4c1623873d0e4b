import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from bruecken.accounts.audit import history
from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.events.tests.factories import EventFactory
from bruecken.guide import services
from bruecken.guide.models import (
    BuildStatus,
    Category,
    Chapter,
    ChapterKind,
    Edition,
    RecommendationStatus,
)
from bruecken.programs.models import Result, ResultKind
from bruecken.programs.tests.factories import LocalProcessFactory

from .conftest import make_recommendation

pytestmark = pytest.mark.django_db


def _values(category, **evidence):
    return {
        "title": "Feste Ansprechperson benennen",
        "text": "Die Verwaltung benennt eine Ansprechperson.",
        "category": category,
        **evidence,
    }


def publish(user, edition, capture):
    with capture(execute=True):
        services.publish_edition(user, edition)
    return Edition.objects.get(pk=edition.pk)


# Categories


def test_default_categories_are_created_once():
    created = services.load_default_categories()
    assert len(created) == 7
    assert services.load_default_categories() == []
    assert Category.objects.count() == 7
    assert Category.objects.filter(name_en="Funding").exists()


def test_office_creates_updates_and_deletes_a_category(office):
    category = services.create_category(office, {"name": "Sport", "position": 9})
    services.update_category(office, category, {"name": "Sport und Kultur"})
    assert AuditEntry.objects.filter(object_type="guide.category").count() == 2
    services.delete_category(office, category)
    assert not Category.objects.filter(name="Sport und Kultur").exists()


def test_category_in_use_cannot_be_deleted(office, accepted):
    with pytest.raises(ValidationError):
        services.delete_category(office, accepted.category)


def test_coordinator_cannot_manage_categories(bonn_coordinator):
    with pytest.raises(PermissionDenied):
        services.create_category(bonn_coordinator, {"name": "Sport"})


# Recommendations


def test_facilitator_proposes_from_own_process(bonn_facilitator, program, categories, result):
    recommendation = services.propose_recommendation(
        bonn_facilitator, program, _values(categories[0], results=[result])
    )
    assert recommendation.status == RecommendationStatus.DRAFT
    assert recommendation.created_by == bonn_facilitator
    assert list(recommendation.results.all()) == [result]
    entry = history(recommendation).get()
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.changes["results"] == [None, [str(result)]]


def test_evidence_from_another_municipality_is_refused(
    kiel_coordinator, program, categories, result
):
    with pytest.raises(ValidationError) as error:
        services.propose_recommendation(
            kiel_coordinator, program, _values(categories[0], results=[result])
        )
    assert "results" in error.value.error_dict


def test_evidence_from_another_program_is_refused(office, program, categories):
    other = EventFactory(process=LocalProcessFactory())
    with pytest.raises(ValidationError):
        services.propose_recommendation(office, program, _values(categories[0], workshops=[other]))


def test_participant_cannot_propose(participant, program, categories):
    with pytest.raises(PermissionDenied):
        services.propose_recommendation(participant, program, _values(categories[0]))


def test_coordinator_outside_the_program_cannot_propose(categories, program):
    from bruecken.places.tests.factories import MunicipalityFactory

    elsewhere = user_with_role(Role.COORDINATOR, municipality=MunicipalityFactory())
    with pytest.raises(PermissionDenied):
        services.propose_recommendation(elsewhere, program, _values(categories[0]))


def test_bad_input_changes_nothing(bonn_facilitator, program, categories):
    with pytest.raises(ValidationError):
        services.propose_recommendation(bonn_facilitator, program, _values(categories[0], title=""))
    assert not program.recommendations.exists()
    assert not AuditEntry.objects.filter(object_type="guide.recommendation").exists()


def test_author_edits_draft_but_not_after_submitting(bonn_facilitator, program, categories, goal):
    recommendation = make_recommendation(program, categories[0], bonn_facilitator)
    services.update_recommendation(bonn_facilitator, recommendation, {"goals": [goal]})
    assert list(recommendation.goals.all()) == [goal]
    assert history(recommendation).filter(action=AuditEntry.Action.UPDATE).exists()
    services.submit_recommendation(bonn_facilitator, recommendation)
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.IN_REVIEW
    with pytest.raises(PermissionDenied):
        services.update_recommendation(bonn_facilitator, recommendation, {"title": "Neu"})


def test_other_facilitator_cannot_edit(program, categories, bonn, bonn_facilitator):
    recommendation = make_recommendation(program, categories[0], bonn_facilitator)
    colleague = user_with_role(Role.FACILITATOR, municipality=bonn)
    with pytest.raises(PermissionDenied):
        services.update_recommendation(colleague, recommendation, {"title": "Neu"})


def test_submitting_needs_evidence(bonn_facilitator, program, categories):
    recommendation = make_recommendation(program, categories[0], bonn_facilitator)
    with pytest.raises(ValidationError):
        services.submit_recommendation(bonn_facilitator, recommendation)
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DRAFT


@pytest.mark.parametrize("status", [RecommendationStatus.IN_REVIEW, RecommendationStatus.ACCEPTED])
def test_only_a_draft_is_submitted_even_by_a_superuser(office, program, categories, result, status):
    # The demo's program office is a superuser (for the admin), which passes every rule.
    office.is_superuser = True
    office.save(update_fields=["is_superuser"])
    recommendation = make_recommendation(program, categories[0], office, status, results=[result])
    with pytest.raises(ValidationError):
        services.submit_recommendation(office, recommendation)
    recommendation.refresh_from_db()
    assert recommendation.status == status


def test_office_accepts_and_the_decision_is_audited(office, program, categories, result):
    recommendation = make_recommendation(
        program, categories[0], office, RecommendationStatus.IN_REVIEW, results=[result]
    )
    services.review_recommendation(office, recommendation, RecommendationStatus.ACCEPTED, "Gut.")
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ACCEPTED
    comment = recommendation.comments.get()
    assert comment.text == "Gut." and comment.author == office
    with translation.override("en"):
        entry = history(recommendation).get()
    assert entry.changes["comment"] == [None, "Gut."]


@pytest.mark.parametrize("decision", [RecommendationStatus.REJECTED, RecommendationStatus.DRAFT])
def test_rejecting_or_returning_needs_a_comment(office, program, categories, result, decision):
    recommendation = make_recommendation(
        program, categories[0], office, RecommendationStatus.IN_REVIEW, results=[result]
    )
    with pytest.raises(ValidationError):
        services.review_recommendation(office, recommendation, decision, " ")
    services.review_recommendation(office, recommendation, decision, "Bitte belegen.")
    recommendation.refresh_from_db()
    assert recommendation.status == decision


def test_accepting_without_evidence_is_refused(office, program, categories):
    recommendation = make_recommendation(
        program, categories[0], office, RecommendationStatus.IN_REVIEW
    )
    with pytest.raises(ValidationError):
        services.review_recommendation(office, recommendation, RecommendationStatus.ACCEPTED)


def test_facilitator_cannot_review(bonn_facilitator, program, categories, result):
    recommendation = make_recommendation(
        program, categories[0], bonn_facilitator, RecommendationStatus.IN_REVIEW, results=[result]
    )
    with pytest.raises(PermissionDenied):
        services.review_recommendation(
            bonn_facilitator, recommendation, RecommendationStatus.ACCEPTED
        )


def test_unknown_decision_is_refused(office, accepted):
    with pytest.raises(ValidationError):
        services.review_recommendation(office, accepted, "maybe", "?")
    with pytest.raises(ValidationError):
        services.review_recommendation(office, accepted, RecommendationStatus.ACCEPTED)


def test_review_comment(office, accepted):
    services.comment_recommendation(office, accepted, "Bitte kürzen.")
    assert accepted.comments.get().text == "Bitte kürzen."
    with pytest.raises(ValidationError):
        services.comment_recommendation(office, accepted, "")


# Editions


def test_new_edition_has_the_default_chapters(edition):
    kinds = list(edition.chapters.values_list("kind", flat=True))
    assert kinds == ["program", "municipalities", "recommendations", "annex"]
    assert history(edition).exists()


def test_coordinator_cannot_compose(bonn_coordinator, program):
    with pytest.raises(PermissionDenied):
        services.create_edition(bonn_coordinator, program, {"title": "X"})


def test_chapters_are_added_moved_and_removed(office, edition):
    chapter = services.add_chapter(
        office, edition, {"kind": ChapterKind.TEXT, "title": "Einleitung", "text": "Hallo"}
    )
    assert chapter.position == 5
    for _ in range(5):
        services.move_chapter(office, chapter, -1)
    chapter.refresh_from_db()
    assert chapter.position == 1
    services.update_chapter(office, chapter, {"title": "Zur Einführung"})
    services.delete_chapter(office, chapter)
    assert list(edition.chapters.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_problems_before_publishing(office, edition, program, categories, process):
    services.add_chapter(office, edition, {"kind": ChapterKind.TEXT, "title": "Leer"})
    make_recommendation(program, categories[0], office, RecommendationStatus.IN_REVIEW)
    with translation.override("en"):
        found = services.problems(edition)
        assert "The program has no accepted recommendation yet." in found
        assert "Chapter 5 “Leer” is empty." in found
        # The empty recommendations chapter is the same problem, said once (whatever the
        # language its title was created in).
        assert "Chapter 3 " not in " ".join(found)
        with pytest.raises(ValidationError):
            services.publish_edition(office, edition)
    edition.refresh_from_db()
    assert edition.number is None and edition.snapshot is None


def test_accepted_recommendation_without_evidence_is_reported(office, edition, program, accepted):
    make_recommendation(
        program, accepted.category, office, RecommendationStatus.ACCEPTED, title="Ohne Belege"
    )
    with translation.override("en"):
        assert "The accepted recommendation “Ohne Belege” has no evidence." in services.problems(
            edition
        )


def test_edition_without_chapters_is_reported(office, program, accepted):
    edition = services.create_edition(office, program, {"title": "Leer"}, chapters=False)
    with translation.override("en"):
        found = services.problems(edition)
    assert "The edition has no chapters." in found


def test_publish_numbers_and_builds(
    office, edition, accepted, private_files, django_capture_on_commit_callbacks
):
    edition = publish(office, edition, django_capture_on_commit_callbacks)
    assert edition.number == 1
    assert edition.is_published
    assert edition.build_status == BuildStatus.DONE
    assert edition.pdf_file.read().startswith(b"%PDF")
    assert edition.docx_file.name.endswith(".docx")
    assert edition.html_file.name.endswith(".html")
    assert (private_files / edition.pdf_file.name).is_file()
    assert edition.snapshot["number"] == 1
    with pytest.raises(ValidationError):
        services.update_edition(office, edition, {"title": "Anders"})
    with pytest.raises(ValidationError):
        services.add_chapter(office, edition, {"kind": "text", "title": "X", "text": "Y"})
    second = services.create_edition(office, edition.program, {"title": "Zweite Auflage"})
    second = publish(office, second, django_capture_on_commit_callbacks)
    assert second.number == 2


def test_publish_is_refused_while_another_edition_builds(office, edition, program, accepted):
    services.publish_edition(office, edition)  # queued: the commit never comes in this test
    other = services.create_edition(office, program, {"title": "Parallel"})
    with pytest.raises(ValidationError):
        services.publish_edition(office, other)


def test_failed_build_keeps_the_previous_edition(
    office, edition, program, accepted, private_files, django_capture_on_commit_callbacks
):
    first = publish(office, edition, django_capture_on_commit_callbacks)
    pdf = first.pdf_file.read()
    second = services.create_edition(office, program, {"title": "Zweite Auflage"})
    with django_capture_on_commit_callbacks():
        services.publish_edition(office, second)

    def broken(content):
        raise RuntimeError("font missing")

    renderers = [("html", "HTML", lambda content: b"<html>"), ("pdf", "PDF", broken)]
    assert services.build_edition(second.pk, renderers) is False
    second.refresh_from_db()
    assert second.build_status == BuildStatus.FAILED
    assert "font missing" in second.build_error
    assert second.number is None and second.snapshot is None and not second.html_file
    first.refresh_from_db()
    assert first.number == 1 and first.pdf_file.read() == pdf
    assert sorted(p.name for p in private_files.rglob("*.*")) == sorted(
        p.split("/")[-1] for p in (first.pdf_file.name, first.docx_file.name, first.html_file.name)
    )
    # The draft can be published again; it gets the number handed back.
    second = publish(office, second, django_capture_on_commit_callbacks)
    assert second.number == 2


def test_publish_freezes_the_edition(
    office, edition, accepted, result, private_files, django_capture_on_commit_callbacks
):
    edition = publish(office, edition, django_capture_on_commit_callbacks)
    files = {kind: field.read() for kind, field in edition.files}
    snapshot = edition.snapshot
    from bruecken.guide.render import render_body

    body = render_body(edition.snapshot)
    Result.objects.filter(pk=result.pk).update(text="Ganz anderer Text.")
    accepted.title = "Geänderter Titel"
    accepted.save()
    edition = Edition.objects.get(pk=edition.pk)
    assert {kind: field.read() for kind, field in edition.files} == files
    assert edition.snapshot == snapshot
    assert render_body(edition.snapshot) == body
    assert "Ganz anderer Text." not in body


def test_pdf_contains_every_accepted_recommendation_and_its_municipalities(
    office,
    edition,
    program,
    accepted,
    categories,
    kiel,
    private_files,
    django_capture_on_commit_callbacks,
):
    from pypdf import PdfReader

    kiel_process = LocalProcessFactory(program=program, municipality=kiel)
    kiel_workshop = EventFactory(process=kiel_process, title="Initiativworkshop Kiel")
    second = make_recommendation(
        program,
        categories[3],
        office,
        RecommendationStatus.ACCEPTED,
        title="Partnerschaften mit der Diaspora beleben",
        workshops=[kiel_workshop],
    )
    make_recommendation(
        program, categories[1], office, RecommendationStatus.REJECTED, title="Abgelehnte Idee"
    )
    edition = publish(office, edition, django_capture_on_commit_callbacks)
    reader = PdfReader(io.BytesIO(edition.pdf_file.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    for recommendation, municipality in ((accepted, "Bonn"), (second, "Kiel")):
        assert recommendation.title in text
        assert municipality in text.split(recommendation.title, 1)[1][:400], text
    assert "Abgelehnte Idee" not in text
    assert "Verein ohne Einwilligung" not in text
    assert "Ghana Union Bonn" in text
    assert "Interne Frage" not in text
    assert len(reader.pages) >= 5
    assert reader.metadata.title == "Praxisleitfaden"


def test_docx_contains_every_accepted_recommendation(
    office, edition, accepted, private_files, django_capture_on_commit_callbacks
):
    from docx import Document

    edition = publish(office, edition, django_capture_on_commit_callbacks)
    document = Document(io.BytesIO(edition.docx_file.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert accepted.title in text
    assert "Bonn" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert accepted.title in headings
    assert "TOC" in document.element.xml


def test_pdf_build_is_deterministic(office, edition, accepted):
    from bruecken.guide.compose import compose
    from bruecken.guide.render import render_pdf

    content = compose(edition)
    assert render_pdf(content) == render_pdf(content)


def test_compose_counts_participants_and_network(edition, accepted, process):
    from bruecken.guide.compose import compose

    with translation.override("en"):
        content = compose(edition)
    municipalities = next(c for c in content["chapters"] if c["kind"] == "municipalities")
    bonn = next(m for m in municipalities["municipalities"] if m["name"] == "Bonn")
    assert [w["participants"] for w in bonn["workshops"]] == [2, 2, 2, 2]
    assert [g["title"] for g in bonn["goals"]] == ["Runder Tisch Migration"]
    assert [r["text"] for r in bonn["results"]] == [
        "Die Stadt lädt Migrantenorganisationen in den Beirat ein."
    ]
    assert bonn["network"]["before"]["edges"] == 0
    assert bonn["network"]["after"]["edges"] == 1
    assert bonn["network"]["after"]["edges_across"] == 1
    kiel = (
        next(m for m in municipalities["municipalities"] if m["name"] == "Kiel")
        if len(municipalities["municipalities"]) > 1
        else None
    )
    assert kiel is None  # Kiel has not started its process
    annex = next(c for c in content["chapters"] if c["kind"] == "annex")
    names = [o["name"] for o in annex["organisations"]]
    assert "Ghana Union Bonn" in names and "Verein ohne Einwilligung" not in names


def test_internal_results_are_not_quoted_as_evidence(office, edition, program, process, categories):
    from bruecken.guide.compose import compose

    internal = Result.objects.get(workshop__process=process, kind=ResultKind.OPEN_QUESTION)
    make_recommendation(
        program, categories[0], office, RecommendationStatus.ACCEPTED, results=[internal]
    )
    content = compose(edition)
    assert "Interne Frage" not in str(content)


def test_compare_shows_the_difference(
    office,
    edition,
    program,
    accepted,
    result,
    categories,
    private_files,
    django_capture_on_commit_callbacks,
):
    from bruecken.guide.compare import compare

    first = publish(office, edition, django_capture_on_commit_callbacks)
    Result.objects.filter(pk=result.pk).update(text="Der Beirat hat zwei neue Sitze.")
    added = make_recommendation(
        program, categories[1], office, RecommendationStatus.ACCEPTED, title="Neu", goals=[]
    )
    added.results.set([result])
    second = services.create_edition(office, program, {"title": "Praxisleitfaden"})
    second = publish(office, second, django_capture_on_commit_callbacks)
    difference = compare(first.snapshot, second.snapshot)
    assert difference["any_change"]
    assert [r["title"] for r in difference["added"]] == ["Neu"]
    assert [r["title"] for r in difference["changed"]] == [accepted.title]
    lines = [line for c in difference["chapters"] for line in c["lines"]]
    assert {"op": "added", "text": "Der Beirat hat zwei neue Sitze."} in [
        {"op": line["op"], "text": line["text"].split(" (")[0].split(": ", 1)[-1]} for line in lines
    ]
    assert compare(first.snapshot, first.snapshot)["any_change"] is False


def test_delete_draft_edition(office, edition):
    services.delete_edition(office, edition)
    assert not Edition.objects.filter(pk=edition.pk).exists()
    assert not Chapter.objects.filter(edition_id=edition.pk).exists()


def test_a_stalled_build_can_be_abandoned(office, edition, accepted, private_files):
    import datetime

    from django.utils import timezone

    services.publish_edition(office, edition)  # queued; no worker runs it in this test
    edition.refresh_from_db()
    with pytest.raises(ValidationError):
        services.abandon_build(office, edition)
    Edition.objects.filter(pk=edition.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    edition.refresh_from_db()
    assert services.is_stalled(edition)
    services.abandon_build(office, edition)
    edition.refresh_from_db()
    assert edition.build_status == BuildStatus.FAILED and edition.number is None
    # The worker wakes up after all: it finds the build abandoned and keeps nothing.
    Edition.objects.filter(pk=edition.pk).update(build_status=BuildStatus.QUEUED)
    assert services.build_edition(edition.pk) is False
    assert not list(private_files.rglob("*.pdf"))
