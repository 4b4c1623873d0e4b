"""A process documentation built by the worker into the S3 store, downloaded through the
view by whom it is for."""

import pytest

from bruecken.reports import services
from bruecken.reports.models import ProcessDocumentBuild
from bruecken.tests.helpers import url_maker
from bruecken.tests.s3 import PRIVATE_BUCKET, s3_fixture  # noqa: F401 (fixture)

url = url_maker("reports", language="en")
PDF = b"%PDF-1.7\n% stand-in\n"


@pytest.fixture
def built(s3, world, office, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda build_id: None)
    monkeypatch.setattr(services, "html_to_pdf", lambda html: PDF)
    build = services.request_process_document_build(office, world.process)
    assert services.run_build(build.pk)
    build.refresh_from_db()
    return build


def test_the_build_lands_in_the_bucket_and_downloads_through_the_view(
    s3, built, client, bonn_facilitator, kiel_coordinator
):
    assert built.status == ProcessDocumentBuild.Status.DONE
    assert s3.keys(PRIVATE_BUCKET) == [f"private/{built.file.name}"]
    client.force_login(bonn_facilitator)
    response = client.get(url("build_download", built.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(kiel_coordinator)
    assert client.get(url("build_download", built.pk)).status_code == 403


def test_a_download_while_the_store_is_down_is_503(s3, built, client, office):
    client.force_login(office)
    s3.stop()
    client.raise_request_exception = False  # answered as a server does: handler500
    assert client.get(url("build_download", built.pk)).status_code == 503


def test_a_build_while_the_store_is_down_fails_without_a_file(s3, world, office, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda build_id: None)
    monkeypatch.setattr(services, "html_to_pdf", lambda html: PDF)
    build = services.request_process_document_build(office, world.process)
    s3.stop()
    assert not services.run_build(build.pk)
    build.refresh_from_db()
    assert build.status == ProcessDocumentBuild.Status.FAILED
    assert not build.file
