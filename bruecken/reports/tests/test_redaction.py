"""After a withdrawn consent: stored process documentation of another municipality that named
the organisation is removed and made anew; the brochure (page and PDF) leaves the organisation
and the person out at once."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.accounts.models import AuditEntry
from bruecken.actors import services as actor_services
from bruecken.reports import services
from bruecken.reports.models import ProcessDocumentBuild

Status = ProcessDocumentBuild.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "_enqueue", calls.append)
    return calls


@pytest.fixture
def html_pdf(monkeypatch):
    """The PDF is the document's HTML: cheap, and its text can be read."""
    monkeypatch.setattr(services, "html_to_pdf", lambda html: html.encode())


@pytest.fixture
def kiel_public(world):
    """A Kiel organisation (a Bonn participant's) that consented: Bonn's documentation names it."""
    organisation = world.hidden_elsewhere
    organisation.consent_given_at = timezone.now()
    organisation.save()
    return organisation


def _built(office, process, language="de"):
    build = services.request_process_document_build(office, process, language)
    assert services.run_build(build.pk)
    build.refresh_from_db()
    return build


def test_withdrawn_organisation_of_another_municipality_leaves_the_stored_pdf(
    world, office, media, queued, html_pdf, kiel_public, django_capture_on_commit_callbacks
):
    build = _built(office, world.process, "en")
    stored = media / build.file.name
    assert kiel_public.name.encode() in stored.read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.withdraw_organisation_consent(office, kiel_public)
    build.refresh_from_db()
    assert build.status == Status.REMOVED and not build.file and build.error == services.WITHDRAWN
    assert not stored.exists()
    # A new one is queued in the same language, recorded in the audit log without a user.
    new = ProcessDocumentBuild.objects.get(status=Status.QUEUED)
    assert new.language == "en" and new.requested_by is None
    assert queued[-1] == new.pk
    assert AuditEntry.objects.filter(
        object_type="reports.processdocumentbuild", object_id=str(new.pk), user=None
    ).exists()
    assert services.run_build(new.pk)
    new.refresh_from_db()
    assert kiel_public.name.encode() not in new.file.read()


def test_the_page_says_why_the_file_went(
    world, office, media, queued, html_pdf, kiel_public, client, django_capture_on_commit_callbacks
):
    _built(office, world.process)
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.withdraw_organisation_consent(office, kiel_public)
    client.force_login(office)
    with translation.override("en"):
        page = client.get(reverse("reports:process_document", args=[world.process.pk]))
    assert "withdrawn its consent" in page.content.decode()


def test_own_municipalitys_organisation_and_people_change_nothing(
    world, office, media, queued, html_pdf, django_capture_on_commit_callbacks
):
    build = _built(office, world.process)
    person = world.migrant.memberships.first().person
    person.consent_given_at = timezone.now()
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        # Bonn's own organisations appear in Bonn's documentation with or without consent.
        actor_services.withdraw_organisation_consent(office, world.migrant)
        actor_services.withdraw_person_consent(office, person)
    build.refresh_from_db()
    assert build.status == Status.DONE and build.file
    assert not ProcessDocumentBuild.objects.filter(status=Status.QUEUED).exists()


def test_a_build_running_during_the_withdrawal_keeps_nothing(
    world, office, media, queued, kiel_public, monkeypatch
):
    build = services.request_process_document_build(office, world.process)

    def withdrawn_meanwhile(html):
        # The content was gathered while the organisation was public.
        assert kiel_public.name in html
        services.remove_documents_naming(kiel_public)
        return html.encode()

    monkeypatch.setattr(services, "html_to_pdf", withdrawn_meanwhile)
    assert services.run_build(build.pk) is False
    build.refresh_from_db()
    assert build.status == Status.REMOVED and not build.file
    assert not [p for p in media.rglob("*.pdf")]
    assert ProcessDocumentBuild.objects.filter(status=Status.QUEUED).count() == 1


def test_a_queued_build_is_not_doubled(world, office, queued, kiel_public):
    services.request_process_document_build(office, world.process)
    assert services.remove_documents_naming(kiel_public) == []
    assert ProcessDocumentBuild.objects.count() == 1


def test_brochure_page_and_pdf_leave_a_withdrawn_contact(
    directory, bonn, office, client, settings, django_capture_on_commit_callbacks
):
    from bruecken.actors.models import Person

    settings.WEBSITE_CACHE_SECONDS = 600
    contact = Person.objects.get(name="Ama Mensah")
    with translation.override("de"):
        page = reverse("reports:brochure", args=[bonn.pk])
        pdf = reverse("reports:brochure_pdf", args=[bonn.pk])
    assert "Ama Mensah" in client.get(page).content.decode()
    assert b"%PDF" in client.get(pdf).content[:10]
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.withdraw_person_consent(office, contact)
    assert "Ama Mensah" not in client.get(page).content.decode()
    from .test_services import pdf_text

    assert "Ama Mensah" not in pdf_text(client.get(pdf).content)
