"""Data exports in the S3 store: built by the worker into the private bucket, downloaded
through the owner's view only."""

import pytest
from django.urls import reverse

from bruecken.accounts.tests.factories import UserFactory
from bruecken.privacy import exports
from bruecken.privacy.models import DataExport
from bruecken.tests.s3 import PRIVATE_BUCKET, s3_fixture  # noqa: F401 (fixture)

from .my_data_fixtures import held_fixture, in_german_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("in_german", "language_reset")


def test_an_export_in_the_bucket_is_downloaded_by_its_owner_only(
    s3, client, participant, held, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(user=participant)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    key = f"private/exports/{export.file.name}"
    assert s3.keys(PRIVATE_BUCKET) == [key]
    address = reverse("privacy:my_data_download", args=[export.pk])
    client.force_login(participant)
    response = client.get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3.read(PRIVATE_BUCKET, key)
    client.force_login(UserFactory())
    assert client.get(address).status_code == 404
    # The housekeeping deletes it from the store too.
    DataExport.objects.filter(pk=export.pk).update(expires_at=export.finished_at)
    assert exports.delete_expired() == 1
    assert s3.keys(PRIVATE_BUCKET) == []


def test_a_download_while_the_store_is_down_is_503(
    s3, client, participant, held, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(user=participant)
    client.force_login(participant)
    s3.stop()
    client.raise_request_exception = False  # answered as a server does: handler500
    response = client.get(reverse("privacy:my_data_download", args=[export.pk]))
    assert response.status_code == 503
