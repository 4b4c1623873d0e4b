"""A published edition's files built by the worker into the S3 store and downloaded through
the edition's view."""

import pytest

from bruecken.guide import render, services
from bruecken.guide.models import BuildStatus, Edition
from bruecken.tests.helpers import url_maker
from bruecken.tests.s3 import PRIVATE_BUCKET, s3_fixture  # noqa: F401 (fixture)

url = url_maker("guide", language="en")
PDF = b"%PDF-1.7\n% stand-in\n"


@pytest.fixture
def stand_in_renderers(monkeypatch):
    # The files need storing, not real documents (the renderers have tests of their own).
    monkeypatch.setattr(
        render,
        "RENDERERS",
        [("html", "HTML", lambda content: b"<p>Leitfaden</p>"), ("pdf", "PDF", lambda c: PDF)],
    )


def test_the_edition_files_land_in_the_bucket_and_download_through_the_view(
    s3, stand_in_renderers, client, office, edition, accepted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_edition(office, edition)
    edition = Edition.objects.get(pk=edition.pk)
    assert edition.build_status == BuildStatus.DONE
    assert s3.keys(PRIVATE_BUCKET) == sorted(
        f"private/guide/{field.name}" for field in (edition.html_file, edition.pdf_file)
    )
    response = client.get(url("edition_file", edition.pk, "pdf"))
    assert response.status_code == 200  # published: for everyone
    assert b"".join(response.streaming_content) == PDF
    s3.stop()
    client.raise_request_exception = False  # answered as a server does: handler500
    assert client.get(url("edition_file", edition.pk, "pdf")).status_code == 503


def test_a_build_while_the_store_is_down_fails_and_can_be_retried(
    s3, stand_in_renderers, office, edition, accepted, django_capture_on_commit_callbacks
):
    s3.stop()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_edition(office, edition)
    edition = Edition.objects.get(pk=edition.pk)
    assert edition.build_status == BuildStatus.FAILED
    assert not edition.pdf_file and not edition.html_file
