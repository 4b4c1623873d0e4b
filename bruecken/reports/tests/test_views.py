"""The report pages: who may open them, what they show, the build's progress and files, and
the public brochure."""

import pytest

from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.reports import services
from bruecken.reports.models import ProcessDocumentBuild
from bruecken.tests.helpers import url_maker

Status = ProcessDocumentBuild.Status


url = url_maker("reports", language="en")


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "_enqueue", calls.append)
    return calls


@pytest.fixture
def done_build(world, office, media, queued, monkeypatch):
    # The pages need a stored file, not a real PDF (the PDF has tests of its own).
    monkeypatch.setattr(services, "html_to_pdf", lambda html: b"%PDF-1.7\n% stand-in\n")
    build = services.request_process_document_build(office, world.process)
    services.run_build(build.pk)
    build.refresh_from_db()
    return build


# The process documentation page


@pytest.mark.parametrize("role", ["office", "bonn_coordinator", "bonn_facilitator"])
def test_staff_of_the_process_open_the_documentation(client, world, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url("process_document", world.process.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Initiativworkshop Bonn" in html
    assert 'href="#report-goals"' in html
    assert 'id="report-goals"' in html
    assert "Runden Tisch" in html  # minutes, rendered from Markdown
    assert "<strong>Runden Tisch</strong>" in html
    # Figures and organisations, no participants' names or addresses.
    assert "@example.org" not in html
    assert "Person " not in html


@pytest.mark.parametrize("role", ["kiel_coordinator", "participant", "representative"])
def test_other_roles_are_refused(client, world, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url("process_document", world.process.pk)).status_code == 403
    assert client.post(url("process_document_build", world.process.pk)).status_code == 403
    assert not ProcessDocumentBuild.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(url("process_document", world.process.pk))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_unknown_process(client, office, db):
    client.force_login(office)
    assert client.get(url("process_document", 999999)).status_code == 404


def test_page_queries_stay_few(client, world, office, django_assert_max_num_queries):
    client.force_login(office)
    with django_assert_max_num_queries(25):
        assert client.get(url("process_document", world.process.pk)).status_code == 200


def test_request_a_build(client, world, bonn_coordinator, queued):
    client.force_login(bonn_coordinator)
    response = client.post(url("process_document_build", world.process.pk, language="de"))
    assert response.status_code == 302
    assert response["Location"].endswith("#build-heading")
    build = ProcessDocumentBuild.objects.get()
    assert build.requested_by == bonn_coordinator
    assert build.language == "de"
    page = client.get(url("process_document", world.process.pk)).content.decode()
    assert "<progress" in page
    assert 'hx-trigger="every 2s"' in page
    # Without JavaScript, a link reloads the page.
    assert "#build-heading" in page


def test_build_needs_post(client, world, office):
    client.force_login(office)
    assert client.get(url("process_document_build", world.process.pk)).status_code == 405


def test_second_request_while_one_runs_is_refused(client, world, office, queued):
    client.force_login(office)
    client.post(url("process_document_build", world.process.pk))
    response = client.post(url("process_document_build", world.process.pk), follow=True)
    assert ProcessDocumentBuild.objects.count() == 1
    assert "being made already" in response.content.decode()


def test_status_for_htmx_polls_while_the_build_runs(client, world, office, queued):
    client.force_login(office)
    build = services.request_process_document_build(office, world.process)
    ProcessDocumentBuild.objects.filter(pk=build.pk).update(
        status=Status.RUNNING, progress=60, step="render"
    )
    response = client.get(url("process_document_status", world.process.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="60"' in html
    assert "<label for=" in html
    assert "Writing the document" in html


def test_status_stops_polling_when_done(client, world, office, done_build):
    client.force_login(office)
    response = client.get(url("process_document_status", world.process.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert url("build_download", done_build.pk) in response.content.decode()


def test_status_without_htmx_is_the_page(client, world, office):
    client.force_login(office)
    response = client.get(url("process_document_status", world.process.pk))
    assert response.status_code == 302
    assert response["Location"] == url("process_document", world.process.pk) + "#build-heading"


def test_status_refused_to_other_roles(client, world, kiel_coordinator):
    client.force_login(kiel_coordinator)
    response = client.get(url("process_document_status", world.process.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["office", "bonn_coordinator", "bonn_facilitator"])
def test_download_the_pdf(client, done_build, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url("build_download", done_build.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("role", ["kiel_coordinator", "participant"])
def test_download_refused_to_other_roles(client, done_build, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url("build_download", done_build.pk)).status_code == 403


def test_download_of_a_failed_or_unknown_build(client, world, office, queued):
    client.force_login(office)
    build = services.request_process_document_build(office, world.process)
    ProcessDocumentBuild.objects.filter(pk=build.pk).update(status=Status.FAILED, error="x")
    assert client.get(url("build_download", build.pk)).status_code == 404
    assert client.get(url("build_download", 999999)).status_code == 404


def test_failed_build_shows_why_and_keeps_the_previous(
    client, world, office, done_build, queued, monkeypatch
):
    def broken(html):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "html_to_pdf", broken)
    failed = services.request_process_document_build(office, world.process)
    services.run_build(failed.pk)
    client.force_login(office)
    html = client.get(url("process_document", world.process.pk)).content.decode()
    assert "RuntimeError: no fonts" in html
    assert "previous PDF is still available" in html
    assert url("build_download", done_build.pk) in html


# The actor brochure


def test_brochure_is_public(client, directory, bonn):
    response = client.get(url("brochure", bonn.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ghanaischer Verein Bonn" in html
    assert "Eine Welt Forum Bonn" in html
    assert "kontakt@ghana-bonn.example" in html
    assert "Ama Mensah" in html
    assert "Stiller Verein Bonn" not in html
    assert "Stadt Bonn Internationales" not in html
    assert "Kofi Privat" not in html
    assert url("brochure_pdf", bonn.pk) in html
    # The second region refers to the first entry.
    assert 'href="#brochure-organisation-' in html


def test_brochure_in_german(client, directory, bonn):
    response = client.get(url("brochure", bonn.pk, language="de"))
    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()


def test_brochure_queries_stay_few(client, directory, bonn, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(url("brochure", bonn.pk)).status_code == 200


def test_brochure_of_a_municipality_without_a_program(client, db):
    elsewhere = MunicipalityFactory(name="Nirgendwo")
    assert client.get(url("brochure", elsewhere.pk)).status_code == 404
    assert client.get(url("brochure_pdf", elsewhere.pk)).status_code == 404
    assert client.get(url("brochure", 999999)).status_code == 404


def test_brochure_pdf_download(client, directory, bonn):
    response = client.get(url("brochure_pdf", bonn.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="organisations-bonn.pdf"'
    assert response.content.startswith(b"%PDF")


def test_withdrawn_consent_leaves_the_page_and_the_download(
    client, directory, bonn, office, settings, django_capture_on_commit_callbacks
):
    from bruecken.actors import services as actor_services

    settings.WEBSITE_CACHE_SECONDS = 600
    assert b"Eine Welt Forum Bonn" in client.get(url("brochure", bonn.pk)).content
    client.get(url("brochure_pdf", bonn.pk))
    ngo = bonn.organisations.get(name="Eine Welt Forum Bonn")
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.withdraw_organisation_consent(office, ngo)
    assert b"Eine Welt Forum Bonn" not in client.get(url("brochure", bonn.pk)).content
    from bruecken.reports.tests.test_services import pdf_text

    assert "Eine Welt Forum Bonn" not in pdf_text(client.get(url("brochure_pdf", bonn.pk)).content)


def test_brochure_queries_do_not_grow_with_the_organisations(
    client, directory, bonn, django_assert_max_num_queries
):
    from bruecken.actors.tests.factories import MembershipFactory, OrganisationFactory
    from bruecken.places.models import Country

    kenya = Country.objects.get(code="KE")
    for number in range(5):
        organisation = OrganisationFactory(municipality=bonn, public=True, name=f"Neu {number}")
        organisation.countries.set([kenya])
        MembershipFactory(organisation=organisation, is_contact=True, person__public=True)
    with django_assert_max_num_queries(8):
        assert client.get(url("brochure", bonn.pk)).status_code == 200


def test_a_lost_build_can_be_replaced_from_the_page(client, world, office, queued):
    import datetime

    from django.utils import timezone

    lost = services.request_process_document_build(office, world.process)
    ProcessDocumentBuild.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - services.STALE_AFTER - datetime.timedelta(minutes=1)
    )
    client.force_login(office)
    page = client.get(url("process_document", world.process.pk)).content.decode()
    assert "taking unusually long" in page
    assert url("process_document_build", world.process.pk) in page
    client.post(url("process_document_build", world.process.pk))
    assert ProcessDocumentBuild.objects.filter(status=Status.QUEUED).count() == 1
    lost.refresh_from_db()
    assert lost.status == Status.FAILED


def test_status_polling_is_cheap(client, world, office, queued, django_assert_max_num_queries):
    services.request_process_document_build(office, world.process)
    client.force_login(office)
    with django_assert_max_num_queries(6):
        client.get(url("process_document_status", world.process.pk), HTTP_HX_REQUEST="true")


def test_empty_process_and_empty_brochure(client, office, bonn, reference_data):
    from bruecken.programs.tests.factories import LocalProcessFactory, ProgramFactory

    program = ProgramFactory(municipalities=[bonn])
    process = LocalProcessFactory(program=program, municipality=bonn)
    client.force_login(office)
    page = client.get(url("process_document", process.pk)).content.decode()
    assert "No workshops yet." in page
    assert "No goals yet" in page
    assert "nothing to compare" in page
    client.logout()
    assert b"has agreed to be published yet" in client.get(url("brochure", bonn.pk)).content
    response = client.get(url("brochure_pdf", bonn.pk))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
