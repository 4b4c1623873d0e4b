"""Event documents in the S3 store: uploaded into the private bucket, downloaded by the
event's facilitators only; an upload while the store is down answers 503 and keeps no row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bruecken.events.models import Document
from bruecken.events.tests.factories import EventFactory
from bruecken.tests.helpers import url_maker
from bruecken.tests.s3 import PRIVATE_BUCKET, s3_fixture  # noqa: F401 (fixture)

url = url_maker("events", language="en")


@pytest.fixture
def workshop(bonn):
    return EventFactory(process__municipality=bonn, title="Erweiterter Workshop Bonn")


def upload(client, workshop):
    document = SimpleUploadedFile("Programm.pdf", b"%PDF-1.4 Ablauf", "application/pdf")
    return client.post(url("document_add", workshop.pk), {"title": "Ablauf", "file": document})


def test_a_document_is_stored_privately_and_downloaded_by_facilitators(
    s3, client, bonn_facilitator, kiel_coordinator, workshop
):
    client.force_login(bonn_facilitator)
    assert upload(client, workshop).status_code == 302
    document = Document.objects.get()
    assert s3.keys(PRIVATE_BUCKET) == [f"private/events/{workshop.pk}/Programm.pdf"]
    response = client.get(url("document_download", document.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 Ablauf"
    client.force_login(kiel_coordinator)
    assert client.get(url("document_download", document.pk)).status_code == 403


def test_an_upload_while_the_store_is_down_is_503_and_keeps_no_row(
    s3, client, bonn_facilitator, workshop
):
    client.force_login(bonn_facilitator)
    s3.stop()
    client.raise_request_exception = False  # answered as a server does: handler500
    assert upload(client, workshop).status_code == 503
    assert not Document.objects.exists()
