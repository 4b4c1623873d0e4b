"""Requesting and running builds, and the brochure's PDF: audit entries, one build at a time,
lost builds, failures that keep the previous file, and a withdrawn consent."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from pypdf import PdfReader

from bruecken.accounts.models import AuditEntry
from bruecken.actors import services as actor_services
from bruecken.reports import services
from bruecken.reports.models import ProcessDocumentBuild

Status = ProcessDocumentBuild.Status


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def queued(monkeypatch):
    """Builds are requested but not run (the task is not enqueued)."""
    calls = []
    monkeypatch.setattr(services, "_enqueue", calls.append)
    return calls


def test_request_queues_a_build_and_records_it(
    world, bonn_coordinator, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        build = services.request_process_document_build(bonn_coordinator, world.process)
    assert build.status == Status.QUEUED
    assert build.language == "en"
    assert build.requested_by == bonn_coordinator
    assert queued == [build.pk]
    entry = AuditEntry.objects.get(object_type="reports.processdocumentbuild")
    assert entry.user == bonn_coordinator
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.changes["language"] == [None, "en"]
    assert {s.key for s in entry.subjects.all()} >= {f"programs.localprocess:{world.process.pk}"}


def test_wrong_role_may_not_request(world, kiel_coordinator, participant, queued):
    for user in (kiel_coordinator, participant):
        with pytest.raises(PermissionDenied):
            services.request_process_document_build(user, world.process)
    assert not ProcessDocumentBuild.objects.exists()
    assert not AuditEntry.objects.filter(object_type="reports.processdocumentbuild").exists()


def test_one_build_at_a_time(world, office, queued):
    services.request_process_document_build(office, world.process)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.request_process_document_build(office, world.process)
    assert refused.value.code == "in_progress"
    assert ProcessDocumentBuild.objects.count() == 1


def test_a_lost_build_no_longer_blocks(world, office, queued):
    lost = services.request_process_document_build(office, world.process)
    ProcessDocumentBuild.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - services.STALE_AFTER - datetime.timedelta(minutes=1)
    )
    services.request_process_document_build(office, world.process)
    lost.refresh_from_db()
    assert lost.status == Status.FAILED
    assert lost.error == services.STALE
    with translation.override("en"):
        assert "did not finish" in str(services.error_text(lost))


def test_unknown_language_falls_back_to_the_default(world, office, queued):
    build = services.request_process_document_build(office, world.process, language="fr")
    assert build.language == "de"


def test_build_runs_in_the_background_and_keeps_the_file(
    world, office, media, django_capture_on_commit_callbacks
):
    # Tests run tasks at once (ImmediateBackend), once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True), translation.override("de"):
        build = services.request_process_document_build(office, world.process)
    build.refresh_from_db()
    assert build.status == Status.DONE
    assert build.progress == 100
    assert build.started_at and build.finished_at
    assert build.filename.endswith(".pdf")
    assert build.size == build.file.size
    text = pdf_text(build.file.read())
    assert "Initiativworkshop Bonn" in text
    assert (media / build.file.name).is_file()


def test_a_queued_build_runs_once(world, office, media, queued):
    build = services.request_process_document_build(office, world.process)
    assert services.run_build(build.pk) is True
    assert services.run_build(build.pk) is False


def test_failed_build_keeps_the_previous_file(world, office, media, queued, monkeypatch):
    first = services.request_process_document_build(office, world.process)
    services.run_build(first.pk)
    first.refresh_from_db()
    previous = first.file.name

    def broken(html):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "html_to_pdf", broken)
    second = services.request_process_document_build(office, world.process)
    assert services.run_build(second.pk) is False
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == Status.FAILED
    assert second.error == "RuntimeError: no fonts"
    assert not second.file
    assert first.status == Status.DONE
    assert first.file.name == previous
    assert (media / previous).is_file()


def test_brochure_groups_by_kind_then_region(directory, bonn):
    from bruecken.reports.content import brochure

    with translation.override("de"):
        report = brochure(bonn)
        migrant = report["kinds"][0]
        regions = [group.name for group in migrant.regions]
    assert report["organisation_count"] == 2
    kinds = [kind.kind for kind in report["kinds"]]
    assert kinds == ["migrant_organisation", "ngo"]
    assert regions == ["Afrika", "Lateinamerika und Karibik"]
    # The full entry once, a reference in the second region.
    assert [first for group in migrant.regions for _o, first in group.entries] == [True, False]
    organisation = migrant.regions[0].entries[0][0]
    assert [m.person.name for m in organisation.public_contacts] == ["Ama Mensah"]


def test_brochure_pdf_holds_the_public_organisations_only(directory, bonn):
    with translation.override("de"):
        text = pdf_text(services.brochure_pdf(bonn))
    assert "Ghanaischer Verein Bonn" in text
    assert "Eine Welt Forum Bonn" in text
    assert "Ama Mensah" in text
    assert "Stiller Verein Bonn" not in text
    assert "Stadt Bonn Internationales" not in text
    assert "Kofi Privat" not in text


def test_brochure_pdf_numbers_its_pages(directory, bonn):
    with translation.override("en"):
        pages = [
            page.extract_text() for page in PdfReader(io.BytesIO(services.brochure_pdf(bonn))).pages
        ]
    assert "Page" not in pages[0]  # the title page
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    # The running header names the document from the second page on.
    assert "Organisations in Bonn" in pages[-1].splitlines()[-2]


def test_withdrawn_consent_leaves_the_next_download(
    directory, bonn, office, settings, django_capture_on_commit_callbacks
):
    settings.WEBSITE_CACHE_SECONDS = 600
    with translation.override("de"):
        before = services.brochure_pdf(bonn)
        # Kept for the content version: the second download is the same file.
        assert services.brochure_pdf(bonn) is before or services.brochure_pdf(bonn) == before
        assert "Eine Welt Forum Bonn" in pdf_text(before)
        ngo = directory.migrant.municipality.organisations.get(name="Eine Welt Forum Bonn")
        with django_capture_on_commit_callbacks(execute=True):
            actor_services.withdraw_organisation_consent(office, ngo)
        after = services.brochure_pdf(bonn)
    assert "Eine Welt Forum Bonn" not in pdf_text(after)
    assert "Ghanaischer Verein Bonn" in pdf_text(after)


def test_files_go_with_their_process(
    world, office, media, queued, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "html_to_pdf", lambda html: b"%PDF-1.7\n")
    build = services.request_process_document_build(office, world.process)
    services.run_build(build.pk)
    build.refresh_from_db()
    stored = media / build.file.name
    assert stored.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        world.process.delete()
    assert not stored.exists()
    assert not ProcessDocumentBuild.objects.exists()
